/**
 * What the engine returns to the MCP layer. Field names follow the seed's JSON (snake_case) so
 * existing clients keep working.
 * @module
 */
import type { JsonObject } from "../json.ts";
import type { Decision, InstanceStatus, Report } from "../store/types.ts";

/** The step the client should work on next (or FINISH). */
export interface StepResponse {
  instance_id: string;
  workflow_name: string;
  status: InstanceStatus;
  next_step: { step_name: string; instructions: string };
  current_context: JsonObject;
  /** Who decided (`model`: the AI's, or `stub` when the stub decision maker chose). */
  decision: { source: Decision["source"]; reasoning?: string; model?: string };
  /** Present when the workflow's files changed since this run started (the run keeps its version). */
  definition_notice?: string;
}

/** How `resume_workflow` reconciled the client's belief with the persisted state. */
export interface Reconciliation {
  assumed_step: string;
  actual_step: string;
  matched: boolean;
  /** What the server did, in one or two sentences. */
  action: string;
}

/** `resume_workflow`'s answer. */
export interface ResumeResponse extends StepResponse {
  reconciliation: Reconciliation;
}

/** `get_workflow_status`'s answer (seed fields). */
export interface InstanceStatusView {
  instance_id: string;
  workflow_name: string;
  status: InstanceStatus;
  current_step_name: string;
  context: JsonObject;
  history_length: number;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

/** One history row as shown to clients. */
export interface HistoryView {
  seq: number;
  step_name: string | null;
  report: Report | null;
  context_updates: JsonObject | null;
  decision: {
    source: Decision["source"];
    next_step: string;
    reasoning?: string;
    model?: string;
    tokens_in?: number;
    tokens_out?: number;
    latency_ms?: number;
  };
  status_after: InstanceStatus;
  created_at: string;
}
