/**
 * Read access to recorded runs for the command line: the SQLite database opened only if it
 * already exists (a CLI query never creates one), behind the engine's read methods.
 *
 * @example
 * ```ts
 * const runs = openRuns(config);
 * try { console.log(runs.engine.listInstances({ limit: 10, offset: 0 })); } finally { runs.close(); }
 * ```
 * @module
 */
import type { Config } from "../config.ts";
import { StubDecisionMaker } from "../decide/stub.ts";
import { DefinitionRegistry } from "../definitions/registry.ts";
import { WorkflowEngine } from "../engine/engine.ts";
import { OrchestratorError } from "../errors.ts";
import { openStore, type SqliteStore } from "../store/sqlite.ts";

/** An open database of runs. */
export interface Runs {
  engine: WorkflowEngine;
  store: SqliteStore;
  close(): void;
}

/**
 * Open the configured database for reading runs.
 * @throws {OrchestratorError} there is no database file yet (no run was ever recorded there)
 */
export function openRuns(config: Config): Runs {
  try {
    Deno.statSync(config.dbPath);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new OrchestratorError(
      `No database at ${config.dbPath}: no runs were recorded there yet. Point --db-path (or ` +
        "WORKFLOW_DB_PATH) at the server's database.",
    );
  }
  const store = openStore(config.dbPath, { synchronous: config.dbSynchronous });
  const definitions = new DefinitionRegistry(config.definitionsDir);
  // The CLI only reads runs; the engine needs a decision maker but never calls it here.
  const engine = new WorkflowEngine({ definitions, store, decider: new StubDecisionMaker() });
  return { engine, store, close: () => store.close() };
}
