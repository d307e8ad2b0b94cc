/**
 * The SQL of the SQLite store, prepared once per connection: every statement a store method runs,
 * named for what it does.
 *
 * @example
 * ```ts
 * import { prepareStatements } from "./statements.ts";
 * const sql = prepareStatements(db);
 * const row = sql.selectInstance.get(id);
 * ```
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { pruneFilterValues } from "../prune.ts";
import { HISTORY_COLUMNS, INSTANCE_COLUMNS } from "../rows.ts";
import type { PruneQuery } from "../types.ts";

/** Which filters a listing has: none, workflow, status, or both. */
export type ListKey = "" | "w" | "s" | "ws";

/** Whether a prune is of one workflow's runs ("w") or of every workflow's (""). */
export type PruneKey = "" | "w";

/** Which prune statement serves `query`, and the values it binds before the limit. */
export function pruneParams(query: PruneQuery): { key: PruneKey; values: string[] } {
  return { key: query.workflowName === undefined ? "" : "w", values: pruneFilterValues(query) };
}

/** The prepared statements of one connection. */
export interface Statements {
  insertInstance: StatementSync;
  /** An instance exactly as given (version, history length and timestamps included). */
  importInstance: StatementSync;
  insertHistory: StatementSync;
  selectInstance: StatementSync;
  instanceExists: StatementSync;
  /** A transition that keeps the status (most of them). */
  advanceInstance: StatementSync;
  /** A transition that may change the status (finishing, cancelling, resuming). */
  updateInstance: StatementSync;
  /** `advanceInstance` of a run read in the same transaction: nothing to return. */
  advanceRun: StatementSync;
  /** `updateInstance` of a run read in the same transaction: nothing to return. */
  updateRun: StatementSync;
  historyEntry: StatementSync;
  lastHistory: StatementSync;
  historyPage: StatementSync;
  historyLength: StatementSync;
  recentHistory: StatementSync;
  insertDefinition: StatementSync;
  selectDefinition: StatementSync;
  listInstances: Record<ListKey, StatementSync>;
  countInstances: Record<ListKey, StatementSync>;
  /** The runs a prune selects, oldest finished first (`pruneFilterValues`, then the limit). */
  listPrunable: Record<PruneKey, StatementSync>;
  countPrunable: Record<PruneKey, StatementSync>;
  /** Delete what `listPrunable` lists (history by cascade), `RETURNING id`. */
  pruneRuns: Record<PruneKey, StatementSync>;
}

const LIST_WHERE: Record<ListKey, string> = {
  "": "",
  w: "WHERE workflow_name = ?",
  s: "WHERE status = ?",
  ws: "WHERE workflow_name = ? AND status = ?",
};

/**
 * The runs a prune selects: finished before the cutoff, in one of three statuses (see
 * `pruneFilterValues`), of one workflow with "w".
 */
const PRUNE_WHERE: Record<PruneKey, string> = {
  "": "WHERE completed_at < ? AND status IN (?, ?, ?)",
  w: "WHERE completed_at < ? AND status IN (?, ?, ?) AND workflow_name = ?",
};

/** The oldest finished first, as the index keeps them. */
const PRUNE_ORDER = "ORDER BY completed_at, id LIMIT ?";

/**
 * Where a prune reads: by completion time. Without statistics the planner would rather read every
 * finished run through the status index and sort them, so the index is named.
 */
const PRUNE_FROM = "workflow_instances INDEXED BY workflow_instances_by_completed";

/** The columns a transition's `RETURNING` gives back (what the change did not set). */
const RETURNED =
  "workflow_name, definition_hash, version, history_length, created_at, completed_at";

/** A transition that keeps the status: `(current_step, context, updated_at, id, version)`. */
const ADVANCE = `UPDATE workflow_instances
  SET current_step = ?, context = ?, updated_at = ?,
      version = version + 1, history_length = history_length + 1
  WHERE id = ? AND version = ?`;

/**
 * A transition that may change the status: `(status, current_step, context, updated_at,
 * finished, now, id, version)`.
 */
