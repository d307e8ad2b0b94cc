/**
 * The store contract suite (`contract.ts`) on the SQLite backend: each test on a new file in its
 * own temp folder.
 * @module
 */
import { openSqliteStore } from "../../src/store/sqlite/store.ts";
import { storeContract } from "./contract.ts";
import { tempDbPath } from "./helpers.ts";

storeContract({
  kind: "sqlite",
  database() {
    const tmp = tempDbPath();
    return Promise.resolve({
      open: () => Promise.resolve(openSqliteStore(tmp.path)),
      [Symbol.asyncDispose]: () => Promise.resolve(tmp[Symbol.dispose]()),
    });
  },
});
