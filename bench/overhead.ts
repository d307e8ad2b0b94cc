/**
 * What the orchestrator adds on top of MCP: `advance_workflow` round trips over stdio (declared
 * route, stub decider, durable SQLite commit) against a no-op tool on a bare SDK server, for
 * latency (one call in flight), throughput (1, 4 and 16 in flight, and several server processes
 * on one database file) and with the stricter `synchronous=FULL` setting.
 *
 * @example
 * ```ts
 * const rows = await measureOverhead(workflowsDir, tempDir);
 * ```
 * @module
 */
import { join } from "node:path";
import type { Row } from "./report.ts";
import { spawnBaseline, type Spawned, spawnOrchestrator } from "./servers.ts";
import { percentile, sample } from "./stats.ts";
import { advanceLane, type Lane, noopLane, throughput } from "./workload.ts";

const WARMUP_CALLS = 300;
/** Latency samples are taken in alternating blocks so both servers see the same machine load. */
const LATENCY_BLOCKS = 5;
const LATENCY_BLOCK_CALLS = 400;
const THROUGHPUT_MS = 2000;
const IN_FLIGHT = [1, 4, 16] as const;
const PROCESSES = 2;
const PROCESS_IN_FLIGHT = 8;
const THROUGHPUT_TARGET = { min: 0.75 };

async function lanes(spawned: Spawned[], perProcess: number, ours: boolean): Promise<Lane[]> {
  const all: Lane[] = [];
  for (const { client } of spawned) {
    for (let i = 0; i < perProcess; i++) {
      all.push(ours ? await advanceLane(client) : noopLane(client));
    }
  }
  return all;
}

/** Throughput of both kinds of server with the same lanes, measured back to back. */
async function compareThroughput(
  ours: Spawned[],
  baseline: Spawned[],
  perProcess: number,
): Promise<{ ours: number; baseline: number }> {
  const ourLanes = await lanes(ours, perProcess, true);
  const baseLanes = await lanes(baseline, perProcess, false);
  await throughput(ourLanes, THROUGHPUT_MS / 4);
  await throughput(baseLanes, THROUGHPUT_MS / 4);
  return {
    ours: await throughput(ourLanes, THROUGHPUT_MS),
    baseline: await throughput(baseLanes, THROUGHPUT_MS),
  };
}

/** Latency, throughput and durability-setting rows. */
export async function measureOverhead(workflowsDir: string, tempDir: string): Promise<Row[]> {
  const dbPath = join(tempDir, "overhead", "workflows.sqlite");
  const ours = await spawnOrchestrator({ workflowsDir, dbPath });
  const baseline = await spawnBaseline();
  const rows: Row[] = [];
  try {
    const advance = await advanceLane(ours.client);
    const noop = noopLane(baseline.client);
    await sample(WARMUP_CALLS, advance);
    await sample(WARMUP_CALLS, noop);
    const ourTimes: number[] = [];
    const baseTimes: number[] = [];
    for (let block = 0; block < LATENCY_BLOCKS; block++) {
      ourTimes.push(...await sample(LATENCY_BLOCK_CALLS, advance));
      baseTimes.push(...await sample(LATENCY_BLOCK_CALLS, noop));
    }
    for (const p of [50, 99]) {
      rows.push({
        figure: `advance_workflow latency p${p} (stdio)`,
        value: percentile(ourTimes, p),
        unit: "ms",
        baseline: { label: "no-op tool", value: percentile(baseTimes, p) },
        target: p === 50 ? { max: 1.3 } : { info: true },
      });
    }
    for (const inFlight of IN_FLIGHT) {
      const result = await compareThroughput([ours], [baseline], inFlight);
      rows.push({
        figure: `advances/s, ${inFlight} in flight`,
        value: result.ours,
        unit: "/s",
        baseline: { label: "no-op calls/s", value: result.baseline },
        target: THROUGHPUT_TARGET,
      });
    }
  } finally {
    await ours.close();
    await baseline.close();
  }
  rows.push(await multiProcess(workflowsDir, dbPath));
  rows.push(await strictDurability(workflowsDir, tempDir));
  return rows;
}

/** Several orchestrator processes sharing one database file, against as many baseline processes. */
async function multiProcess(workflowsDir: string, dbPath: string): Promise<Row> {
  const ours = await Promise.all(
    Array.from({ length: PROCESSES }, () => spawnOrchestrator({ workflowsDir, dbPath })),
  );
  const baseline = await Promise.all(Array.from({ length: PROCESSES }, () => spawnBaseline()));
  try {
    const result = await compareThroughput(ours, baseline, PROCESS_IN_FLIGHT);
    return {
      figure: `advances/s, ${PROCESSES} processes × ${PROCESS_IN_FLIGHT} in flight, one DB`,
      value: result.ours,
      unit: "/s",
      baseline: { label: "no-op calls/s", value: result.baseline },
      target: THROUGHPUT_TARGET,
    };
  } finally {
    await Promise.all([...ours, ...baseline].map((s) => s.close()));
  }
}

/** `synchronous=FULL` (an fsync per commit) against the default `NORMAL`, 4 in flight. */
async function strictDurability(workflowsDir: string, tempDir: string): Promise<Row> {
  const full = await spawnOrchestrator({
    workflowsDir,
    dbPath: join(tempDir, "full", "workflows.sqlite"),
    synchronous: "FULL",
  });
  const normal = await spawnOrchestrator({
    workflowsDir,
    dbPath: join(tempDir, "normal", "workflows.sqlite"),
  });
  try {
    const fullLanes = await lanes([full], 4, true);
    const normalLanes = await lanes([normal], 4, true);
    await throughput(fullLanes, THROUGHPUT_MS / 4);
    await throughput(normalLanes, THROUGHPUT_MS / 4);
    return {
      figure: "advances/s with synchronous=FULL, 4 in flight",
      value: await throughput(fullLanes, THROUGHPUT_MS),
      unit: "/s",
      baseline: { label: "same with NORMAL", value: await throughput(normalLanes, THROUGHPUT_MS) },
      target: { info: true },
    };
  } finally {
    await full.close();
    await normal.close();
  }
}
