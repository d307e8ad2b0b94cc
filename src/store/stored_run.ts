/**
 * Whole runs read out of one store and checked before another imports them: the copy behind
 * `migrate-db` (SQLite to PostgreSQL), written against the `Store` contract only.
 *
 * @example
 * ```ts
 * import { readRun } from "./stored_run.ts";
 * const run = await readRun(sqlite, id);
 * await postgres.importRun(run);
 * ```
 * @module
 */
import { InvalidInputError, UnknownInstanceError } from "../errors.ts";
import {
  type HistoryEntry,
  type Instance,
  MAX_PAGE_SIZE,
  type Store,
  type StoredRun,
} from "./types.ts";

/** Every history entry of `instance`, oldest first, read a page at a time. */
export async function readHistory(store: Store, instance: Instance): Promise<HistoryEntry[]> {
  const history: HistoryEntry[] = [];
  while (history.length < instance.historyLength) {
    const { entries } = await store.listHistory(instance.id, {
      limit: MAX_PAGE_SIZE,
      offset: history.length,
    });
    if (entries.length === 0) break;
    history.push(...entries);
  }
  return history;
}

/**
 * The run `id` with its whole history and pinned definition.
 * @throws {UnknownInstanceError}
 */
export async function readRun(store: Store, id: string): Promise<StoredRun> {
  const instance = await store.getInstance(id);
  if (instance === undefined) throw new UnknownInstanceError(id);
  return await storedRunOf(store, instance);
}

/** `instance`, as read, with its whole history and pinned definition. */
export async function storedRunOf(store: Store, instance: Instance): Promise<StoredRun> {
  const history = await readHistory(store, instance);
  const body = await store.pinnedDefinition(instance.definitionHash);
  return {
    instance,
    history,
    ...(body === undefined ? {} : {
      definition: { hash: instance.definitionHash, workflowName: instance.workflowName, body },
    }),
  };
}

/**
 * Refuse a run whose history is not exactly seq 1 to `historyLength` of that run (what every
 * store's `importRun` checks before writing).
 * @throws {InvalidInputError}
 */
export function checkStoredRun({ instance, history }: StoredRun): void {
  const wrong = history.findIndex((entry, i) =>
    entry.seq !== i + 1 || entry.instanceId !== instance.id
  );
  if (wrong !== -1 || history.length !== instance.historyLength) {
    throw new InvalidInputError(
      `Run '${instance.id}' cannot be imported: its history must hold entries 1 to ` +
        `${instance.historyLength} of that run in order, but ` +
        (wrong === -1
          ? `it has ${history.length} entries.`
          : `entry ${wrong + 1} is seq ${history[wrong]!.seq} of run '${
            history[wrong]!.instanceId
          }'.`),
    );
  }
}
