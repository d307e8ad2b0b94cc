/**
 * What the orchestrator's own code costs on top of a durable commit: `advance_workflow` round trips
 * over stdio (declared route, stub decider, durable SQLite commit) against the durability floor
 * (`floor_server.ts`: a bare SDK tool doing one SQLite commit), for latency (one call in flight),
 * throughput (1, 4 and 16 in flight, and several server processes on one database file), and with
 * the stricter `synchronous=FULL` setting. The same figures are also compared with a no-op tool on
 * a bare SDK server, which shows what durability itself costs on this machine.
 *
 * @example
 * ```ts
 * const rows = await measureOverhead(workflowsDir, tempDir);
 * ```
 * @module
 */
import { join } from "node:path";
import { compareWithBaselines } from "./comparison.ts";
import { COMMIT_TOOL, type RecordedAnswer } from "./floor_server.ts";
import type { Row } from "./report.ts";
import { spawnBaseline, spawnFloor, spawnOrchestrator } from "./servers.ts";
import { advanceLanes, lanesOn, rates, recordAnswer, toolLanes } from "./workload.ts";

/** How long each throughput figure is measured (`rates`). */
const THROUGHPUT_MS = 2000;
const PROCESSES = 2;
const PROCESS_IN_FLIGHT = 8;
const THROUGHPUT_TARGET = { min: 0.9 };

const floorLanes = toolLanes(COMMIT_TOOL);

/** Latency, throughput and durability-setting rows. */
export async function measureOverhead(workflowsDir: string, tempDir: string): Promise<Row[]> {
  const dbPath = join(tempDir, "overhead", "workflows.sqlite");
  const ours = await spawnOrchestrator({ workflowsDir, dbPath });
  const answer = await recordAnswer(ours.client);
  const floor = await spawnFloor(join(tempDir, "floor"), answer);
  const noop = await spawnBaseline();
  const rows: Row[] = [];
  try {
    rows.push(
      ...await compareWithBaselines({ ours, floor, noop }, {
        prefix: "",
        against: "floor",
        targets: { p50: { max: 1.1 }, throughput: THROUGHPUT_TARGET },
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
  rows.push(await multiProcess(workflowsDir, dbPath, join(tempDir, "floors"), answer));
  rows.push(await strictDurability(workflowsDir, tempDir));
  return rows;
}

/**
 * Several orchestrator processes sharing one database file, against as many floor processes
 * sharing one database file of their own (in `floorDir`).
 */
async function multiProcess(
  workflowsDir: string,
  dbPath: string,
  floorDir: string,
  answer: RecordedAnswer,
): Promise<Row> {
  const ours = await Promise.all(
    Array.from({ length: PROCESSES }, () => spawnOrchestrator({ workflowsDir, dbPath })),
  );
  // One after the other: each writes the answer file before it starts.
  const floors = [];
  for (let i = 0; i < PROCESSES; i++) floors.push(await spawnFloor(floorDir, answer));
  try {
    const [ourRate, floorRate] = await rates([
      await lanesOn(ours, PROCESS_IN_FLIGHT, advanceLanes),
      await lanesOn(floors, PROCESS_IN_FLIGHT, floorLanes),
    ], THROUGHPUT_MS);
    return {
      figure: `advances/s, ${PROCESSES} processes × ${PROCESS_IN_FLIGHT} in flight, one DB`,
      value: ourRate!,
      unit: "/s",
      baseline: { label: "durability floor, as many processes", value: floorRate! },
      target: THROUGHPUT_TARGET,
    };
  } finally {
    await Promise.all([...ours, ...floors].map((s) => s.close()));
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
