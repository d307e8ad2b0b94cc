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
import { HISTORY_COLUMNS, INSTANCE_COLUMNS } from "../rows.ts";

/** Which filters a listing has: none, workflow, status, or both. */
export type ListKey = "" | "w" | "s" | "ws";

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
  historyEntry: StatementSync;
  lastHistory: StatementSync;
  historyPage: StatementSync;
  historyLength: StatementSync;
  recentHistory: StatementSync;
  insertDefinition: StatementSync;
  selectDefinition: StatementSync;
  listInstances: Record<ListKey, StatementSync>;
  countInstances: Record<ListKey, StatementSync>;
}

const LIST_WHERE: Record<ListKey, string> = {
  "": "",
  w: "WHERE workflow_name = ?",
  s: "WHERE status = ?",
  ws: "WHERE workflow_name = ? AND status = ?",
};

/** The columns a transition's `RETURNING` gives back (what the change did not set). */
const RETURNED =
  "workflow_name, definition_hash, version, history_length, created_at, completed_at";

/** Prepare every statement of the store on `db`. */
export function prepareStatements(db: DatabaseSync): Statements {
  const byListKey = (sql: (where: string) => string) =>
    Object.fromEntries(
      (Object.keys(LIST_WHERE) as ListKey[]).map((key) => [key, db.prepare(sql(LIST_WHERE[key]))]),
    ) as Record<ListKey, StatementSync>;
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
    advanceInstance: db.prepare(
      `UPDATE workflow_instances
       SET current_step = ?, context = ?, updated_at = ?,
           version = version + 1, history_length = history_length + 1
       WHERE id = ? AND version = ? AND status = ?
       RETURNING ${RETURNED}`,
    ),
    updateInstance: db.prepare(
      `UPDATE workflow_instances
       SET status = ?, current_step = ?, context = ?, updated_at = ?,
           completed_at = CASE WHEN ? THEN coalesce(completed_at, ?) ELSE NULL END,
           version = version + 1, history_length = history_length + 1
       WHERE id = ? AND version = ?
       RETURNING ${RETURNED}`,
    ),
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
  };
}
