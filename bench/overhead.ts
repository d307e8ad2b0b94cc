/**
 * What the orchestrator adds on top of MCP: `advance_workflow` round trips over stdio (declared
 * route, stub decider, durable SQLite commit) against a no-op tool on a bare SDK server, for
 * latency (one call in flight), throughput (1, 4 and 16 in flight, and several server processes
 * on one database file) and with the stricter `synchronous=FULL` setting. The same figures are
 * also compared with the durability floor (`floor_server.ts`: a bare SDK tool doing one SQLite
 * commit), which separates what durability costs from what the orchestrator's own code costs.
 *
 * @example
 * ```ts
 * const rows = await measureOverhead(workflowsDir, tempDir);
 * ```
 * @module
 */
import { join } from "node:path";
import type { Row } from "./report.ts";
import { spawnBaseline, type Spawned, spawnFloor, spawnOrchestrator } from "./servers.ts";
import { percentile, sample } from "./stats.ts";
import { NOOP_TOOL } from "./baseline_server.ts";
import { COMMIT_TOOL } from "./floor_server.ts";
import { advanceLane, baselineLane, type Lane, recordAnswer, throughput } from "./workload.ts";

const WARMUP_CALLS = 300;
/** Latency samples are taken in alternating blocks so all servers see the same machine load. */
const LATENCY_BLOCKS = 5;
const LATENCY_BLOCK_CALLS = 400;
const THROUGHPUT_MS = 2000;
const IN_FLIGHT = [1, 4, 16] as const;
const PROCESSES = 2;
const PROCESS_IN_FLIGHT = 8;
const THROUGHPUT_TARGET = { min: 0.75 };
const FLOOR_LABEL = "durability floor";

/** Makes `count` lanes of one kind on one server. */
type LaneMaker = (spawned: Spawned, count: number) => Promise<Lane[]>;

const advanceLanes: LaneMaker = async ({ client }, count) => {
  const all: Lane[] = [];
  for (let i = 0; i < count; i++) all.push(await advanceLane(client));
  return all;
};
const toolLanes = (tool: string): LaneMaker => ({ client }, count) =>
  Promise.resolve(Array.from({ length: count }, (_, i) => baselineLane(client, tool, i)));
const noopLanes = toolLanes(NOOP_TOOL);
const floorLanes = toolLanes(COMMIT_TOOL);

/** Calls per second of each group of lanes, measured one after the other after a warm-up each. */
async function rates(groups: Lane[][]): Promise<number[]> {
  for (const lanes of groups) await throughput(lanes, THROUGHPUT_MS / 4);
  const result: number[] = [];
  for (const lanes of groups) result.push(await throughput(lanes, THROUGHPUT_MS));
  return result;
}

async function lanesOn(servers: Spawned[], perServer: number, make: LaneMaker): Promise<Lane[]> {
  return (await Promise.all(servers.map((s) => make(s, perServer)))).flat();
}

/** Latency, throughput and durability-setting rows. */
export async function measureOverhead(workflowsDir: string, tempDir: string): Promise<Row[]> {
  const dbPath = join(tempDir, "overhead", "workflows.sqlite");
  const ours = await spawnOrchestrator({ workflowsDir, dbPath });
  const floor = await spawnFloor(join(tempDir, "floor"), await recordAnswer(ours.client));
  const baseline = await spawnBaseline();
  const rows: Row[] = [];
  try {
    const lanes = {
      ours: (await advanceLanes(ours, 1))[0]!,
      noop: baselineLane(baseline.client, NOOP_TOOL),
      floor: baselineLane(floor.client, COMMIT_TOOL),
    };
    for (const lane of Object.values(lanes)) await sample(WARMUP_CALLS, lane);
    const times = { ours: [] as number[], noop: [] as number[], floor: [] as number[] };
    for (let block = 0; block < LATENCY_BLOCKS; block++) {
      for (const [kind, lane] of Object.entries(lanes)) {
        times[kind as keyof typeof times].push(...await sample(LATENCY_BLOCK_CALLS, lane));
      }
    }
    const p = (kind: keyof typeof times, at: number) => percentile(times[kind], at);
    rows.push(
      {
        figure: "advance_workflow latency p50 (stdio)",
        value: p("ours", 50),
        unit: "ms",
        baseline: { label: "no-op tool", value: p("noop", 50) },
        target: { max: 1.3 },
      },
      {
        figure: "advance_workflow latency p99 (stdio)",
        value: p("ours", 99),
        unit: "ms",
        baseline: { label: "no-op tool", value: p("noop", 99) },
        target: { info: true },
      },
      {
        figure: "durability floor latency p50 (one WAL commit)",
        value: p("floor", 50),
        unit: "ms",
        baseline: { label: "no-op tool", value: p("noop", 50) },
        target: { info: true },
      },
      {
        figure: "advance_workflow latency p50 vs the floor",
        value: p("ours", 50),
        unit: "ms",
        baseline: { label: FLOOR_LABEL, value: p("floor", 50) },
        target: { info: true },
      },
    );
    for (const inFlight of IN_FLIGHT) {
      const [ourRate, noopRate, floorRate] = await rates([
        await advanceLanes(ours, inFlight),
        await noopLanes(baseline, inFlight),
        await floorLanes(floor, inFlight),
      ]);
      rows.push(
        {
          figure: `advances/s, ${inFlight} in flight`,
          value: ourRate!,
          unit: "/s",
          baseline: { label: "no-op calls/s", value: noopRate! },
          target: THROUGHPUT_TARGET,
        },
        {
          figure: `advances/s vs the floor, ${inFlight} in flight`,
          value: ourRate!,
          unit: "/s",
          baseline: { label: FLOOR_LABEL, value: floorRate! },
          target: { info: true },
        },
      );
    }
  } finally {
    await Promise.all([ours, floor, baseline].map((s) => s.close()));
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
    const [ourRate, noopRate] = await rates([
      await lanesOn(ours, PROCESS_IN_FLIGHT, advanceLanes),
      await lanesOn(baseline, PROCESS_IN_FLIGHT, noopLanes),
    ]);
    return {
      figure: `advances/s, ${PROCESSES} processes × ${PROCESS_IN_FLIGHT} in flight, one DB`,
      value: ourRate!,
      unit: "/s",
      baseline: { label: "no-op calls/s", value: noopRate! },
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
    const [fullRate, normalRate] = await rates([
      await advanceLanes(full, 4),
      await advanceLanes(normal, 4),
    ]);
    return {
      figure: "advances/s with synchronous=FULL, 4 in flight",
      value: fullRate!,
      unit: "/s",
      baseline: { label: "same with NORMAL", value: normalRate! },
      target: { info: true },
    };
  } finally {
    await full.close();
    await normal.close();
  }
}
