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
import { NOOP_TOOL } from "./baseline_server.ts";
import { compareWithBaselines } from "./comparison.ts";
import type { Row } from "./report.ts";
import { spawnBaseline, spawnFloor, spawnOrchestrator } from "./servers.ts";
import { advanceLanes, lanesOn, rates, recordAnswer, toolLanes } from "./workload.ts";

/** How long each throughput figure is measured (`rates`). */
const THROUGHPUT_MS = 2000;
const PROCESSES = 2;
const PROCESS_IN_FLIGHT = 8;
const THROUGHPUT_TARGET = { min: 0.75 };

const noopLanes = toolLanes(NOOP_TOOL);

/** Latency, throughput and durability-setting rows. */
export async function measureOverhead(workflowsDir: string, tempDir: string): Promise<Row[]> {
  const dbPath = join(tempDir, "overhead", "workflows.sqlite");
  const ours = await spawnOrchestrator({ workflowsDir, dbPath });
  const floor = await spawnFloor(join(tempDir, "floor"), await recordAnswer(ours.client));
  const noop = await spawnBaseline();
  const rows: Row[] = [];
  try {
    rows.push(
      ...await compareWithBaselines({ ours, floor, noop }, {
        prefix: "",
        against: "noop",
        targets: { p50: { max: 1.3 }, throughput: THROUGHPUT_TARGET },
        floor: {
          label: "durability floor",
          figure: "durability floor latency p50 (one WAL commit)",
        },
        sampling: { warmup: 300, blocks: 5, blockCalls: 400 },
        throughputMs: THROUGHPUT_MS,
        throughputOfBoth: true,
      }),
    );
  } finally {
    await Promise.all([ours, floor, noop].map((s) => s.close()));
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
    ], THROUGHPUT_MS);
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
    ], THROUGHPUT_MS);
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
