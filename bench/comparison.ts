/**
 * `advance_workflow` over stdio against its two baselines on one backend, measured in one run: the
 * no-op tool (`baseline_server.ts`, what MCP itself costs) and the durability floor
 * (`floor_server.ts`, what committing a step costs on that backend). Latency p50/p99 in alternating
 * blocks, then calls/s at 1, 4 and 16 in flight; the targets apply to one baseline, the other is
 * shown for information.
 *
 * @example
 * ```ts
 * const rows = await compareWithBaselines({ ours, floor, noop }, {
 *   prefix: "", against: "noop", targets: { p50: { max: 1.3 }, throughput: { min: 0.75 } },
 *   floor: { label: "durability floor", figure: "durability floor latency p50 (one WAL commit)" },
 *   sampling: { warmup: 300, blocks: 5, blockCalls: 400 }, throughputMs: 2000,
 *   throughputOfBoth: true,
 * });
 * ```
 * @module
 */
import { NOOP_TOOL } from "./baseline_server.ts";
import { COMMIT_TOOL } from "./floor_server.ts";
import type { Row, Target } from "./report.ts";
import type { Spawned } from "./servers.ts";
import { percentile } from "./stats.ts";
import { advanceLanes, alternatingLatency, baselineLane, rates, toolLanes } from "./workload.ts";

/** Calls in flight on one server for the throughput figures. */
const IN_FLIGHT = [1, 4, 16] as const;

/** The servers compared: ours and the two baselines, all connected. */
export type Contenders = Record<"ours" | Baseline, Spawned>;

/** One of the two baselines. */
type Baseline = "noop" | "floor";

/** How one backend's comparison is run and named. */
export interface Comparison {
  /** Starts every figure's name (e.g. `"PostgreSQL: "`). */
  prefix: string;
  /** The baseline the targets apply to; the other one is compared for information. */
  against: Baseline;
  /** Targets of the p50 ratio and of the calls/s ratios against `against`. */
  targets: { p50: Target; throughput: Target };
  /** The floor's label as a baseline, and the figure of its own p50 against the no-op. */
  floor: { label: string; figure: string };
  /** Warm-up and alternating blocks of single calls (`alternatingLatency`). */
  sampling: { warmup: number; blocks: number; blockCalls: number };
  /** How long each calls/s figure is measured (`rates`). */
  throughputMs: number;
  /** Whether calls/s are measured for the other baseline too. */
  throughputOfBoth: boolean;
}

/** Latency rows, then calls/s rows at each number of calls in flight. */
export async function compareWithBaselines(
  servers: Contenders,
  comparison: Comparison,
): Promise<Row[]> {
  return [
    ...await latencyRows(servers, comparison),
    ...await throughputRows(servers, comparison),
  ];
}

function labels(comparison: Comparison) {
  const other: Baseline = comparison.against === "noop" ? "floor" : "noop";
  return {
    other,
    /** How the other baseline is named in a figure. */
    otherName: other === "floor" ? "the floor" : "the no-op",
    latency: (kind: Baseline) => kind === "floor" ? comparison.floor.label : "no-op tool",
    rate: (kind: Baseline) => kind === "floor" ? comparison.floor.label : "no-op calls/s",
  };
}

async function latencyRows(servers: Contenders, comparison: Comparison): Promise<Row[]> {
  const { prefix, against } = comparison;
  const { other, otherName, latency } = labels(comparison);
  const times = await alternatingLatency({
    ours: (await advanceLanes(servers.ours, 1))[0]!,
    noop: baselineLane(servers.noop.client, NOOP_TOOL),
    floor: baselineLane(servers.floor.client, COMMIT_TOOL),
  }, comparison.sampling);
  const p = (kind: keyof typeof times, at: number) => percentile(times[kind], at);
  const row = (figure: string, kind: "ours" | "floor", at: number, base: Baseline) => ({
    figure,
    value: p(kind, at),
    unit: "ms",
    baseline: { label: latency(base), value: p(base, at) },
  });
  return [
    {
      ...row(`${prefix}advance_workflow latency p50 (stdio)`, "ours", 50, against),
      target: comparison.targets.p50,
    },
    { ...row(`${prefix}advance_workflow latency p99 (stdio)`, "ours", 99, against), target: INFO },
    { ...row(comparison.floor.figure, "floor", 50, "noop"), target: INFO },
    {
      ...row(`${prefix}advance_workflow latency p50 vs ${otherName}`, "ours", 50, other),
      target: INFO,
    },
  ];
}

const INFO: Target = { info: true };

async function throughputRows(servers: Contenders, comparison: Comparison): Promise<Row[]> {
  const { prefix, against } = comparison;
  const { other, otherName, rate } = labels(comparison);
  const baselines: Baseline[] = comparison.throughputOfBoth ? [against, other] : [against];
  const tools: Record<Baseline, string> = { noop: NOOP_TOOL, floor: COMMIT_TOOL };
  const rows: Row[] = [];
  for (const inFlight of IN_FLIGHT) {
    const [ourRate, ...baselineRates] = await rates([
      await advanceLanes(servers.ours, inFlight),
      ...await Promise.all(
        baselines.map((kind) => toolLanes(tools[kind])(servers[kind], inFlight)),
      ),
    ], comparison.throughputMs);
    baselines.forEach((kind, i) =>
      rows.push({
        figure: kind === against
          ? `${prefix}advances/s, ${inFlight} in flight`
          : `${prefix}advances/s vs ${otherName}, ${inFlight} in flight`,
        value: ourRate!,
        unit: "/s",
        baseline: { label: rate(kind), value: baselineRates[i]! },
        target: kind === against ? comparison.targets.throughput : INFO,
      })
    );
  }
  return rows;
}
