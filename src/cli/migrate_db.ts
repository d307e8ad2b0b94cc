/**
 * `migrate-db`: copy every run (instance, whole history, pinned definition) from the SQLite file
 * at `WORKFLOW_DB_PATH` into the PostgreSQL database at `WORKFLOW_DB_URL`, each run in one
 * transaction. Runs already in PostgreSQL are skipped, so an interrupted copy can simply be run
 * again. The SQLite file is only read.
 *
 * @example
 * ```ts
 * Deno.exitCode = await migrateDbCommand(config);
 * ```
 * @module
 */
import type { Config } from "../config.ts";
import { OrchestratorError } from "../errors.ts";
import { openStore, storeLocation } from "../store/open.ts";
import { openSqliteStore } from "../store/sqlite/store.ts";
import { readRun } from "../store/stored_run.ts";
import { MAX_PAGE_SIZE, type Store } from "../store/types.ts";
import { requireSqliteFile } from "./runs.ts";

/** Every run id in `store`, oldest started first. */
async function allRunIds(store: Store): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0;; offset += MAX_PAGE_SIZE) {
    const { instances, total } = await store.listInstances({ limit: MAX_PAGE_SIZE, offset });
    ids.push(...instances.map((instance) => instance.id));
    if (instances.length === 0 || offset + instances.length >= total) break;
  }
  return ids.reverse();
}

/** Copy the runs, print what was done, and return the exit code. */
export async function migrateDbCommand(config: Config): Promise<number> {
  if (config.dbUrl === undefined) {
    throw new OrchestratorError(
      "migrate-db copies the runs of the SQLite file (--db-path or WORKFLOW_DB_PATH) into " +
        "PostgreSQL: set the destination with --db-url or WORKFLOW_DB_URL.",
    );
  }
  requireSqliteFile(
    config.dbPath,
    "point --db-path (or WORKFLOW_DB_PATH) at the SQLite file whose runs should be copied.",
  );
  const source = openSqliteStore(config.dbPath);
  try {
    const destination = await openStore(config);
    try {
      const ids = await allRunIds(source);
      let copied = 0;
      let entries = 0;
      for (const id of ids) {
        const run = await readRun(source, id);
        if (await destination.importRun(run)) {
          copied++;
          entries += run.history.length;
        }
      }
      console.log(
        `Copied ${copied} runs (${entries} history entries) from ${config.dbPath} to ` +
          `${storeLocation(config)}; ${ids.length - copied} were already there and were skipped.`,
      );
      return 0;
    } finally {
      await destination.close();
    }
  } finally {
    await source.close();
  }
}
