/**
 * The short text rendering every tool returns beside its `structuredContent` (SPEC §3): what a
 * model reading only text needs to act (ids, status, the next step and its instructions), without
 * repeating the whole structure as JSON.
 *
 * @example
 * ```ts
 * stepText(response); // "JOKE_GENERATOR run 7fbc…: RUNNING. Next step: greet (route).\n\n…"
 * ```
 * @module
 */
import type { z } from "zod";
import { decidedBy } from "../decide/label.ts";
import { formatIssue } from "../errors.ts";
import type { outputSchemas } from "./schemas.ts";

type Out<N extends keyof typeof outputSchemas> = z.input<typeof outputSchemas[N]>;
type StepResponse = Out<"advance_workflow">;
type InstanceStatusView = Out<"get_workflow_status">;

/** Context values longer than this are summarized by their keys. */
const CONTEXT_TEXT_LIMIT = 2_000;

function contextLine(context: Record<string, unknown>): string {
  const keys = Object.keys(context);
  if (!keys.length) return "Context: {}";
  const json = JSON.stringify(context);
  return json.length <= CONTEXT_TEXT_LIMIT
    ? `Context: ${json}`
    : `Context keys: ${keys.join(", ")} (values in structuredContent or get_workflow_status)`;
}

/** A step response: the run, its status, the next step and that step's instructions. */
export function stepText(response: StepResponse): string {
  const head = `${response.workflow_name} run ${response.instance_id}: ${response.status}.`;
  const step = response.next_step;
  const lines = response.status === "RUNNING"
    ? [
      `${head} Next step: ${step.step_name} (decided by ${decidedBy(response.decision)}).`,
      `Report on it with advance_workflow, report.step_id = "${step.step_name}".`,
    ]
    : [`${head} The run has ended (${step.step_name}).`];
  if (response.definition_notice) lines.push(`Note: ${response.definition_notice}`);
  lines.push(contextLine(response.current_context), "", step.instructions);
  return lines.join("\n");
}

/** A resume response: the reconciliation first, then the step. */
export function resumeText(response: Out<"resume_workflow">): string {
  const { reconciliation } = response;
  return `Resume (${reconciliation.matched ? "steps match" : "steps differ"}): ` +
    `${reconciliation.action}\n${stepText(response)}`;
}

/** One run's state in a line. */
export function statusText(view: InstanceStatusView): string {
  return `${view.workflow_name} run ${view.instance_id}: ${view.status} at step ` +
    `${view.current_step_name}; ${view.history_length} history entries; started ` +
    `${view.created_at}, updated ${view.updated_at}` +
    (view.completed_at ? `, ended ${view.completed_at}` : "") + ".";
}

/** A page of runs, one per line. */
export function instancesText(page: Out<"list_instances">): string {
  return [
    `${page.total} run(s) match; ${page.instances.length} shown.`,
    ...page.instances.map(statusText),
    ...(page.next_offset !== undefined
      ? [`More: call again with offset ${page.next_offset}.`]
      : []),
  ].join("\n");
}

/** A page of history, one entry per line. */
export function historyText(page: Out<"get_workflow_history">): string {
  return [
    `History of run ${page.instance_id}: ${page.total} entries; ${page.entries.length} shown.`,
    ...page.entries.map((e) =>
      `${e.seq}. ${e.step_name ?? "(start)"}` +
      (e.report ? ` reported ${e.report.status}` : "") +
      ` -> ${e.decision.next_step} [${decidedBy(e.decision)}]` +
      (e.decision.reasoning ? `: ${e.decision.reasoning}` : "")
    ),
    ...(page.next_offset !== undefined
      ? [`More: call again with offset ${page.next_offset}.`]
      : []),
  ].join("\n");
}

/** The workflow list: one line each, invalid ones with their problems. */
export function workflowsText(list: Out<"list_workflows">): string {
  if (!list.workflows.length) return "No workflows are defined.";
  return list.workflows.map((w) =>
    w.valid
      ? `${w.name}: ${w.description} (steps: ${w.steps.join(", ")})`
      : `${w.name} (INVALID): ${(w.errors ?? []).map(formatIssue).join("; ")}`
  ).join("\n");
}
