/**
 * Read access to recorded runs for the command line, through the store factory: the configured
 * database (a SQLite file is opened only if it already exists, so a CLI query never creates one;
 * PostgreSQL when `WORKFLOW_DB_URL` is set) and the definitions the runs started with.
 *
 * @example
 * ```ts
 * const runs = await openRuns(config);
 * try { console.log(await runs.store.listInstances({ limit: 10, offset: 0 })); } finally { await runs.close(); }
 * ```
 * @module
 */
import type { Config } from "../config.ts";
import { DefinitionRegistry } from "../definitions/registry.ts";
import { PinnedDefinitions } from "../engine/pinned.ts";
import { OrchestratorError } from "../errors.ts";
import { openStore } from "../store/open.ts";
import type { Instance, Store } from "../store/types.ts";

/** An open database of runs. */
export interface Runs {
  store: Store;
  /** The definition each run started with. */
  pinned: PinnedDefinitions;
  /** The run with this id (or id prefix, see `findRun`). @throws {OrchestratorError} none */
  instance(id: string): Promise<Instance>;
  close(): Promise<void>;
}

/**
 * Open the configured database for reading runs.
 * @throws {OrchestratorError} there is no SQLite database file yet (no run was ever recorded there)
 */
export async function openRuns(config: Config): Promise<Runs> {
  const store = await openRunStore(config);
  return {
    store,
    pinned: new PinnedDefinitions(store, new DefinitionRegistry(config.definitionsDir)),
    instance: (id) => findRun(store, id),
    close: () => store.close(),
  };
}

/** The fewest characters of a run id the command line looks a run up by. */
const MIN_ID_PREFIX = 4;

/**
 * The run `id` names: the run with that id, or the one run whose id starts with it (the dashboard
 * and `instances` show ids shortened).
 * @throws {OrchestratorError} no run has that id or prefix, or several runs have that prefix
 */
export async function findRun(store: Store, id: string): Promise<Instance> {
  const exact = await store.getInstance(id);
  if (exact) return exact;
  const matches = id.length < MIN_ID_PREFIX
    ? []
    : await store.pageInstances({ idPrefix: id, limit: 3 });
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw unknownRun(id, store);
  throw new OrchestratorError(
    `More than one run id starts with '${id}' (${matches.slice(0, 2).map((m) => m.id).join(", ")}` +
      `${matches.length > 2 ? ", …" : ""}): give more of it.`,
  );
}

/** The command line's error for a run id that `store` does not hold: the command that lists them. */
export function unknownRun(id: string, store: Pick<Store, "location">): OrchestratorError {
  return new OrchestratorError(
    `No run with id '${id}' in ${store.location}: 'instances' lists the runs it holds.`,
  );
}

/**
 * Refuse a SQLite path where no file exists yet: a command that reads, deletes or copies runs has
 * nothing to do there, and opening it would create an empty database.
 * @throws {OrchestratorError} naming the path, with `fix` saying what to point it at
 */
export function requireSqliteFile(path: string, fix: string): void {
  try {
    Deno.statSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new OrchestratorError(`No database at ${path}: ${fix}`);
  }
}

/**
 * Open the configured store, refusing to create a SQLite file: a command that reads or deletes
 * runs has nothing to do where none were recorded.
 * @throws {OrchestratorError} there is no SQLite database file yet
 */
export async function openRunStore(config: Config): Promise<Store> {
  if (config.dbUrl === undefined) {
    requireSqliteFile(
      config.dbPath,
      "no runs were recorded there yet. Point --db-path (or WORKFLOW_DB_PATH) at the server's " +
        "database.",
    );
  }
  return await openStore(config);
}
