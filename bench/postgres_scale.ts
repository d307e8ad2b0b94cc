/**
 * Scale on PostgreSQL: `get_workflow_status`, `list_instances` and `advance_workflow` through the
 * engine and the PostgreSQL store, in process (as `scale.ts` does for SQLite), on a database holding
 * one page of runs and on one seeded with 1,000,000 history rows, timed on the two in turn (this
 * machine's noise is larger than the effect we look for). Seeding copies a real instance and
 * history row with `INSERT … SELECT … generate_series` statements (not a million calls), then
 * `VACUUM (ANALYZE)`s them as autovacuum eventually would and checkpoints, so that neither runs
 * while we measure. PostgreSQL's defaults are kept (fsync on).
 *
 * @example
 * ```ts
 * const rows = await measurePostgresScale(workflowsDir, databaseUrl);
 * ```
 * @module
 */
import postgres from "postgres";
import { loadConfig } from "../src/config.ts";
import { databaseTarget, driverOptions } from "../src/store/postgres/open.ts";
import { openPostgresStore } from "../src/store/postgres/store.ts";
import { HISTORY_COLUMN_NAMES, INSTANCE_COLUMN_NAMES } from "../src/store/rows.ts";
import type { Row } from "./report.ts";
import { levelRows, type Op, ROWS_PER_INSTANCE, timeOps, type Timings } from "./scale.ts";
import { median } from "./stats.ts";

/** Calls timed per operation (see `timeOps`) in each of `ROUNDS` turns on each database. */
const COUNTS = { samples: 400, advances: 150 };
const ROUNDS = 3;

/** History rows in the seeded database. */
const LEVEL = 1_000_000;

