/**
 * The persisted state model and the `Store` interface the engine writes through.
 * @module
 */
import type { JsonObject, JsonValue } from "../json.ts";

/** Every status an instance can have. */
export const INSTANCE_STATUSES = [
  "RUNNING",
  "SUSPENDED",
  "COMPLETED",
  "FAILED",
  "CANCELLED",
] as const;
/** Lifecycle of a workflow instance. */
export type InstanceStatus = typeof INSTANCE_STATUSES[number];

/** Whether `value` is one of `INSTANCE_STATUSES`. */
export function isInstanceStatus(value: string): value is InstanceStatus {
  return (INSTANCE_STATUSES as readonly string[]).includes(value);
}

/** The largest page `listInstances` (and every paginated tool) returns. */
export const MAX_PAGE_SIZE = 500;
/** Page size of the listings when the caller gives none. */
export const DEFAULT_PAGE_SIZE = 50;

/** Who can decide a transition. */
export const DECISION_SOURCES = ["start", "route", "ai", "resume", "cancel", "suspend"] as const;

/** Statuses after which an instance accepts no more reports, in the order they are listed. */
export const FINISHED_STATUS_LIST = ["COMPLETED", "FAILED", "CANCELLED"] as const;
/** The status of a run that has ended: the only runs `Store.pruneRuns` deletes. */
export type FinishedStatus = typeof FINISHED_STATUS_LIST[number];

/** Statuses after which an instance accepts no more reports. */
export const FINISHED_STATUSES: ReadonlySet<InstanceStatus> = new Set(FINISHED_STATUS_LIST);

