/**
 * The PostgreSQL store at a few thousand runs: every statement it runs uses an index (no full scan
 * of instances or history), and listing totals stay exact when rows are deleted behind its back.
 * @module
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import * as SQL from "../../src/store/postgres/statements.ts";
import { openPostgresStore } from "../../src/store/postgres/store.ts";
import { historyEntryValues } from "../../src/store/rows.ts";
import { INSTANCE_STATUSES } from "../../src/store/types.ts";
import { asyncDisposable, reportEntry } from "./helpers.ts";
import {
  adminConnection,
  freshSchema,
  POSTGRES_SKIP,
  type TestSchema,
} from "./postgres_helpers.ts";

const ignore = POSTGRES_SKIP !== undefined;
const INSTANCES = 5000;

/** Fill the schema with `INSTANCES` runs over 5 workflows and 5 statuses, 3 history rows each. */
async function fill(schema: TestSchema): Promise<void> {
  await using admin = adminConnection();
  const s = schema.role;
  const statuses = INSTANCE_STATUSES.map((status) => `'${status}'`).join(", ");
  const at = `to_char(timestamp '2026-01-01' + i * interval '1 second',
                      'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  await admin.unsafe(`
    INSERT INTO ${s}.workflow_instances
    SELECT 'id-' || i, 'W' || (i % 5), 'h', status, 's', '{}', 3, 3, ${at}, ${at},
           CASE WHEN status IN ('COMPLETED', 'FAILED', 'CANCELLED') THEN ${at} END
    FROM generate_series(1, ${INSTANCES}) AS i,
         LATERAL (SELECT (ARRAY[${statuses}])[1 + i % 7 % 5] AS status) AS s;
    INSERT INTO ${s}.workflow_history
      (instance_id, seq, decision_source, next_step, status_after, created_at)
    SELECT id, seq, 'route', 's', 'RUNNING', created_at
    FROM ${s}.workflow_instances, generate_series(1, 3) AS seq;
    ANALYZE ${s}.workflow_instances;
    ANALYZE ${s}.workflow_history;
    ANALYZE ${s}.workflow_instance_counts;
  `);
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

/** Every node of a plan tree. */
function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** The statements of the store with typical arguments, and the index each must use. */
function statements(): [string, string, unknown[], string][] {
  const history = historyEntryValues(reportEntry("s", "t"));
  const change = ["RUNNING", "t", "{}", false];
  const page = [50, 0];
  // The runs that finished in the first 5 minutes of the 83 filled in.
  const prune = ["2026-01-01T00:05:00.000Z", "COMPLETED", "FAILED", "CANCELLED"];
  return [
    ["read instance", SQL.SELECT_INSTANCE, ["id-42"], "workflow_instances_pkey"],
    ["read run", SQL.READ_RUN, ["id-42"], "workflow_history_pkey"],
    [
      "advance",
      SQL.APPLY_TRANSITION,
      ["id-42", 3, ...change, ...history],
      "workflow_instances_pkey",
    ],
    ["last entry", SQL.LAST_HISTORY, ["id-42"], "workflow_history_pkey"],
    ["history page", SQL.HISTORY_PAGE, ["id-42", ...page], "workflow_history_pkey"],
    ["recent history", SQL.RECENT_HISTORY, ["id-42", 5], "workflow_history_pkey"],
    ["list", SQL.LIST_INSTANCES[""], page, "workflow_instances_by_created"],
    ["list by workflow", SQL.LIST_INSTANCES.w, ["W1", ...page], "workflow_instances_by_workflow"],
    ["list by status", SQL.LIST_INSTANCES.s, ["FAILED", ...page], "workflow_instances_by_status"],
    [
      "list by both",
      SQL.LIST_INSTANCES.ws,
      ["W1", "FAILED", ...page],
      "workflow_instances_by_workflow_status",
    ],
    ["prunable", SQL.LIST_PRUNABLE[""], [...prune, 500], "workflow_instances_by_completed"],
    ["prune", SQL.PRUNE_RUNS[""], [...prune, 500], "workflow_instances_by_completed"],
    ["prune W1", SQL.PRUNE_RUNS.w, [...prune, "W1", 500], "workflow_instances_by_completed"],
  ];
}

Deno.test({
  name: "postgres: reads, advances and listings use indexes, never a full scan",
  ignore,
  async fn() {
    await using schema = await freshSchema();
    await (await openPostgresStore(schema.url, { poolSize: 1 })).close();
    await fill(schema);
    const sql = postgres(schema.url, { max: 1, onnotice: () => {}, fetch_types: false });
    try {
      for (const [label, text, params, index] of statements()) {
        const [row] = await sql.unsafe(`EXPLAIN (FORMAT JSON) ${text}`, params as string[]);
        const plan = (row?.["QUERY PLAN"] as { Plan: PlanNode }[])[0]!.Plan;
        const all = nodes(plan);
        const scans = all.filter((node) =>
          node["Node Type"] === "Seq Scan" && node["Relation Name"] !== "workflow_instance_counts"
        );
        assert.deepEqual(scans, [], `${label}: ${JSON.stringify(plan)}`);
        assert.ok(all.some((node) => node["Index Name"] === index), `${label} uses ${index}`);
      }
    } finally {
      await sql.end();
    }
  },
});

Deno.test({
  name: "postgres: totals follow rows deleted outside the server (an admin pruning in psql)",
  ignore,
  async fn() {
    await using schema = await freshSchema();
    await using store = asyncDisposable(await openPostgresStore(schema.url, { poolSize: 2 }));
    await fill(schema);
    const total = async (query: { workflowName?: string; status?: "FAILED" } = {}) =>
      (await store.listInstances({ limit: 1, offset: 0, ...query })).total;
    assert.equal(await total(), INSTANCES);
    const failedW1 = await total({ workflowName: "W1", status: "FAILED" });
    await using admin = adminConnection();
    const [deleted] = await admin.unsafe(
      `WITH gone AS (DELETE FROM ${schema.role}.workflow_instances
                     WHERE workflow_name = 'W1' AND status = 'FAILED' RETURNING 1)
       SELECT count(*)::integer AS n FROM gone`,
    );
    assert.ok(deleted?.n > 0);
    assert.equal(await total(), INSTANCES - deleted?.n);
    assert.equal(await total({ workflowName: "W1", status: "FAILED" }), failedW1 - deleted?.n);
    assert.equal(await total({ workflowName: "W1", status: "FAILED" }), 0);
    const [history] = await admin.unsafe(
      `SELECT count(*)::integer AS n FROM ${schema.role}.workflow_history
       WHERE instance_id NOT IN (SELECT id FROM ${schema.role}.workflow_instances)`,
    );
    assert.equal(history?.n, 0, "history rows go with their instance");
  },
});
