/**
 * Drives a run to its end by reporting `success` on every step.
 * @module
 */
import type { Client } from "@modelcontextprotocol/client";
import type { StepResponse } from "../../src/engine/responses.ts";
import { call } from "./server.ts";

export type { StepResponse };

/**
 * Report `success` until the run ends (at most 50 steps), the clients taking turns. Returns every
 * response in order, `first` included.
 */
export async function advanceToEnd(
  clients: Client[],
  first: StepResponse,
): Promise<StepResponse[]> {
  const seen = [first];
  let current = first;
  for (let turn = 0; current.status === "RUNNING" && turn < 50; turn++) {
    current = await call<StepResponse>(clients[turn % clients.length]!, "advance_workflow", {
      instance_id: current.instance_id,
      report: { step_id: current.next_step.step_name, status: "success" },
    });
    seen.push(current);
  }
  return seen;
}