/** One run of a workflow. */
export interface Instance {
  id: string;
  workflowName: string;
  /** Hash of the definition the run started with (see `WorkflowDefinition.hash`). */
  definitionHash: string;
  status: InstanceStatus;
  /** The step the client is working on; "FINISH" once finished. */
  currentStep: string;
  context: JsonObject;
  /** Incremented by every change: the optimistic-concurrency token. */
  version: number;
  historyLength: number;
  /** ISO-8601 timestamps. */
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

/** What the client reported about a step (seed field names). */
export interface Report {
  step_id: string;
  status: string;
  result?: JsonValue;
  message?: string;
  details?: JsonValue;
  error?: JsonValue;
}

/** Who decided a transition, and at what cost. */
export interface Decision {
  source: typeof DECISION_SOURCES[number];
  nextStep: string;
  reasoning?: string;
  model?: string;
  tokensIn?: number;
  tokensOut?: number;
  latencyMs?: number;
}

/** A history row to append (the store assigns `seq` and `createdAt`). */
export interface NewHistoryEntry {
  /** The step the report was about (null for the start entry). */
  step: string | null;
  report: Report | null;
  contextUpdates: JsonObject | null;
  decision: Decision;
  /** Instance status after this entry was applied. */
  statusAfter: InstanceStatus;
  /**
   * Hash of the request that produced this entry, as received (for idempotent retries), if any. A
   * retry is answered from the instance and this entry's decision, so no response is stored.
   */
  requestHash: string | null;
}

/** A persisted history row. */
export interface HistoryEntry extends NewHistoryEntry {
  instanceId: string;
  /** 1-based sequence within the instance. */
  seq: number;
  createdAt: string;
}

/** The new state written by a transition. */
export interface InstanceChange {
  status: InstanceStatus;
  currentStep: string;
  context: JsonObject;
}

/**
 * What `Store.transition` hands its plan: the instance as read inside the write (or as read at the
 * version the write is conditioned on) and its last history entry, so the plan is a pure function
 * of them and never reads the store itself.
 */
export interface RunSnapshot {
  instance: Instance;
  /** The entry with `seq === instance.historyLength` (undefined only for a run without history). */
  last: HistoryEntry | undefined;
}

/**
 * What `Store.transition`'s plan decided: the value to resolve with and, unless nothing is to be
 * written, the change and its history entry.
 */
export type PlannedTransition<T> =
  | { value: T; change?: undefined; entry?: undefined }
  | { value: T; change: InstanceChange; entry: NewHistoryEntry };

/** Filters and paging for `listInstances`. */
export interface InstanceQuery {
  workflowName?: string;
  status?: InstanceStatus;
  /** At most this many rows (1..500). */
  limit: number;
  offset: number;
}

/**
 * Where a keyset page of `Store.pageInstances` continues: the last run of the previous page
 * (`after`), or the first run of the next one (`before`).
 */
export interface InstanceCursor {
  createdAt: string;
  id: string;
}

/** Filters and keyset paging for `Store.pageInstances`. */
export interface InstancePageQuery {
  workflowName?: string;
  status?: InstanceStatus;
  /** Only runs whose id starts with this text (search by id). */
  idPrefix?: string;
  /** Only runs listed after this one (older), the nearest first. */
  after?: InstanceCursor;
  /**
   * Only runs listed before this one (newer), the nearest `limit` of them, still listed newest
   * first. Not together with `after`.
   */
  before?: InstanceCursor;
  /** At most this many rows (1..500). */
  limit: number;
}

/** Which finished runs `Store.listPrunable` lists and `Store.pruneRuns` deletes. */
export interface PruneQuery {
  /** Runs that finished (`completedAt`) before this ISO-8601 UTC timestamp (as `nowIso` writes it). */
  finishedBefore: string;
  /** Only runs in these statuses: one or more finished statuses. */
  statuses: readonly FinishedStatus[];
  /** Only this workflow's runs. */
  workflowName?: string;
  /** At most this many runs (1..500), oldest finished first. */
  limit: number;
}

/** The space of deleted rows, after `Store.reclaimSpace`. */
export interface FreeSpace {
  /** Bytes just given back to the file system. */
  releasedBytes: number;
  /**
   * Bytes of free pages left inside the database, which new rows reuse (SQLite: `VACUUM` gives
   * them back); `null` where the backend does not tell (PostgreSQL, whose autovacuum makes the
   * space of deleted rows reusable).
   */
  reusableBytes: number | null;
}

/** A whole run as stored, with the definition it started on: what `importRun` writes. */
export interface StoredRun {
  instance: Instance;
  /** Every history entry of the run, `seq` 1 to `instance.historyLength` in order. */
  history: HistoryEntry[];
  /** The pinned definition's JSON, when the source store has it. */
  definition?: { hash: string; workflowName: string; body: string };
}

/** The backends a `Store` can be (see `src/store/open.ts`). */
export type StoreKind = "sqlite" | "postgres";

/**
 * Durable storage of instances, history and pinned definitions, the same contract for every
 * backend (`tests/store/contract.ts` pins it). Every method is async; each write is atomic and its
 * promise settles only once it is committed (or known not to be). Writes issued together may share
 * one commit, each still succeeding or failing on its own.
 */
export interface Store {
  /** Which backend this is. */
  readonly kind: StoreKind;
  /** Where the data lives, safe to log: a file path, or a database URL without its password. */
  readonly location: string;
  /**
   * Insert a new instance (version 1) and its first history entry (seq 1) atomically.
   * @throws {StorageError} the id is already used
   */
  createInstance(
    init: { id: string; workflowName: string; definitionHash: string } & InstanceChange,
    entry: NewHistoryEntry,
  ): Promise<Instance>;
  /** The instance with this id, or `undefined`. */
  getInstance(id: string): Promise<Instance | undefined>;
  /**
   * Apply a change and append its history entry atomically, only if the instance is still at
   * `expectedVersion`; resolves with the instance as written.
   * @throws {ConflictError} the version moved (another call won)
   * @throws {UnknownInstanceError}
   */
  applyTransition(
    id: string,
    expectedVersion: number,
    change: InstanceChange,
    entry: NewHistoryEntry,
  ): Promise<Instance>;
  /**
   * Read the run, let `plan` (synchronous, pure) decide, and write the transition it returns so
   * that nothing can come between the read and the write: under a write lock, or conditioned on
   * the version read and planned again when another writer moved it first. Nothing is written
   * when `plan` throws or returns no change. Resolves with the plan's value once committed.
   * @throws {UnknownInstanceError}
   */
  transition<T>(id: string, plan: (run: RunSnapshot) => PlannedTransition<T>): Promise<T>;
  /** The most recent history entry, if any. */
  lastHistoryEntry(id: string): Promise<HistoryEntry | undefined>;
  /** History in sequence order; `total` counts all rows for the instance (0 if unknown). */
  listHistory(
    id: string,
    page: { limit: number; offset: number },
  ): Promise<{ entries: HistoryEntry[]; total: number }>;
  /** The last `count` history entries, oldest first. */
  recentHistory(id: string, count: number): Promise<HistoryEntry[]>;
  /** Newest started first (by `createdAt`, then id), so pages stay stable while runs advance. */
  listInstances(query: InstanceQuery): Promise<{ instances: Instance[]; total: number }>;
  /**
   * One page of runs, newest started first (by `createdAt`, then id), continuing after
   * `query.after` (an older page) or before `query.before` (a newer one): keyset paging, so a page
   * deep in a large listing costs what the first one does. No total (see `listInstances`).
   * @throws {InvalidInputError} a limit outside 1..500, an empty id prefix, a cursor whose
   * `createdAt` is not an ISO-8601 UTC timestamp, or both `after` and `before`
   */
  pageInstances(query: InstancePageQuery): Promise<Instance[]>;
  /** Remember a definition by hash (no-op if already stored). */
  pinDefinition(hash: string, workflowName: string, definitionJson: string): Promise<void>;
  /** A pinned definition's JSON, if stored. */
  pinnedDefinition(hash: string): Promise<string | undefined>;
  /**
   * Insert a run exactly as given (id, version, timestamps, every history entry) with its pinned
   * definition, in one transaction: for copying runs between stores. Resolves `false`, writing
   * nothing, when a run with that id already exists.
   * @throws {InvalidInputError} the history does not run from seq 1 to `historyLength`
   */
  importRun(run: StoredRun): Promise<boolean>;
  /**
   * The finished runs `query` selects, oldest finished first (by `completedAt`, then id), and how
   * many it selects in all: what `pruneRuns` would delete. Writes nothing.
   * @throws {InvalidInputError} no status, a status that is not a finished one, a cutoff that is
   * not an ISO-8601 UTC timestamp, or a limit outside 1..500
   */
  listPrunable(query: PruneQuery): Promise<{ instances: Instance[]; total: number }>;
  /**
   * Delete the runs `listPrunable(query)` lists, each with its whole history, in one transaction,
   * and resolve with their ids; fewer than `query.limit` means no more are selected (or another
   * caller is deleting them right now). A RUNNING or SUSPENDED run is never deleted; the listing
   * totals follow; pinned definitions are kept (a server that pinned one may start new runs on it
   * without pinning it again).
   * @throws {InvalidInputError} as `listPrunable`
   */
  pruneRuns(query: PruneQuery): Promise<{ deleted: string[] }>;
  /**
   * Give the space of deleted rows back where the backend can do so without blocking the servers
   * (SQLite: `PRAGMA incremental_vacuum` when the file uses `auto_vacuum = INCREMENTAL`), and tell
   * what is left.
   */
  reclaimSpace(): Promise<FreeSpace>;
  /** Commit what is queued, then release the connection(s) (idempotent). */
  close(): Promise<void>;
}