/** The id of the seeded instance numbered `g` (a UUID like ours, in random order like ours). */
const seededId = (g: string) => `md5('seed-' || ${g})::uuid::text`;
/** A timestamp before any real run, so the newest page is the real runs at every size. */
const SEEDED_TIME = `to_char(timestamp '2020-01-01' + g * interval '1 millisecond',
  'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** Every tenth seeded run is still running, the others completed. */
const RUNNING = "g % 10 = 0";

/** `names` copied from `alias`, except the columns `overrides` gives an expression for. */
function copied(names: readonly string[], alias: string, overrides: Record<string, string>) {
  return names.map((name) => overrides[name] ?? `${alias}.${name}`).join(", ");
}

/** The trigger that counts each inserted instance (migration 1 of src/store/postgres/schema.ts). */
const COUNT_TRIGGER = "workflow_instances_counted_insert_delete";

/**
 * Instances 1 … `$1`, copied from a real one. The counting trigger is off meanwhile: in one
 * transaction, each of its updates of the same count row adds a row version that the next one
 * has to walk past (100k instances: minutes). `COUNT_SEEDED` then counts them at once.
 */
const SEED_INSTANCES = `
  INSERT INTO workflow_instances (${INSTANCE_COLUMN_NAMES.join(", ")})
  SELECT ${
  copied(INSTANCE_COLUMN_NAMES, "t", {
    id: seededId("g"),
    status: `CASE WHEN ${RUNNING} THEN 'RUNNING' ELSE 'COMPLETED' END`,
    version: String(ROWS_PER_INSTANCE),
    history_length: String(ROWS_PER_INSTANCE),
    created_at: SEEDED_TIME,
    updated_at: SEEDED_TIME,
    completed_at: `CASE WHEN ${RUNNING} THEN NULL ELSE ${SEEDED_TIME} END`,
  })
}
  FROM (SELECT * FROM workflow_instances LIMIT 1) AS t,
       generate_series(1, $1::integer) AS g`;

/** The seeded instances counted per (workflow, status) with the store's own function. */
const COUNT_SEEDED = `
  SELECT workflow_instances_count(workflow_name, status, count(*)::integer)
  FROM workflow_instances WHERE id IN (SELECT ${
  seededId("g")
} FROM generate_series(1, $1::integer) AS g)
  GROUP BY workflow_name, status`;

/**
 * `ROWS_PER_INSTANCE` history rows for each seeded instance, copied from a real one and inserted
 * in key order (about a third faster than in random order; the index ends up denser).
 */
const SEED_HISTORY = `
  INSERT INTO workflow_history (${HISTORY_COLUMN_NAMES.join(", ")})
  SELECT ${copied(HISTORY_COLUMN_NAMES, "t", { instance_id: seededId("g"), seq: "s" })}
  FROM (SELECT * FROM workflow_history WHERE seq = 2 LIMIT 1) AS t,
       generate_series(1, $1::integer) AS g,
       generate_series(1, ${ROWS_PER_INSTANCE}) AS s
  ORDER BY 1, 2`;

/** Seed up to `LEVEL` history rows; the id of the last seeded run and the rows there are. */
async function seed(sql: postgres.Sql): Promise<{ probeId: string; rows: number }> {
  const [count] = await sql.unsafe("SELECT count(*)::integer AS n FROM workflow_history");
  const runs = Math.ceil((LEVEL - Number(count?.n)) / ROWS_PER_INSTANCE);
  await sql.begin(async (tx) => {
    await tx.unsafe(`ALTER TABLE workflow_instances DISABLE TRIGGER ${COUNT_TRIGGER}`);
    await tx.unsafe(SEED_INSTANCES, [runs]);
    await tx.unsafe(COUNT_SEEDED, [runs]);
    await tx.unsafe(`ALTER TABLE workflow_instances ENABLE TRIGGER ${COUNT_TRIGGER}`);
  });
  await sql.unsafe(SEED_HISTORY, [runs]);
  await sql.unsafe("VACUUM (ANALYZE) workflow_instances, workflow_history");
  const [probe] = await sql.unsafe(
    `SELECT ${seededId("$1::integer")} AS id, count(*)::integer AS rows
     FROM workflow_history`,
    [runs],
  );
  return { probeId: String(probe?.id), rows: Number(probe?.rows) };
}

/** Table and index bytes of the instances and the history, per history row. */
async function bytesPerRow(sql: postgres.Sql, rows: number): Promise<number> {
  const [size] = await sql.unsafe(
    `SELECT (pg_total_relation_size('workflow_instances')
             + pg_total_relation_size('workflow_history'))::bigint AS bytes`,
  );
  return Number(size?.bytes) / rows;
}

/** Write the seeded pages out now (superuser or pg_checkpoint), rather than while we measure. */
async function checkpoint(sql: postgres.Sql): Promise<void> {
  try {
    await sql.unsafe("CHECKPOINT");
  } catch (error) {
    console.error(
      `  PostgreSQL: no CHECKPOINT after seeding (${(error as Error).message}): ` +
        "the 1M figures may be slowed by its writes",
    );
  }
}

/** The median of each operation's timings. */
function medianTimings(runs: readonly Timings[]): Timings {
  const of = (op: Op) => median(runs.map((timings) => timings[op]));
  return {
    get_workflow_status: of("get_workflow_status"),
    list_instances: of("list_instances"),
    advance_workflow: of("advance_workflow"),
  };
}

/**
 * Rows per operation at `LEVEL` history rows (seeded into `bigUrl`) vs one page of runs (in
 * `smallUrl`), timed on the two databases in turn; then bytes per row and the seeding time.
 */
export async function measurePostgresScale(
  workflowsDir: string,
  smallUrl: string,
  bigUrl: string,
): Promise<Row[]> {
  const { dbPoolSize } = loadConfig({ WORKFLOW_DB_URL: bigUrl });
  const opener = (url: string) => () => openPostgresStore(url, { poolSize: dbPoolSize });
  // A page of real runs, one advanced: what seeding copies.
  await timeOps(workflowsDir, opener(bigUrl), undefined, { samples: 4, advances: 3 });
  const sql = postgres(driverOptions(databaseTarget(bigUrl), { poolSize: 1 }));
  try {
    const started = performance.now();
    const { probeId, rows } = await seed(sql);
    const seedSeconds = (performance.now() - started) / 1000;
    await checkpoint(sql);
    const small: Timings[] = [];
    const big: Timings[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      small.push(await timeOps(workflowsDir, opener(smallUrl), undefined, COUNTS));
      big.push(await timeOps(workflowsDir, opener(bigUrl), probeId, COUNTS));
    }
    return [
      ...levelRows("PostgreSQL: ", LEVEL, medianTimings(big), medianTimings(small)),
      {
        figure: "PostgreSQL: DB bytes per history row (with instances and indexes)",
        value: await bytesPerRow(sql, rows),
        unit: "B",
        target: { info: true },
      },
      {
        figure: `PostgreSQL: seeding ${rows.toLocaleString("en-US")} history rows (SQL, + VACUUM)`,
        value: seedSeconds,
        unit: "s",
        target: { info: true },
      },
    ];
  } finally {
    await sql.end();
  }
}
