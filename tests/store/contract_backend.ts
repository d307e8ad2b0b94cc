/**
 * What the store contract suite runs on: a backend that makes new empty databases, and
 * `contractTest`, which registers one test with a fresh database and a store open on it.
 *
 * @example
 * ```ts
 * import { contractTest } from "./contract_backend.ts";
 * contractTest(backend, "reads nothing", async ({ store }) => { await store.getInstance("x"); });
 * ```
 * @module
 */
import type { Store, StoreKind } from "../../src/store/types.ts";

/** A new empty database a contract test runs on; disposing it removes it. */
export interface ContractDatabase extends AsyncDisposable {
  /** Open a store on this database (several may be open at once, like replicas). */
  open(): Promise<Store>;
}

/** A backend under test. */
export interface ContractBackend {
  kind: StoreKind;
  /** Create a new empty database. */
  database(): Promise<ContractDatabase>;
  /** Why the suite cannot run here; its tests are then registered as ignored. */
  skip?: string;
}

/** What a contract test gets: its database and a store open on it (closed after the test). */
export interface ContractContext {
  db: ContractDatabase;
  store: Store;
}

/** Register one contract test named `${kind}: ${name}`. */
export function contractTest(
  backend: ContractBackend,
  name: string,
  fn: (context: ContractContext) => Promise<void>,
): void {
  Deno.test({
    name: `${backend.kind}: ${name}`,
    ignore: backend.skip !== undefined,
    async fn() {
      await using db = await backend.database();
      const store = await db.open();
      try {
        await fn({ db, store });
      } finally {
        await store.close();
      }
    },
  });
}
