/**
 * What "nothing lost, nothing applied twice" means for a PostgreSQL database shared by replicas,
 * checked over an admin connection (not through our store): the bookkeeping of every run (history
 * seq contiguous 1..history_length, version == history_length, current step and status as the
 * last row decided; the same checks as the SQLite harness), every acknowledged call present as
 * acknowledged, no report (request hash) in a run's history twice, and the per-(workflow, status)
 * counts the listing totals come from equal to a COUNT(*).
 *
 * @example
 * ```ts
 * const found = await checkDatabase(db.role, ledger.acks);
 * assert.deepEqual(found.problems, []);
 * ```
 * @module
 */
import {
  type Acknowledged,
  acknowledgedProblems,
  BOOKKEEPING_SQL,
  bookkeepingProblems,
  type StoredStep,
} from "../reliability/db_invariants.ts";
import { adminConnection } from "../store/postgres_helpers.ts";

/** What the check found; `problems` holds every finding, `lost` and `doubleApplied` count some. */
export interface DatabaseFindings {
  instances: number;
  historyRows: number;
  lost: number;
  doubleApplied: number;
  problems: string[];
}

/** Reports whose request hash appears more than once in one run's history. */
const DOUBLE_APPLIED_SQL = `
  SELECT instance_id, request_hash, count(*)::int AS n FROM workflow_history
  WHERE request_hash IS NOT NULL GROUP BY instance_id, request_hash HAVING count(*) > 1`;

/** (workflow, status) pairs where the counts table and a COUNT(*) disagree. */
const COUNT_MISMATCH_SQL = `
  SELECT coalesce(c.workflow_name, i.workflow_name) AS workflow_name,
         coalesce(c.status, i.status) AS status, c.n AS counted, i.n AS actual
  FROM (SELECT workflow_name, status, sum(n)::int AS n FROM workflow_instance_counts
        GROUP BY workflow_name, status HAVING sum(n) <> 0) AS c
  FULL JOIN (SELECT workflow_name, status, count(*)::int AS n FROM workflow_instances
             GROUP BY workflow_name, status) AS i
    ON c.workflow_name = i.workflow_name AND c.status = i.status
  WHERE c.n IS DISTINCT FROM i.n`;

/**
 * Check the runs in schema `schema` against the calls acknowledged to the clients, as the
 * superuser of `adminUrl` (default: the test server's).
 */
export async function checkDatabase(
  schema: string,
  acks: readonly Acknowledged[],
  adminUrl?: string,
): Promise<DatabaseFindings> {
  await using admin = adminConnection(adminUrl);
  await admin.unsafe(`SET search_path TO ${schema}`);
  const bookkeeping = await admin.unsafe(BOOKKEEPING_SQL);
  const history = await admin.unsafe(
    "SELECT instance_id, seq, step_name, next_step FROM workflow_history",
  );
  const stored = new Map<string, StoredStep>(
    history.map((row) => [`${row.instance_id} ${row.seq}`, row as unknown as StoredStep]),
  );
  const missing = acknowledgedProblems(acks, (id, seq) => stored.get(`${id} ${seq}`));
  const twice = await admin.unsafe(DOUBLE_APPLIED_SQL);
  const counts = await admin.unsafe(COUNT_MISMATCH_SQL);
  return {
    instances: bookkeeping.length,
    historyRows: history.length,
    lost: missing.filter((problem) => problem.startsWith("lost:")).length,
    doubleApplied: twice.length,
    problems: [
      ...bookkeepingProblems(bookkeeping),
      ...missing,
      ...twice.map((r) => `applied ${r.n} times: ${r.instance_id} report ${r.request_hash}`),
      ...counts.map((r) =>
        `counts: ${r.workflow_name}/${r.status} listed as ${r.counted ?? 0}, ` +
        `COUNT(*) ${r.actual ?? 0}`
      ),
    ],
  };
}
