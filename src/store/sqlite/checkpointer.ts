/**
 * WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside the `COMMIT` that
 * makes the WAL reach 1,000 pages, and copying those pages back with two fsyncs took 9-22 ms on
 * this machine, about once every 200 advances: half of all the time spent committing. Once a store
 * has committed `START_AFTER_COMMITS` times (a busy server, not a short command or a test), a worker
 * thread with a connection of its own checkpoints every `INTERVAL_MS` instead, and the store's
 * automatic checkpoint is raised to `FALLBACK_PAGES`: it only bounds the WAL should the worker fall
 * behind or fail to start (e.g. in a compiled binary without the worker module), in which case the
 * store keeps checkpointing itself as before. Nothing about durability changes: a commit is durable
 * when it is in the WAL, checkpointed or not.
 *
 * @example
 * ```ts
 * const checkpoints = new Checkpointer(db, { path, synchronous: "NORMAL" });
 * checkpoints.committed(); // after each group commit
 * await checkpoints.stop();
 * ```
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { log } from "../../log.ts";
import workerSource from "./checkpoint_worker.js" with { type: "text" };

/** What the worker is started with. */
interface CheckpointStart {
  path: string;
  synchronous: "NORMAL" | "FULL";
}

/** Commits after which the worker is started. */
export const START_AFTER_COMMITS = 1000;
/** How often the worker checkpoints (ms). */
const INTERVAL_MS = 250;
/** The store's own automatic checkpoint once the worker runs (pages, ~32 MB of WAL). */
const FALLBACK_PAGES = 8000;
/** How long `stop` waits for the worker to close its connection (ms). */
const STOP_TIMEOUT_MS = 2000;

/** Starts, and stops, the checkpointing worker of one store's database. */
export class Checkpointer {
  readonly #db: DatabaseSync;
  readonly #start: CheckpointStart;
  #commits = 0;
  #worker: Worker | undefined;
  #stopped = false;

  constructor(db: DatabaseSync, start: CheckpointStart) {
    this.#db = db;
    this.#start = start;
  }

  /** Count a commit; the `START_AFTER_COMMITS`-th starts the worker (file databases only). */
  committed(): void {
    if (++this.#commits !== START_AFTER_COMMITS || this.#start.path === ":memory:") return;
    const url = URL.createObjectURL(new Blob([workerSource], { type: "text/javascript" }));
    try {
      this.#worker = new Worker(url, { type: "module" });
    } catch (error) {
      URL.revokeObjectURL(url);
      return this.#fallBack(error);
    }
    this.#worker.onerror = (event) => {
      event.preventDefault();
      this.#fallBack(event.message);
    };
    this.#worker.onmessage = ({ data }: MessageEvent<"ready" | { error: string } | "stopped">) => {
      URL.revokeObjectURL(url); // Loaded by now.
      if (data === "ready" && !this.#stopped) {
        this.#db.exec(`PRAGMA wal_autocheckpoint = ${FALLBACK_PAGES}`);
      } else if (typeof data === "object") this.#fallBack(data.error);
    };
    this.#worker.postMessage({ ...this.#start, intervalMs: INTERVAL_MS });
  }

  /** Whether a worker was started (and not stopped). */
  get running(): boolean {
    return this.#worker !== undefined;
  }

  /** Stop the worker (closing its connection first), if it runs. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const worker = this.#worker;
    this.#worker = undefined;
    if (!worker) return;
    const stopped = Promise.withResolvers<void>();
    worker.onmessage = ({ data }) => data === "stopped" && stopped.resolve();
    worker.onerror = () => stopped.resolve();
    const timeout = setTimeout(stopped.resolve, STOP_TIMEOUT_MS);
    worker.postMessage("stop");
    await stopped.promise;
    clearTimeout(timeout);
    worker.terminate();
  }

  /** The worker could not start or failed: the store checkpoints itself, as it did before. */
  #fallBack(error: unknown): void {
    log.debug(`checkpointing in the store's own commits (no worker: ${String(error)})`);
    this.#worker?.terminate();
    this.#worker = undefined;
    if (this.#db.isOpen) this.#db.exec("PRAGMA wal_autocheckpoint = 1000");
  }
}
