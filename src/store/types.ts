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

/** The largest page `listInstances` (and every paginated tool) returns. */
export const MAX_PAGE_SIZE = 500;
/** Page size of the listings when the caller gives none. */
export const DEFAULT_PAGE_SIZE = 50;

/** Who can decide a transition. */
export const DECISION_SOURCES = ["start", "route", "ai", "resume", "cancel"] as const;

/** Statuses after which an instance accepts no more reports. */
export const FINISHED_STATUSES: ReadonlySet<InstanceStatus> = new Set([
  "COMPLETED",
  "FAILED",
  "CANCELLED",
]);

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
 * Durable storage of instances, history and pinned definitions. Each write is atomic and its
 * promise settles only once it is committed (or known not to be); writes issued together may share
 * one commit, each still succeeding or failing on its own.
 */
export interface Store {
  /** Insert a new instance (version 1) and its first history entry atomically. */
  createInstance(
    init: { id: string; workflowName: string; definitionHash: string } & InstanceChange,
    entry: NewHistoryEntry,
  ): Promise<Instance>;
  getInstance(id: string): Instance | undefined;
  /**
   * Apply a change and append its history entry atomically, only if the instance is still at
   * `expectedVersion`.
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
   * Read the instance inside a write transaction, let `plan` (synchronous) decide, and apply the
   * transition it returns in that same transaction; nothing is written when `plan` throws or
   * returns no change. Resolves with the plan's value once committed.
   * @throws {UnknownInstanceError}
   */
  transition<T>(id: string, plan: (instance: Instance) => PlannedTransition<T>): Promise<T>;
  /** The most recent history entry, if any. */
  lastHistoryEntry(id: string): HistoryEntry | undefined;
  /** History in sequence order; `total` counts all rows for the instance. */
  listHistory(
    id: string,
    page: { limit: number; offset: number },
  ): { entries: HistoryEntry[]; total: number };
  /** The last `count` history entries, oldest first. */
  recentHistory(id: string, count: number): HistoryEntry[];
  /** Newest first (by `createdAt`, then id), so pages stay stable while runs advance. */
  listInstances(query: InstanceQuery): { instances: Instance[]; total: number };
  /** Remember a definition by hash (no-op if already stored). */
  pinDefinition(hash: string, workflowName: string, definitionJson: string): Promise<void>;
  /** A pinned definition's JSON, if stored. */
  pinnedDefinition(hash: string): string | undefined;
  close(): void;
}
