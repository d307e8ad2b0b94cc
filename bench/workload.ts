/**
 * The calls the benchmarks time: one `advance_workflow` of a `BENCH_LOOP` run (declared route,
 * stub decider, durable commit) and, for the baseline, one call of the no-op tool carrying the same
 * arguments. A "lane" is one sequence of calls; several lanes run concurrently for throughput.
 *
 * @example
 * ```ts
 * const next = await advanceLane(ours.client);
 * await next(); // one advance_workflow round trip
 * ```
 * @module
 */
import type { Client } from "@modelcontextprotocol/client";
import { call } from "../tests/helpers/server.ts";
import { LOOP_STEPS, LOOP_WORKFLOW } from "./fixtures.ts";
import type { RecordedAnswer } from "./floor_server.ts";
import type { Spawned } from "./servers.ts";
import { sample } from "./stats.ts";

/** Makes one call; resolves when its answer arrived. */
export type Lane = () => Promise<unknown>;

/** Makes `count` lanes of one kind on one server. */
export type LaneMaker = (spawned: Spawned, count: number) => Promise<Lane[]>;

function advanceArgs(instanceId: string, step: string, n: number): Record<string, unknown> {
  return {
    instance_id: instanceId,
    report: { step_id: step, status: "success", message: `Done with item ${n}.` },
    context_updates: { item: n },
  };
}

/** Start a `BENCH_LOOP` run on `client`; its instance id. */
async function startLoopRun(client: Client): Promise<string> {
  const started = await call<{ instance_id: string }>(client, "start_workflow", {
    workflow_name: LOOP_WORKFLOW,
    context: { item: 0 },
  });
  return started.instance_id;
}

/**
 * Start a `BENCH_LOOP` run and advance it once; the answer, for the durability floor to repeat
 * (`floor_server.ts`).
 */
export async function recordAnswer(client: Client): Promise<RecordedAnswer> {
  const result = await client.callTool({
    name: "advance_workflow",
    arguments: advanceArgs(await startLoopRun(client), LOOP_STEPS[0], 1),
  });
  const [first] = result.content as { text: string }[];
  return {
    text: first!.text,
    structuredContent: result.structuredContent as Record<string, unknown>,
  };
}

/** Start a `BENCH_LOOP` run on `client`; each call of the lane advances it by one step. */
export async function advanceLane(client: Client): Promise<Lane> {
  const id = await startLoopRun(client);
  let n = 0;
  return async () => {
    const step = LOOP_STEPS[n % 2]!;
    n++;
    const next = await call<{ next_step: { step_name: string } }>(
      client,
      "advance_workflow",
      advanceArgs(id, step, n),
    );
    if (next.next_step.step_name !== LOOP_STEPS[n % 2]) {
      throw new Error(`unexpected next step ${next.next_step.step_name} after ${step}`);
    }
  };
}

/**
 * A lane of a baseline's tool (`NOOP_TOOL` of `baseline_server.ts`, `COMMIT_TOOL` of
 * `floor_server.ts`) carrying the same arguments as an advance, on a run of its own (`laneId`), as
 * each advance lane has its own instance.
 */
export function baselineLane(client: Client, tool: string, laneId = 0): Lane {
  const id = `00000000-0000-4000-8000-${String(laneId).padStart(12, "0")}`;
  let n = 0;
  return () => {
    n++;
    return client.callTool({ name: tool, arguments: advanceArgs(id, LOOP_STEPS[n % 2]!, n) });
  };
}

/** `count` advance lanes, each on a run of its own. */
export const advanceLanes: LaneMaker = async ({ client }, count) => {
  const all: Lane[] = [];
  for (let i = 0; i < count; i++) all.push(await advanceLane(client));
  return all;
};

/** A maker of `count` lanes calling a baseline's `tool`, each on a run id of its own. */
export const toolLanes = (tool: string): LaneMaker => ({ client }, count) =>
  Promise.resolve(Array.from({ length: count }, (_, i) => baselineLane(client, tool, i)));

/** `perServer` lanes of one kind on each of `servers`. */
export async function lanesOn(
  servers: Spawned[],
  perServer: number,
  make: LaneMaker,
): Promise<Lane[]> {
  return (await Promise.all(servers.map((s) => make(s, perServer)))).flat();
}

/** How many turns each group of lanes gets in `rates`. */
const RATE_TURNS = 4;

/**
 * Calls per second of each group of lanes over `durationMs` each, after a warm-up of a quarter of
 * that for each. The groups take turns (`RATE_TURNS` slices each), so a change in the machine's
 * load during the measurement weighs on all of them alike.
 */
export async function rates(groups: Lane[][], durationMs: number): Promise<number[]> {
  for (const lanes of groups) await throughput(lanes, durationMs / 4);
  const calls = groups.map(() => 0);
  const seconds = groups.map(() => 0);
  for (let turn = 0; turn < RATE_TURNS; turn++) {
    for (const [i, lanes] of groups.entries()) {
      const run = await callsFor(lanes, durationMs / RATE_TURNS);
      calls[i] = calls[i]! + run.done;
      seconds[i] = seconds[i]! + run.seconds;
    }
  }
  return calls.map((n, i) => n / seconds[i]!);
}

/**
 * Latencies (ms) of one call at a time on each lane, after `warmup` calls each: `blocks` blocks of
 * `blockCalls` calls that take turns between the lanes, so all of them see the same machine load.
 */
export async function alternatingLatency<K extends string>(
  lanes: Record<K, Lane>,
  { warmup, blocks, blockCalls }: { warmup: number; blocks: number; blockCalls: number },
): Promise<Record<K, number[]>> {
  const kinds = Object.keys(lanes) as K[];
  for (const kind of kinds) await sample(warmup, lanes[kind]);
  const times = Object.fromEntries(kinds.map((kind) => [kind, [] as number[]])) as Record<
    K,
    number[]
  >;
  for (let block = 0; block < blocks; block++) {
    for (const kind of kinds) times[kind].push(...await sample(blockCalls, lanes[kind]));
  }
  return times;
}

/** Run every lane back to back for `durationMs`; returns completed calls per second. */
export async function throughput(lanes: readonly Lane[], durationMs: number): Promise<number> {
  const { done, seconds } = await callsFor(lanes, durationMs);
  return done / seconds;
}

/** Run every lane back to back for `durationMs`; the calls completed and the seconds it took. */
async function callsFor(
  lanes: readonly Lane[],
  durationMs: number,
): Promise<{ done: number; seconds: number }> {
  let done = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(lanes.map(async (lane) => {
    while (performance.now() < deadline) {
      await lane();
      done++;
    }
  }));
  return { done, seconds: (performance.now() - started) / 1000 };
}
