/**
 * The one place a `Store` is opened from configuration: PostgreSQL when `WORKFLOW_DB_URL` is set
 * (several replicas can share it), otherwise the embedded SQLite file at `WORKFLOW_DB_PATH`. The
 * server, the CLI and the benchmarks open their store here; nothing else knows the backends.
 *
 * @example
 * ```ts
 * import { openStore } from "./open.ts";
 * const store = await openStore(config);
 * try { console.log(await store.getInstance(id)); } finally { await store.close(); }
 * ```
 * @module
 */
import type { Config } from "../config.ts";
import type { Store } from "./types.ts";

/** The configuration a store is opened from. */
export type StoreConfig = Pick<Config, "dbPath" | "dbSynchronous" | "dbUrl" | "dbPoolSize">;

/**
 * Open the configured backend and bring its schema up to date. The PostgreSQL driver is loaded
 * only when it is used.
 * @throws {StorageError} the database cannot be reached, opened or migrated (the message names
 * it, without any password, and says what to do)
 */
export async function openStore(config: StoreConfig): Promise<Store> {
  if (config.dbUrl !== undefined) {
    const { openPostgresStore } = await import("./postgres/store.ts");
    return await openPostgresStore(config.dbUrl, { poolSize: config.dbPoolSize });
  }
  const { openSqliteStore } = await import("./sqlite/store.ts");
  return openSqliteStore(config.dbPath, { synchronous: config.dbSynchronous });
}

/**
 * Where the configured store keeps its data, safe to print: the SQLite path, or the PostgreSQL
 * URL without its password.
 */
export function storeLocation(config: Pick<Config, "dbPath" | "dbUrl">): string {
  if (config.dbUrl === undefined) return config.dbPath;
  const url = new URL(config.dbUrl);
  if (url.password) url.password = "***";
  return url.toString();
}
