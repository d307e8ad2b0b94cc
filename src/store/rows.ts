/**
 * Row <-> object mapping shared by every backend: both store the same columns, JSON as text and
 * timestamps as ISO-8601 text. The database is ours, so checks are cheap (column types and JSON
 * shapes), but a row that fails them is reported, never passed on.
 *
 * @example
 * ```ts
 * import { instanceFromRow } from "./rows.ts";
 * const instance = instanceFromRow(db.prepare("SELECT * FROM workflow_instances").get()!);
 * ```
 * @module
 */
import { StorageError } from "../errors.ts";
import { type JsonObject, jsonText, type JsonValue } from "../json.ts";
import {
  type Decision,
  DECISION_SOURCES,
  type HistoryEntry,
  type Instance,
  INSTANCE_STATUSES,
  type InstanceStatus,
  type NewHistoryEntry,
  type Report,
} from "./types.ts";

/** A row as a driver returns it: column name -> value. */
export type Row = Record<string, unknown>;

/**
 * The one timestamp form every backend stores (`2026-01-02T03:04:05.678Z`): as text, these sort in
 * time order, so the stores compare them as text.
 */
export const ISO_TIMESTAMP: RegExp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The current time as an ISO-8601 UTC timestamp with milliseconds (`2026-01-02T03:04:05.678Z`). */
export function nowIso(): string {
  return new Date().toISOString();
}

/** An optional count or duration as the integer column stores it. */
function optionalInt(value: number | undefined): number | null {
  return value === undefined ? null : Math.round(value);
}

const STATUSES: ReadonlySet<string> = new Set(INSTANCE_STATUSES);
const SOURCES: ReadonlySet<string> = new Set(DECISION_SOURCES);

/** The columns of an `Instance` row, in the order every backend selects them. */
export const INSTANCE_COLUMN_NAMES: readonly string[] = [
  "id",
  "workflow_name",
  "definition_hash",
  "status",
  "current_step",
  "context",
  "version",
  "history_length",
  "created_at",
  "updated_at",
  "completed_at",
];

/** The columns of a `HistoryEntry` row (every column of `workflow_history`), in order. */
export const HISTORY_COLUMN_NAMES: readonly string[] = [
  "instance_id",
  "seq",
  "step_name",
  "report",
  "context_updates",
  "decision_source",
  "next_step",
  "reasoning",
  "model",
  "tokens_in",
  "tokens_out",
  "latency_ms",
  "status_after",
  "request_hash",
  "created_at",
];

/** Column list for `Instance` rows, shared by every query that returns instances. */
export const INSTANCE_COLUMNS: string = INSTANCE_COLUMN_NAMES.join(", ");

/** Column list for `HistoryEntry` rows (every column of `workflow_history`). */
export const HISTORY_COLUMNS: string = HISTORY_COLUMN_NAMES.join(", ");

function corrupt(table: string, column: string, detail: string): StorageError {
  return new StorageError(
    `The database holds an invalid value in ${table}.${column} (${detail}). It was changed ` +
      `outside this server; restore it from a backup or point the server at a new database.`,
  );
}

function text(row: Row, table: string, column: string): string {
  const value = row[column];
  if (typeof value !== "string") throw corrupt(table, column, `expected text, got ${typeof value}`);
  return value;
}

function optionalText(row: Row, table: string, column: string): string | null {
  const value = row[column];
  return value === null ? null : text(row, table, column);
}

function integer(row: Row, table: string, column: string): number {
  const value = row[column];
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw corrupt(table, column, `expected an integer, got ${typeof value}`);
  }
  return value;
}

function optionalInteger(row: Row, table: string, column: string): number | null {
  const value = row[column];
  return value === null ? null : integer(row, table, column);
}

function status(row: Row, table: string, column: string): InstanceStatus {
  const value = text(row, table, column);
  if (!STATUSES.has(value)) throw corrupt(table, column, `unknown status '${value}'`);
  return value as InstanceStatus;
}

function json(row: Row, table: string, column: string): JsonValue {
  const raw = text(row, table, column);
  try {
    return JSON.parse(raw) as JsonValue;
  } catch {
    throw corrupt(table, column, "not valid JSON");
  }
}

function isObject(value: JsonValue): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function jsonObject(row: Row, table: string, column: string): JsonObject {
  const value = json(row, table, column);
  if (!isObject(value)) throw corrupt(table, column, "expected a JSON object");
  return value;
}