const UPDATE = `UPDATE workflow_instances
  SET status = ?, current_step = ?, context = ?, updated_at = ?,
      completed_at = CASE WHEN ? THEN coalesce(completed_at, ?) ELSE NULL END,
      version = version + 1, history_length = history_length + 1
  WHERE id = ? AND version = ?`;

/** Prepare every statement of the store on `db`. */
export function prepareStatements(db: DatabaseSync): Statements {
  const byKey = <K extends string>(wheres: Record<K, string>, sql: (where: string) => string) =>
    Object.fromEntries(
      (Object.keys(wheres) as K[]).map((key) => [key, db.prepare(sql(wheres[key]))]),
    ) as Record<K, StatementSync>;
  const byListKey = (sql: (where: string) => string) => byKey(LIST_WHERE, sql);
  const byPruneKey = (sql: (where: string) => string) => byKey(PRUNE_WHERE, sql);
  return {
    insertInstance: db.prepare(
      `INSERT INTO workflow_instances (${INSTANCE_COLUMNS})
       VALUES (?, ?, ?, ?, ?, ?, 1, 1, ?, ?, ?)`,
    ),
    importInstance: db.prepare(
      `INSERT INTO workflow_instances (${INSTANCE_COLUMNS})
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertHistory: db.prepare(
      `INSERT INTO workflow_history (${HISTORY_COLUMNS})
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    selectInstance: db.prepare(`SELECT ${INSTANCE_COLUMNS} FROM workflow_instances WHERE id = ?`),
    instanceExists: db.prepare("SELECT 1 AS found FROM workflow_instances WHERE id = ?"),
    // Not assigning the status keeps SQLite from rewriting the status listing indexes (it rewrites
    // an index whenever one of its columns is assigned, even to the same value), so the commit
    // writes only the row and its history.
    advanceInstance: db.prepare(`${ADVANCE} AND status = ? RETURNING ${RETURNED}`),
    updateInstance: db.prepare(`${UPDATE} RETURNING ${RETURNED}`),
    advanceRun: db.prepare(ADVANCE),
    updateRun: db.prepare(UPDATE),
    historyEntry: db.prepare(
      `SELECT ${HISTORY_COLUMNS} FROM workflow_history WHERE instance_id = ? AND seq = ?`,
    ),
    lastHistory: db.prepare(
      `SELECT ${HISTORY_COLUMNS} FROM workflow_history
       WHERE instance_id = ? ORDER BY seq DESC LIMIT 1`,
    ),
    historyPage: db.prepare(
      `SELECT ${HISTORY_COLUMNS} FROM workflow_history
       WHERE instance_id = ? ORDER BY seq LIMIT ? OFFSET ?`,
    ),
    historyLength: db.prepare("SELECT history_length FROM workflow_instances WHERE id = ?"),
    recentHistory: db.prepare(
      `SELECT ${HISTORY_COLUMNS} FROM workflow_history
       WHERE instance_id = ? ORDER BY seq DESC LIMIT ?`,
    ),
    insertDefinition: db.prepare(
      `INSERT INTO workflow_definitions (hash, workflow_name, body, created_at)
       VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING`,
    ),
    selectDefinition: db.prepare("SELECT body FROM workflow_definitions WHERE hash = ?"),
    listInstances: byListKey((where) =>
      `SELECT ${INSTANCE_COLUMNS} FROM workflow_instances ${where}
       ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`
    ),
    // Totals come from counts kept by triggers (see schema.ts): a sum over a few rows.
    countInstances: byListKey((where) =>
      `SELECT coalesce(SUM(n), 0) AS n FROM workflow_instance_counts ${where}`
    ),
    listPrunable: byPruneKey((where) =>
      `SELECT ${INSTANCE_COLUMNS} FROM ${PRUNE_FROM} ${where} ${PRUNE_ORDER}`
    ),
    countPrunable: byPruneKey((where) => `SELECT count(*) AS n FROM ${PRUNE_FROM} ${where}`),
    pruneRuns: byPruneKey((where) =>
      `DELETE FROM workflow_instances
       WHERE id IN (SELECT id FROM ${PRUNE_FROM} ${where} ${PRUNE_ORDER})
       RETURNING id`
    ),
  };
}
