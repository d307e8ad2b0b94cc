/**
 * `prune`: delete the finished runs (COMPLETED, FAILED, CANCELLED; never a RUNNING or SUSPENDED
 * one) that finished before `--older-than`, optionally only some statuses or one workflow, a
 * batch per transaction, at most `--limit` of them (the oldest finished first); then say what
 * happened to the space. `--dry-run` lists what would go and changes nothing.
 *
 * @example
 * ```ts
 * Deno.exitCode = await pruneCommand(config, { olderThan: "30d", statuses: [], dryRun: true });
 * ```
 * @module
 */
import type { Config } from "../config.ts";
import { OrchestratorError } from "../errors.ts";
import { pruneAll } from "../store/prune.ts";
import {
  DEFAULT_PAGE_SIZE,
  FINISHED_STATUS_LIST,
  type FinishedStatus,
  type FreeSpace,
  isInstanceStatus,
  MAX_PAGE_SIZE,
  type Store,
} from "../store/types.ts";
import { parseCutoff } from "./cutoff.ts";
import { parseLimit } from "./instances.ts";
import { openRunStore } from "./runs.ts";
import { formatTable } from "./table.ts";

/** The options of `prune`, as given on the command line. */
export interface PruneOptions {
  olderThan?: string;
  /** Each `--status`, possibly comma-separated lists. */
  statuses: string[];
  workflow?: string;
  dryRun: boolean;
  /** At most this many runs, the oldest finished first: listed by a dry run, deleted otherwise. */
  limit?: string;
}

/** The filter of a prune, checked. */
interface PruneFilter {
  finishedBefore: string;
  statuses: FinishedStatus[];
  workflowName?: string;
}

/**
 * The finished statuses named (all of them when none is).
 * @throws {OrchestratorError} a status that is unknown or not a finished one
 */
export function parseFinishedStatuses(values: string[]): FinishedStatus[] {
  const named = values.flatMap((value) => value.split(",")).map((s) => s.trim().toUpperCase());
  if (named.length === 0) return [...FINISHED_STATUS_LIST];
  const finished: readonly string[] = FINISHED_STATUS_LIST;
  for (const status of named) {
    if (finished.includes(status)) continue;
    throw new OrchestratorError(
      isInstanceStatus(status)
        ? `--status ${status}: prune deletes finished runs only (${finished.join(", ")}), never ` +
          `a ${status} one. Cancel an abandoned run first (the cancel_workflow tool), then prune it.`
        : `--status '${status}' is not a status of a finished run: use ${finished.join(", ")}.`,
    );
  }
  return [...new Set(named)] as FinishedStatus[];
}

/**
 * `count` runs of the filter in words: "2 COMPLETED, FAILED or CANCELLED runs of every workflow
 * that finished before …" ("no" for 0, "run" for 1).
 */
function describe(filter: PruneFilter, count: number): string {
  const statuses = filter.statuses.join(", ").replace(/, (?=[A-Z]+$)/, " or ");
  const workflow = filter.workflowName === undefined
    ? "of every workflow"
    : `of ${filter.workflowName}`;
  const runs = `${count === 0 ? "no" : count} ${statuses} ${count === 1 ? "run" : "runs"}`;
  return `${runs} ${workflow} that finished before ${filter.finishedBefore}`;
}

/**
 * Print what a prune with the same options would delete (at most `limit`, the oldest finished
 * first; the oldest `DEFAULT_PAGE_SIZE` of them listed without one); returns the exit code.
 */
async function dryRun(
  store: Store,
  filter: PruneFilter,
  limit: number | undefined,
): Promise<number> {
  const { instances, total } = await store.listPrunable({
    ...filter,
    limit: limit ?? DEFAULT_PAGE_SIZE,
  });
  if (total === 0) {
    console.log(`Dry run: ${describe(filter, 0)}; nothing would be deleted.`);
    return 0;
  }
  const deleted = Math.min(total, limit ?? total);
  const which = deleted < total ? `; the ${deleted} oldest (--limit ${limit})` : "";
  console.log(`Dry run: ${describe(filter, total)}${which} would be deleted with their history:\n`);
  console.log(formatTable(
    ["ID", "WORKFLOW", "STATUS", "COMPLETED"],
    instances.map((i) => [i.id, i.workflowName, i.status, i.completedAt ?? ""]),
  ));
  const shown = instances.length < deleted
    ? ` (the ${instances.length} oldest of ${deleted} shown; --limit up to ${MAX_PAGE_SIZE} ` +
      "lists more and deletes only those)"
    : "";
  const again = limit === undefined
    ? "without --dry-run"
    : `with --limit ${limit} but without --dry-run`;
  console.log(`\nNothing was deleted${shown}. Run again ${again} to delete them.`);
  return 0;
}

/** `1.5 MB`, `12 KB`, `300 bytes`. */
function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** What became of the space of the deleted rows, in a sentence for the operator. */
export function spaceAdvice(store: Store, space: FreeSpace): string {
  if (space.reusableBytes === null) {
    return "PostgreSQL's autovacuum makes their space reusable for new runs; only VACUUM FULL " +
      "(which locks the tables while it runs) gives it back to the file system.";
  }
  const released = space.releasedBytes > 0
    ? `${formatBytes(space.releasedBytes)} went back to the file system (auto_vacuum=INCREMENTAL). `
    : "";
  const left = space.reusableBytes > 0
    ? `${formatBytes(space.reusableBytes)} of free pages stay in ${store.location} for new ` +
      `runs; to shrink the file, stop the servers and run: sqlite3 '${store.location}' 'VACUUM'`
    : "No page of the file became free; new runs reuse the space.";
  return released + left;
}

/** Delete the runs, print what was done, and return the exit code. */
export async function pruneCommand(config: Config, options: PruneOptions): Promise<number> {
  if (options.olderThan === undefined) {
    throw new OrchestratorError(
      "prune needs --older-than AGE or DATE (e.g. 30d, 12h, 90m or 2026-01-31): the finished " +
        "runs that finished before it are deleted. Add --dry-run to see them first.",
    );
  }
  const filter: PruneFilter = {
    finishedBefore: parseCutoff(options.olderThan),
    statuses: parseFinishedStatuses(options.statuses),
    ...(options.workflow === undefined ? {} : { workflowName: options.workflow }),
  };
  const limit = options.limit === undefined ? undefined : parseLimit(options.limit);
  const store = await openRunStore(config);
  try {
    if (options.dryRun) return await dryRun(store, filter, limit);
    const { deleted, batches } = await pruneAll(store, filter, { maxRuns: limit });
    if (deleted === 0) {
      console.log(`Nothing was deleted: ${describe(filter, 0)}.`);
      return 0;
    }
    const transactions = `${batches} ${batches === 1 ? "transaction" : "transactions"}`;
    console.log(`Deleted ${describe(filter, deleted)}, with their history (${transactions}).`);
    if (deleted === limit) {
      const left = (await store.listPrunable({ ...filter, limit: 1 })).total;
      if (left > 0) console.log(`${left} more left (--limit ${limit}): run again to delete them.`);
    }
    console.log(spaceAdvice(store, await store.reclaimSpace()));
    return 0;
  } finally {
    await store.close();
  }
}
