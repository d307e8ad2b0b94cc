/**
 * The retention setting (`WORKFLOW_RETENTION_DAYS`): a serving process deletes the finished runs
 * (COMPLETED, FAILED, CANCELLED; never a RUNNING or SUSPENDED one) that finished more than that
 * many days ago, once at start and then daily, as `prune --older-than Nd` would, and logs how
 * many went. The daily timer never keeps the process alive; replicas pruning at once share the
 * work (each batch skips the runs another replica is deleting).
 *
 * @example
 * ```ts
 * import { startRetention } from "./retention.ts";
 * const retention = startRetention(store, 30);
 * // … serve …
 * await retention.stop();
 * ```
 * @module
 */
import { log } from "./log.ts";
import { pruneAll } from "./store/prune.ts";
import { FINISHED_STATUS_LIST, type Store } from "./store/types.ts";

/** How often a serving process prunes: daily. */
export const RETENTION_INTERVAL_MS = 86_400_000;

/** A running retention schedule. */
export interface Retention {
  /** Stop the schedule and wait for a prune under way (so the store can be closed after). */
  stop(): Promise<void>;
}

/** Delete the runs that finished more than `days` days ago and log what happened. */
async function applyRetention(store: Store, days: number): Promise<void> {
  const finishedBefore = new Date(Date.now() - days * 86_400_000).toISOString();
  const setting = `retention (WORKFLOW_RETENTION_DAYS=${days})`;
  try {
    const { deleted } = await pruneAll(store, { finishedBefore, statuses: FINISHED_STATUS_LIST });
    log.info(
      `${setting}: pruned ${deleted} finished ${deleted === 1 ? "run" : "runs"} that ` +
        `finished before ${finishedBefore}`,
    );
    if (deleted === 0) return;
    const { releasedBytes } = await store.reclaimSpace();
    if (releasedBytes > 0) log.info(`${setting}: ${releasedBytes} bytes given back to the disk`);
  } catch (error) {
    log.warn(
      `${setting}: pruning failed, the next attempt is at the next interval: ` +
        (error instanceof Error ? error.message : String(error)),
    );
  }
}

/**
 * Prune now, then every `intervalMs` (daily by default); a prune still under way when the next
 * one is due is not doubled.
 */
export function startRetention(
  store: Store,
  days: number,
  intervalMs: number = RETENTION_INTERVAL_MS,
): Retention {
  let running: Promise<void> | undefined;
  const prune = () => {
    running ??= applyRetention(store, days).finally(() => running = undefined);
  };
  prune();
  const timer = setInterval(prune, intervalMs);
  Deno.unrefTimer(timer);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
