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
import { NOOP_TOOL } from "./baseline_server.ts";
import { LOOP_STEPS, LOOP_WORKFLOW } from "./fixtures.ts";
import { COMMIT_TOOL, type RecordedAnswer } from "./floor_server.ts";

/** Makes one call; resolves when its answer arrived. */
export type Lane = () => Promise<unknown>;

function advanceArgs(instanceId: string, step: string, n: number): Record<string, unknown> {
  return {
    instance_id: instanceId,
    report: { step_id: step, status: "success", message: `Done with item ${n}.` },
    context_updates: { item: n },
  };
}

/**
 * Start a `BENCH_LOOP` run and advance it once; the answer, for the durability floor to repeat
 * (`floor_server.ts`).
 */
export async function recordAnswer(client: Client): Promise<RecordedAnswer> {
  const started = await call<{ instance_id: string }>(client, "start_workflow", {
    workflow_name: LOOP_WORKFLOW,
    context: { item: 0 },
  });
  const result = await client.callTool({
    name: "advance_workflow",
    arguments: advanceArgs(started.instance_id, LOOP_STEPS[0], 1),
  });
  const [first] = result.content as { text: string }[];
  return {
    text: first!.text,
    structuredContent: result.structuredContent as Record<string, unknown>,
  };
}

/** Start a `BENCH_LOOP` run on `client`; each call of the lane advances it by one step. */
export async function advanceLane(client: Client): Promise<Lane> {
  const started = await call<{ instance_id: string }>(client, "start_workflow", {
    workflow_name: LOOP_WORKFLOW,
    context: { item: 0 },
  });
  const id = started.instance_id;
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

/** A lane of no-op tool calls carrying the same arguments as an advance. */
export function noopLane(client: Client): Lane {
  let n = 0;
  return () => {
    n++;
    return client.callTool({
      name: NOOP_TOOL,
      arguments: advanceArgs("00000000-0000-4000-8000-000000000000", LOOP_STEPS[n % 2]!, n),
    });
  };
}

/**
 * A lane of the durability floor's tool (`floor_server.ts`): the same arguments as an advance, on
 * its own run (`laneId`), as each advance lane has its own instance.
 */
export function floorLane(client: Client, laneId: number): Lane {
  const id = `00000000-0000-4000-8000-${String(laneId).padStart(12, "0")}`;
  let n = 0;
  return () => {
    n++;
    return client.callTool({
      name: COMMIT_TOOL,
      arguments: advanceArgs(id, LOOP_STEPS[n % 2]!, n),
    });
  };
}

/** Run every lane back to back for `durationMs`; returns completed calls per second. */
export async function throughput(lanes: readonly Lane[], durationMs: number): Promise<number> {
  let done = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(lanes.map(async (lane) => {
    while (performance.now() < deadline) {
      await lane();
      done++;
    }
  }));
  return done / ((performance.now() - started) / 1000);
}