function optionalJsonObject(row: Row, table: string, column: string): JsonObject | null {
  return row[column] === null ? null : jsonObject(row, table, column);
}

function report(row: Row): Report | null {
  const value = optionalJsonObject(row, "workflow_history", "report");
  if (value === null) return null;
  if (typeof value.step_id !== "string" || typeof value.status !== "string") {
    throw corrupt("workflow_history", "report", "expected step_id and status strings");
  }
  return value as unknown as Report;
}

/** A count column of `row` (0 when there is no row), checked to be a whole number, 0 or more. */
export function countFromRow(row: Row | undefined, table: string, column: string): number {
  if (row === undefined) return 0;
  const value = integer(row, table, column);
  if (value < 0) throw corrupt(table, column, `negative count ${value}`);
  return value;
}

/** A value a driver binds to a column. */
export type ColumnValue = string | number | null;

/**
 * The values of a new history entry's columns from `step_name` to `request_hash` (the
 * `HISTORY_COLUMN_NAMES` between `seq` and `created_at`, which the store fills), JSON as text.
 */
export function historyEntryValues(entry: NewHistoryEntry): ColumnValue[] {
  const d = entry.decision;
  return [
    entry.step,
    entry.report === null ? null : jsonText(entry.report as unknown as JsonObject),
    entry.contextUpdates === null ? null : jsonText(entry.contextUpdates),
    d.source,
    d.nextStep,
    d.reasoning ?? null,
    d.model ?? null,
    optionalInt(d.tokensIn),
    optionalInt(d.tokensOut),
    optionalInt(d.latencyMs),
    entry.statusAfter,
    entry.requestHash,
  ];
}

/** An instance's values in `INSTANCE_COLUMN_NAMES` order, the context as JSON text. */
export function instanceValues(instance: Instance): ColumnValue[] {
  return [
    instance.id,
    instance.workflowName,
    instance.definitionHash,
    instance.status,
    instance.currentStep,
    jsonText(instance.context),
    instance.version,
    instance.historyLength,
    instance.createdAt,
    instance.updatedAt,
    instance.completedAt,
  ];
}

/** Parse a `workflow_instances` row selected with `INSTANCE_COLUMNS`. */
export function instanceFromRow(row: Row): Instance {
  const t = "workflow_instances";
  return {
    id: text(row, t, "id"),
    workflowName: text(row, t, "workflow_name"),
    definitionHash: text(row, t, "definition_hash"),
    status: status(row, t, "status"),
    currentStep: text(row, t, "current_step"),
    context: jsonObject(row, t, "context"),
    version: integer(row, t, "version"),
    historyLength: integer(row, t, "history_length"),
    createdAt: text(row, t, "created_at"),
    updatedAt: text(row, t, "updated_at"),
    completedAt: optionalText(row, t, "completed_at"),
  };
}

/** Parse a `workflow_history` row selected with `HISTORY_COLUMNS`; absent decision fields are omitted. */
export function historyFromRow(row: Row): HistoryEntry {
  const t = "workflow_history";
  const source = text(row, t, "decision_source");
  if (!SOURCES.has(source)) throw corrupt(t, "decision_source", `unknown '${source}'`);
  const decision: Decision = {
    source: source as Decision["source"],
    nextStep: text(row, t, "next_step"),
  };
  const reasoning = optionalText(row, t, "reasoning");
  if (reasoning !== null) decision.reasoning = reasoning;
  const model = optionalText(row, t, "model");
  if (model !== null) decision.model = model;
  const tokensIn = optionalInteger(row, t, "tokens_in");
  if (tokensIn !== null) decision.tokensIn = tokensIn;
  const tokensOut = optionalInteger(row, t, "tokens_out");
  if (tokensOut !== null) decision.tokensOut = tokensOut;
  const latencyMs = optionalInteger(row, t, "latency_ms");
  if (latencyMs !== null) decision.latencyMs = latencyMs;
  return {
    instanceId: text(row, t, "instance_id"),
    seq: integer(row, t, "seq"),
    step: optionalText(row, t, "step_name"),
    report: report(row),
    contextUpdates: optionalJsonObject(row, t, "context_updates"),
    decision,
    statusAfter: status(row, t, "status_after"),
    requestHash: optionalText(row, t, "request_hash"),
    createdAt: text(row, t, "created_at"),
  };
}
