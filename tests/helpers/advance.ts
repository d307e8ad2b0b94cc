/**
 * Drives a run to its end by reporting `success` on every step.
 * @module
 */
import type { Client } from "@modelcontextprotocol/client";
import { call } from "./server.ts";

/** The part of a `StepResponse` a driver needs. */
export interface StepResponse {
  instance_id: string;
  status: string;
  next_step: { step_name: string; instructions: string };
}

/** Report `success` until the run ends (at most 50 steps), the clients taking turns. */
export async function advanceTakingTurns(
  clients: Client[],
  first: StepResponse,
): Promise<StepResponse> {
  let current = first;
  for (let turn = 0; current.status === "RUNNING" && turn < 50; turn++) {
    current = await call<StepResponse>(clients[turn % clients.length]!, "advance_workflow", {
      instance_id: current.instance_id,
      report: { step_id: current.next_step.step_name, status: "success" },
    });
  }
  return current;
}
