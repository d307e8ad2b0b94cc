/**
 * Group commit for one SQLite connection: the writes issued before the queued microtask that
 * flushes them (e.g. by every request of one stdio chunk) share one `BEGIN IMMEDIATE` transaction,
 * each in its own savepoint, and every caller's promise settles only after that transaction's
 * `COMMIT`, so no caller answers its client before its change is durable.
 *
 * @example
 * ```ts
 * import { GroupCommit } from "./group_commit.ts";
 * const commits = new GroupCommit(db, { path, busyTimeoutMs: 5000 });
 * await commits.write("pinning", () => insert.run(...));
 * ```
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { OrchestratorError } from "../../errors.ts";
import { type DatabaseLabel, sqliteError } from "./errors.ts";
import { rollbackQuietly } from "./open.ts";

/**
 * How many microtask turns the group commit waits after the last write joined it before it
 * commits. The requests of one stdio chunk are dispatched together but reach the store a few turns
 * apart (their paths through the SDK differ by a few `await`s): measured at 16 in flight, flushing
 * on the first turn committed every write alone (one commit per call); waiting 8 turns grouped the
 * ~5 requests of a chunk. A lone write waits these few turns (well under a microsecond each).
 */
const QUIET_TURNS = 12;

/** At most this many turns in all, however writes keep arriving. */
const MAX_TURNS = 200;

/** A write waiting for the next group commit, with the callbacks of its caller's promise. */
interface QueuedWrite {
  what: string;
  apply: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** How one write of a batch ended; callers learn it only after the batch's COMMIT. */
type Outcome = { ok: true; value: unknown } | { ok: false; error: OrchestratorError };

/** The write queue of one connection and the transaction statements it commits with. */
export class GroupCommit {
  readonly #db: DatabaseSync;
  readonly #label: DatabaseLabel;
  readonly #begin: StatementSync;
  readonly #commit: StatementSync;
  readonly #savepoint: StatementSync;
  readonly #rollbackToSavepoint: StatementSync;
  readonly #releaseSavepoint: StatementSync;
  readonly #onCommit: () => void;
  /** Writes issued since the last group commit, in order. */
  #queue: QueuedWrite[] = [];

  /** `onCommit` runs after each successful `COMMIT`, before the callers are settled. */
  constructor(db: DatabaseSync, label: DatabaseLabel, onCommit: () => void = () => {}) {
    this.#db = db;
    this.#onCommit = onCommit;
    this.#label = label;
    this.#begin = db.prepare("BEGIN IMMEDIATE");
    this.#commit = db.prepare("COMMIT");
    this.#savepoint = db.prepare("SAVEPOINT queued_write");
    this.#rollbackToSavepoint = db.prepare("ROLLBACK TO queued_write");
    this.#releaseSavepoint = db.prepare("RELEASE queued_write");
  }

  /**
   * Queue `apply` for the next group commit, run once no write has joined it for `QUIET_TURNS`
   * microtask turns (the first write starts counting): the writes of requests dispatched together
   * share one `COMMIT` instead of paying one each, and a lone write is committed without waiting for
   * another event-loop iteration. `apply` runs inside the write transaction: what it reads, no
   * other writer can change before the commit.
   */
  write<T>(what: string, apply: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ what, apply, resolve: resolve as (value: unknown) => void, reject });
      if (this.#queue.length === 1) this.#flushWhenQuiet();
    });
  }

  /** Flush once the queue stopped growing for `QUIET_TURNS` turns (or after `MAX_TURNS`). */
  #flushWhenQuiet(): void {
    let turns = 0;
    let quiet = 0;
    let seen = 0;
    const turn = () => {
      const length = this.#queue.length;
      if (length === 0) return; // Flushed meanwhile (by `close`).
      quiet = length === seen ? quiet + 1 : 0;
      seen = length;
      if (quiet >= QUIET_TURNS || ++turns >= MAX_TURNS) this.flush();
      else queueMicrotask(turn);
    };
    queueMicrotask(turn);
  }

  /**
   * Commit every queued write in one `BEGIN IMMEDIATE` … `COMMIT` (the lock also orders us with
   * other processes), then settle the callers. In a batch of several, each write runs in its own
   * savepoint: one that fails (a version conflict) is rolled back alone and the others commit.
   * When `BEGIN` or `COMMIT` fails, or SQLite abandoned the transaction, no write of the batch was
   * kept and every caller gets the error.
   */
  flush(): void {
    const batch = this.#queue;
    if (batch.length === 0 || !this.#db.isOpen) return;
    this.#queue = [];
    let outcomes: Outcome[];
    try {
      this.#begin.run();
      outcomes = batch.length === 1
        ? [{ ok: true, value: batch[0]!.apply() }]
        : batch.map((write) => this.#applyInSavepoint(write));
      this.#commit.run();
    } catch (error) {
      rollbackQuietly(this.#db);
      for (const write of batch) write.reject(sqliteError(error, this.#label, write.what));
      return;
    }
    this.#onCommit();
    batch.forEach((write, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.error);
    });
  }

  /** Apply one write of a batch in a savepoint; throws only when the whole transaction is lost. */
  #applyInSavepoint(write: QueuedWrite): Outcome {
    this.#savepoint.run();
    try {
      const value = write.apply();
      this.#releaseSavepoint.run();
      return { ok: true, value };
    } catch (error) {
      if (!this.#db.isTransaction) throw error;
      this.#rollbackToSavepoint.run();
      this.#releaseSavepoint.run();
      return { ok: false, error: sqliteError(error, this.#label, write.what) };
    }
  }
}
