/**
 * Placeholder until the PostgreSQL backend lands.
 * @module
 */
import { StorageError } from "../../errors.ts";
import type { Store } from "../types.ts";

/** Open a PostgreSQL store (not yet available). */
export function openPostgresStore(_url: string, _options: { poolSize: number }): Promise<Store> {
  return Promise.reject(new StorageError("PostgreSQL is not available yet."));
}
