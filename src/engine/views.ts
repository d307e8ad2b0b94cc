/**
 * How the engine's answers look to clients (the seed's snake_case fields): a step response, an
 * instance's status and its history entries, built from the store's typed records.
 *
 * @example
 * ```ts
 * import { statusView } from "./views.ts";
 * const view = statusView(instance); // { instance_id, workflow_name, status, … }
 * ```
 * @module
 */
import type { WorkflowDefinition } from "../definitions/types.ts";
import type { JsonObject } from "../json.ts";
import type { Decision, HistoryEntry, Instance, InstanceStatus } from "../store/types.ts";
import { instructionsFor } from "./render.ts";
import type { HistoryView, InstanceStatusView, StepResponse } from "./responses.ts";

/** The answer that sends the client to `stepName` (or tells it the run ended). */
export function stepResponse(
  definition: WorkflowDefinition,
  instanceId: string,
  status: InstanceStatus,
  stepName: string,
  context: JsonObject,
  decision: Decision,
): StepResponse {
  return {
    instance_id: instanceId,
    workflow_name: definition.name,
    status,
    next_step: {
      step_name: stepName,
      instructions: instructionsFor(definition, stepName, status, context, decision.reasoning),
    },
    current_context: context,
    decision: { source: decision.source, reasoning: decision.reasoning, model: decision.model },
  };
}

/** `get_workflow_status`'s view of an instance. */
export function statusView(instance: Instance): InstanceStatusView {
  return {
    instance_id: instance.id,
    workflow_name: instance.workflowName,
    status: instance.status,
    current_step_name: instance.currentStep,
    context: instance.context,
    history_length: instance.historyLength,
    created_at: instance.createdAt,
    updated_at: instance.updatedAt,
    completed_at: instance.completedAt,
  };
}

/** `get_workflow_history`'s view of one entry. */
export function historyView(entry: HistoryEntry): HistoryView {
  const { decision } = entry;
  return {
    seq: entry.seq,
    step_name: entry.step,
    report: entry.report,
    context_updates: entry.contextUpdates,
    decision: {
      source: decision.source,
      next_step: decision.nextStep,
      reasoning: decision.reasoning,
      model: decision.model,
      tokens_in: decision.tokensIn,
      tokens_out: decision.tokensOut,
      latency_ms: decision.latencyMs,
    },
    status_after: entry.statusAfter,
    created_at: entry.createdAt,
  };
}
