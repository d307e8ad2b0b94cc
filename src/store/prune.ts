/**
 * Deleting finished runs, written against the `Store` contract only: the checks every backend
 * applies to a `PruneQuery` (so each refuses the same values with the same message), the values
 * its SQL binds, and `pruneAll`, which deletes in batches so that no transaction holds the
 * database for long. The `prune` command and the retention setting both use it.
 *
 * @example
 * ```ts
 * import { pruneAll } from "./prune.ts";
 * const { deleted } = await pruneAll(store, {
 *   finishedBefore: "2026-01-01T00:00:00.000Z",
 *   statuses: ["COMPLETED", "FAILED", "CANCELLED"],
 * });
 * ```
 * @module
 */
import { InvalidInputError } from "../errors.ts";
import { checkPage } from "./paging.ts";
import { ISO_TIMESTAMP } from "./rows.ts";
import {
  FINISHED_STATUS_LIST,
  FINISHED_STATUSES,
  type FinishedStatus,
  MAX_PAGE_SIZE,
  type PruneQuery,
  type Store,
} from "./types.ts";

/**
 * Runs deleted per transaction by `pruneAll`: tens of milliseconds of write lock each (500 runs of
 * two history entries: 23-39 ms on SQLite, 38-92 ms on PostgreSQL, on a 2-core machine).
 */
export const PRUNE_BATCH_SIZE = MAX_PAGE_SIZE;

/**
 * Refuse a query that could select a run that has not finished, or that a backend would compare
 * wrongly: no status, a status that is not a finished one, a cutoff that is not an ISO-8601 UTC
 * timestamp as the stores write them, a limit outside 1..500.
 * @throws {InvalidInputError}
 */
export function checkPruneQuery(query: PruneQuery): void {
  const finished = FINISHED_STATUS_LIST.join(", ");
  if (query.statuses.length === 0) {
    throw new InvalidInputError(`Name at least one status of runs to prune: ${finished}.`);
  }
  const unfinished = query.statuses.find((status) => !FINISHED_STATUSES.has(status));
  if (unfinished !== undefined) {
    throw new InvalidInputError(
      `Only finished runs (${finished}) can be pruned, not '${unfinished}': a RUNNING or ` +
        "SUSPENDED run is never deleted.",
    );
  }
  if (!ISO_TIMESTAMP.test(query.finishedBefore)) {
    throw new InvalidInputError(
      `The prune cutoff must be an ISO-8601 UTC timestamp like 2026-01-02T03:04:05.678Z; got ` +
        `'${query.finishedBefore}'.`,
    );
  }
  checkPage(query.limit, 0, MAX_PAGE_SIZE);
}

/**
 * The values a backend binds for `query`'s filter: the cutoff, then exactly three statuses (the
 * list repeated to fill the SQL's `IN (?, ?, ?)`, so one statement serves every choice), then the
 * workflow name when there is one.
 */
export function pruneFilterValues(query: PruneQuery): string[] {
  const statuses = FINISHED_STATUS_LIST.map((_, i) => query.statuses[i % query.statuses.length]!);
  return [
    query.finishedBefore,
    ...statuses,
    ...(query.workflowName === undefined ? [] : [query.workflowName]),
  ];
}

/** What `pruneAll` deleted. */
export interface Pruned {
  /** Runs deleted (each with its history). */
  deleted: number;
  /** Transactions it took. */
  batches: number;
}

/** How `pruneAll` deletes. */
export interface PruneAllOptions {
  /** Runs per transaction (default `PRUNE_BATCH_SIZE`). */
  batchSize?: number;
  /** Delete at most this many runs in all, the oldest finished first (default: every one). */
  maxRuns?: number;
}

/**
 * Delete the finished runs `filter` selects, oldest finished first, `batchSize` runs per
 * transaction (each batch atomic; between batches the servers write as usual), until a batch finds
 * fewer to delete or `maxRuns` are deleted.
 * @throws {InvalidInputError} as `Store.pruneRuns`
 */
export async function pruneAll(
  store: Store,
  filter: { finishedBefore: string; statuses: readonly FinishedStatus[]; workflowName?: string },
  { batchSize = PRUNE_BATCH_SIZE, maxRuns = Infinity }: PruneAllOptions = {},
): Promise<Pruned> {
  let deleted = 0;
  for (let batches = 1;; batches++) {
    const limit = Math.min(batchSize, maxRuns - deleted);
    const batch = await store.pruneRuns({ ...filter, limit });
    deleted += batch.deleted.length;
    if (batch.deleted.length < limit || deleted >= maxRuns) return { deleted, batches };
  }
}
