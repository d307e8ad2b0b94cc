/**
 * What "nothing lost, nothing half-applied" means for a database file, checked directly with
 * `node:sqlite` (not through our store): SQLite's own integrity check, foreign keys, and per
 * instance `history_length == version == count(history) == max(seq)`, `current_step` and `status`
 * equal to the last history row's decision. Acknowledged advances are then looked up one by one.
 * The bookkeeping query and the checks on its rows are plain SQL and plain functions, which the
 * PostgreSQL replica checks (tests/replicas/) run too.
 *
 * @example
 * ```ts
 * const db = openForCheck(path);
 * const problems = [...structuralProblems(db), ...missingAcknowledged(db, acks)];
 * db.close();
 * ```
 * @module
 */
import { DatabaseSync } from "node:sqlite";

/** An advance (or start) whose response reached the client: it must be in the database. */
export interface Acknowledged {
  instanceId: string;
  /** The history sequence number this call created. */
  seq: number;
  /** The step the report was about (`null` for the start row). */
  step: string | null;
  /** `next_step.step_name` of the response the client received. */
  nextStep: string;
}

/** Open a database file for checking (read-write, so a WAL left by a killed process is recovered). */
export function openForCheck(path: string): DatabaseSync {
  return new DatabaseSync(path);
}

/**
 * One row per instance with its bookkeeping: version, history_length, current step and status,
 * the number and highest seq of its history rows, and the last row's decision. Plain SQL that
 * SQLite and PostgreSQL both run (counts cast, so both drivers return numbers).
 */
export const BOOKKEEPING_SQL = `
  SELECT i.id, i.version, i.history_length, i.current_step, i.status,
         CAST((SELECT count(*) FROM workflow_history h WHERE h.instance_id = i.id) AS integer)
           AS rows_n,
         (SELECT min(seq) FROM workflow_history h WHERE h.instance_id = i.id) AS min_seq,
         (SELECT max(seq) FROM workflow_history h WHERE h.instance_id = i.id) AS max_seq,
         last.next_step AS last_next, last.status_after AS last_status
  FROM workflow_instances i
  LEFT JOIN workflow_history last
    ON last.instance_id = i.id AND last.seq = i.history_length
`;

/**
 * Problems in `BOOKKEEPING_SQL` rows: every instance must have history seq 1..history_length
 * (contiguous: as many rows as the highest seq, the lowest 1), `version == history_length`, and
 * its current step and status equal to its last row's decision.
 */
export function bookkeepingProblems(rows: readonly Record<string, unknown>[]): string[] {
  const problems: string[] = [];
  for (const r of rows) {
    const where = `instance ${r.id}`;
    if (r.rows_n !== r.history_length || r.max_seq !== r.history_length || r.min_seq !== 1) {
      problems.push(
        `${where}: history_length ${r.history_length} but ${r.rows_n} history rows (seq ` +
          `${r.min_seq}..${r.max_seq})`,
      );
    }
    if (r.version !== r.history_length) {
      problems.push(`${where}: version ${r.version} != history_length ${r.history_length}`);
    }
    if (r.current_step !== r.last_next) {
      problems.push(`${where}: current_step ${r.current_step} != last next_step ${r.last_next}`);
    }
    if (r.status !== r.last_status) {
      problems.push(`${where}: status ${r.status} != last status_after ${r.last_status}`);
    }
  }
  return problems;
}

/** Problems with the file as a whole and with every instance's bookkeeping; empty when sound. */
export function structuralProblems(db: DatabaseSync): string[] {
  const problems: string[] = [];
  const integrity = db.prepare("PRAGMA integrity_check").all().map((r) => r.integrity_check);
  if (integrity.length !== 1 || integrity[0] !== "ok") {
    problems.push(`integrity_check: ${integrity.join("; ")}`);
  }
  const orphans = db.prepare("PRAGMA foreign_key_check").all();
  if (orphans.length > 0) problems.push(`foreign_key_check: ${JSON.stringify(orphans)}`);
  return [...problems, ...bookkeepingProblems(db.prepare(BOOKKEEPING_SQL).all())];
}

/** A stored history row as the acknowledgement check compares it. */
export interface StoredStep {
  step_name: unknown;
  next_step: unknown;
}

/**
 * Acknowledged calls whose history row is missing (`lost:`) or differs from what the client was
 * told (`differs:`); `stored` looks a row up by instance and seq.
 */
export function acknowledgedProblems(
  acks: readonly Acknowledged[],
  stored: (instanceId: string, seq: number) => StoredStep | undefined,
): string[] {
  const problems: string[] = [];
  for (const ack of acks) {
    const found = stored(ack.instanceId, ack.seq);
    if (found === undefined) {
      problems.push(`lost: ${ack.instanceId} seq ${ack.seq} (${ack.step} -> ${ack.nextStep})`);
    } else if (found.step_name !== ack.step || found.next_step !== ack.nextStep) {
      problems.push(
        `differs: ${ack.instanceId} seq ${ack.seq}: acknowledged ${ack.step} -> ${ack.nextStep}, ` +
          `stored ${found.step_name} -> ${found.next_step}`,
      );
    }
  }
  return problems;
}

/** Acknowledged calls whose history row is missing or differs from what the client was told. */
export function missingAcknowledged(db: DatabaseSync, acks: readonly Acknowledged[]): string[] {
  const row = db.prepare(
    "SELECT step_name, next_step FROM workflow_history WHERE instance_id = ? AND seq = ?",
  );
  return acknowledgedProblems(acks, (id, seq) => row.get(id, seq) as StoredStep | undefined);
}

/**
 * Open, check structure and acknowledged calls, close; the problems found. A process killed before
 * its first migration committed leaves no file or no tables: sound, as long as nothing was
 * acknowledged.
 */
export function checkDatabaseFile(path: string, acks: readonly Acknowledged[] = []): string[] {
  const missing = `lost: ${acks.length} acknowledged calls, the database`;
  try {
    Deno.statSync(path);
  } catch {
    return acks.length ? [`${missing} file ${path} does not exist`] : [];
  }
  const db = openForCheck(path);
  try {
    const migrated = db.prepare(
      "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'workflow_instances'",
    ).get();
    if (migrated === undefined) return acks.length ? [`${missing} has no tables`] : [];
    return [...structuralProblems(db), ...missingAcknowledged(db, acks)];
  } finally {
    db.close();
  }
}
