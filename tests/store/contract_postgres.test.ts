/**
 * The store contract suite (`contract.ts`) on the PostgreSQL backend: each test in a new schema of
 * the test server (`WORKFLOW_TEST_DB_URL`); ignored when the runner started no server.
 * @module
 */
import { openPostgresStore } from "../../src/store/postgres/store.ts";
import { storeContract } from "./contract.ts";
import { freshSchema, POSTGRES_SKIP } from "./postgres_helpers.ts";

storeContract({
  kind: "postgres",
  skip: POSTGRES_SKIP,
  async database() {
    const schema = await freshSchema();
    return {
      open: () => openPostgresStore(schema.url, { poolSize: 4 }),
      [Symbol.asyncDispose]: () => schema[Symbol.asyncDispose](),
    };
  },
});
