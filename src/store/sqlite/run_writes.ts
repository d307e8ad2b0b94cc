/**
 * The SQL of a run's transitions on SQLite, run inside the caller's write transaction: reading a
 * run with its last entry on demand, updating its instance row (without rewriting `status` when it
 * stays, so no index is touched) and appending its history entry.
 * @module
 */
import type { SQLInputValue } from "node:sqlite";
import { ConflictError, UnknownInstanceError } from "../../errors.ts";
import { jsonText } from "../../json.ts";
import { historyEntryValues, historyFromRow, nowIso, type Row } from "../rows.ts";
import {
  FINISHED_STATUSES,
  type HistoryEntry,
  type Instance,
  type InstanceChange,
  type NewHistoryEntry,
  type RunSnapshot,
} from "../types.ts";
import type { Statements } from "./statements.ts";

/** A run's writes through one connection's prepared statements. */
export class RunWrites {
  readonly #sql: Statements;

  constructor(sql: Statements) {
    this.#sql = sql;
  }

  /** `instance` with its last history entry, read when first asked for. */
  snapshot(instance: Instance): RunSnapshot {
    const statement = this.#sql.historyEntry;
    let last: HistoryEntry | undefined | null = null;
    return {
      instance,
      get last() {
        if (last === null) {
          const row = statement.get(instance.id, instance.historyLength);
          last = row === undefined ? undefined : historyFromRow(row);
        }
        return last;
      },
    };
  }

  /**
   * Write a transition of `instance`, read in this transaction (so its version still holds and
   * nothing needs to be returned).
   */
  writeTransition(instance: Instance, change: InstanceChange, entry: NewHistoryEntry): void {
    const { id, version } = instance;
    const now = nowIso();
    const contextJson = jsonText(change.context);
    const { changes } = change.status === instance.status
      ? this.#sql.advanceRun.run(...advanceValues(change, contextJson, now), id, version)
      : this.#sql.updateRun.run(...updateValues(change, contextJson, now), id, version);
    if (changes !== 1) throw new ConflictError(id);
    this.appendHistory(id, instance.historyLength + 1, entry, now);
  }

  /** Write a transition in the current transaction; the `RETURNING` row and what was written. */
  transitionNow(
    id: string,
    expectedVersion: number,
    change: InstanceChange,
    entry: NewHistoryEntry,
  ): { row: Row; contextJson: string; now: string } {
    const now = nowIso();
    const contextJson = jsonText(change.context);
    const row = this.#sql.advanceInstance.get(
      ...advanceValues(change, contextJson, now),
      id,
      expectedVersion,
      change.status,
    ) ??
      this.#sql.updateInstance.get(...updateValues(change, contextJson, now), id, expectedVersion);
    if (row === undefined) {
      throw this.#sql.instanceExists.get(id) === undefined
        ? new UnknownInstanceError(id)
        : new ConflictError(id);
    }
    this.appendHistory(id, Number(row.history_length), entry, now);
    return { row, contextJson, now };
  }

  appendHistory(id: string, seq: number, entry: NewHistoryEntry, now: string): void {
    this.#sql.insertHistory.run(id, seq, ...historyEntryValues(entry), now);
  }
}

/**
 * What a transition that keeps the status sets: `current_step, context, updated_at` (the context
 * as `contextJson`, serialized once by the caller).
 */
function advanceValues(change: InstanceChange, contextJson: string, now: string): SQLInputValue[] {
  return [change.currentStep, contextJson, now];
}

/**
 * What a transition that may change the status sets: `status, current_step, context, updated_at`,
 * then whether it finishes and when (for `completed_at`).
 */
function updateValues(change: InstanceChange, contextJson: string, now: string): SQLInputValue[] {
  const finished = FINISHED_STATUSES.has(change.status) ? 1 : 0;
  return [change.status, change.currentStep, contextJson, now, finished, now];
}
