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
import { type DatabaseLabel, LOCKED, messageOf, sqliteError } from "./errors.ts";
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

/** First and longest pause between two attempts to take the write lock (ms). */
const FIRST_PAUSE_MS = 0.05;
const LONGEST_PAUSE_MS = 2;

/** What `Atomics.wait` sleeps on between attempts. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

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
  readonly #noBusyWait: StatementSync;
  readonly #busyWait: StatementSync;
  /** Writes issued since the last group commit, in order. */
  #queue: QueuedWrite[] = [];

  /** `onCommit` runs after each successful `COMMIT`, before the callers are settled. */
  constructor(db: DatabaseSync, label: DatabaseLabel, onCommit: () => void = () => {}) {
    this.#db = db;
    this.#onCommit = onCommit;
    this.#noBusyWait = db.prepare("PRAGMA busy_timeout = 0");
    this.#busyWait = db.prepare(`PRAGMA busy_timeout = ${label.busyTimeoutMs}`);
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
      if (quiet >= QUIET_TURNS || ++turns >= MAX_TURNS) this.#flushOrRetry(performance.now());
      else queueMicrotask(turn);
    };
    queueMicrotask(turn);
  }

  /**
   * Commit every queued write in one `BEGIN IMMEDIATE` … `COMMIT` (the lock also orders us with
   * other processes), then settle the callers. In a batch of several, each write runs in its own
   * savepoint: one that fails (a version conflict) is rolled back alone and the others commit.
   * When `BEGIN` or `COMMIT` fails, or SQLite abandoned the transaction, no write of the batch was
   * kept and every caller gets the error. Waits (blocking) for the write lock, up to the busy
   * timeout.
   */
  flush(): void {
    this.#commitQueued(performance.now() + this.#label.busyTimeoutMs);
  }

  /**
   * Commit the queue if the write lock is free; while another process holds it, try again on the
   * next event-loop turn instead of blocking: requests read meanwhile join the batch, so two busy
   * servers take the lock fewer times. After the busy timeout (counted from `since`), wait for
   * the lock as `flush` does, which ends in its "locked" error.
   */
  #flushOrRetry(since: number): void {
    const deadline = since + this.#label.busyTimeoutMs;
    if (performance.now() >= deadline) return this.flush();
    if (!this.#commitQueued(undefined)) setTimeout(() => this.#flushOrRetry(since), 0);
  }

  /**
   * Commit the queue, waiting for the write lock until `deadline` (not at all when undefined);
   * false when the lock was not free and nothing was done.
   */
  #commitQueued(deadline: number | undefined): boolean {
    const batch = this.#queue;
    if (batch.length === 0 || !this.#db.isOpen) return true;
    let outcomes: Outcome[];
    try {
      if (!this.#beginImmediate(deadline)) return false;
      this.#queue = [];
      outcomes = batch.length === 1
        ? [{ ok: true, value: batch[0]!.apply() }]
        : batch.map((write) => this.#applyInSavepoint(write));
      this.#commit.run();
    } catch (error) {
      this.#queue = this.#queue === batch ? [] : this.#queue;
      rollbackQuietly(this.#db);
      for (const write of batch) write.reject(sqliteError(error, this.#label, write.what));
      return true;
    }
    this.#onCommit();
    batch.forEach((write, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.error);
    });
    return true;
  }

  /**
   * `BEGIN IMMEDIATE`; while another connection holds the write lock, false at once without a
   * `deadline`, else tried again after short pauses (doubling from 50 µs, jittered) until then, and
   * then its "locked" error. SQLite's own busy handler sleeps 1 ms, then 2, 5, 10 ms…, while
   * another process's group commit holds the lock for a fraction of a millisecond: two servers on
   * one file spent much of their time asleep. It is turned off only here; reads keep it.
   */
  #beginImmediate(deadline: number | undefined): boolean {
    this.#noBusyWait.run();
    try {
      for (let pause = FIRST_PAUSE_MS;; pause = Math.min(pause * 2, LONGEST_PAUSE_MS)) {
        try {
          this.#begin.run();
          return true;
        } catch (error) {
          if (!LOCKED.test(messageOf(error))) throw error;
          if (deadline === undefined) return false;
          if (performance.now() >= deadline) throw error;
          Atomics.wait(PAUSE, 0, 0, pause * (0.5 + Math.random()));
        }
      }
    } finally {
      this.#busyWait.run();
    }
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
