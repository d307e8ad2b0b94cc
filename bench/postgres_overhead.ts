/**
 * `advance_workflow` over stdio on PostgreSQL against the PostgreSQL durability floor
 * (`floor_server.ts --postgres`: a bare SDK tool doing one autocommit `INSERT` through the same
 * driver, pool size and server) and the no-op tool: p50/p99 latency in alternating blocks, calls/s
 * at 1, 4 and 16 in flight, and several replicas sharing the database against one replica with the
 * same total number of calls in flight.
 *
 * @example
 * ```ts
 * const rows = await measurePostgresOverhead(workflowsDir, tempDir, databaseUrl);
 * ```
 * @module
 */
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { compareWithBaselines } from "./comparison.ts";
import type { Row } from "./report.ts";
import { spawnBaseline, type Spawned, spawnFloor, spawnOrchestrator } from "./servers.ts";
import { advanceLanes, lanesOn, rates, recordAnswer } from "./workload.ts";

/**
 * Fewer calls than on SQLite (`overhead.ts`): each PostgreSQL write waits for an fsync, which
 * takes 0.5-4 ms on this machine's shared disk.
 */
const THROUGHPUT_MS = 1000;
const REPLICAS = 3;
const REPLICA_IN_FLIGHT = 4;

/** Latency and throughput rows against the floor, then the replicas row. */
export async function measurePostgresOverhead(
  workflowsDir: string,
  tempDir: string,
  dbUrl: string,
): Promise<Row[]> {
  const spawnOurs = () =>
    spawnOrchestrator({ workflowsDir, dbPath: join(tempDir, "pg", "unused.sqlite"), dbUrl });
  const ours = await spawnOurs();
  try {
    return [
      ...await againstFloor(ours, join(tempDir, "pg-floor"), dbUrl),
      await replicas(ours, spawnOurs),
    ];
  } finally {
    await ours.close();
  }
}

/** `ours` against the floor on the same database (and the no-op): latency, then calls/s. */
async function againstFloor(ours: Spawned, floorDir: string, dbUrl: string): Promise<Row[]> {
  // The store's pool size as the server configures it (WORKFLOW_DB_POOL_SIZE's default).
  const { dbPoolSize } = loadConfig({ WORKFLOW_DB_URL: dbUrl });
  const floor = await spawnFloor(floorDir, await recordAnswer(ours.client), {
    kind: "postgres",
    url: dbUrl,
    poolSize: dbPoolSize,
  });
  const noop = await spawnBaseline();
  try {
    return await compareWithBaselines({ ours, floor, noop }, {
      prefix: "PostgreSQL: ",
      against: "floor",
      targets: { p50: { max: 1.3 }, throughput: { info: true } },
      floor: { label: "PostgreSQL floor", figure: "PostgreSQL floor latency p50 (one INSERT)" },
      sampling: { warmup: 100, blocks: 5, blockCalls: 100 },
      throughputMs: THROUGHPUT_MS,
      throughputOfBoth: false,
    });
  } finally {
    await Promise.all([floor, noop].map((s) => s.close()));
  }
}

/**
 * `REPLICAS` server processes on the one database, `REPLICA_IN_FLIGHT` calls in flight each,
 * against `ours` alone with as many calls in flight in total.
 */
async function replicas(ours: Spawned, spawnOurs: () => Promise<Spawned>): Promise<Row> {
  const others = await Promise.all(Array.from({ length: REPLICAS - 1 }, spawnOurs));
  try {
    const total = REPLICAS * REPLICA_IN_FLIGHT;
    const [spreadRate, oneRate] = await rates([
      await lanesOn([ours, ...others], REPLICA_IN_FLIGHT, advanceLanes),
      await advanceLanes(ours, total),
    ], THROUGHPUT_MS);
    return {
      figure: `PostgreSQL: advances/s, ${REPLICAS} replicas × ${REPLICA_IN_FLIGHT} in flight`,
      value: spreadRate!,
      unit: "/s",
      baseline: { label: `1 replica × ${total} in flight`, value: oneRate! },
      target: { info: true },
    };
  } finally {
    await Promise.all(others.map((s) => s.close()));
  }
}
