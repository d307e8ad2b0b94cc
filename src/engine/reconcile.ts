/**
 * What `resume_workflow` tells a client whose belief differs from the persisted run: where the
 * run really is, and what happened to the report it sent.
 *
 * @example
 * ```ts
 * import { explainMismatch } from "./reconcile.ts";
 * explainMismatch(definition, instance, "write_tests", undefined);
 * ```
 * @module
 */
import { resolveStepName } from "../decide/step_name.ts";
import type { WorkflowDefinition } from "../definitions/types.ts";
import type { Instance, Report } from "../store/types.ts";
import type { Reconciliation } from "./responses.ts";

/** The reconciliation block of a resume answer. */
export function reconciliation(
  assumedStep: string,
  actualStep: string,
  matched: boolean,
  action: string,
): Reconciliation {
  return { assumed_step: assumedStep, actual_step: actualStep, matched, action };
}

/** Why the client's assumed step is not where the run is, and what to do. */
export function explainMismatch(
  definition: WorkflowDefinition,
  instance: Instance,
  assumedStep: string,
  report: Report | undefined,
): string {
  const known = resolveStepName(definition, assumedStep) !== undefined;
  const where = known
    ? `The server's persisted state is authoritative: you assumed step '${assumedStep}', ` +
      `but the run is on step '${instance.currentStep}'.`
    : `'${assumedStep}' is not a step of workflow '${definition.name}'; the run is on step ` +
      `'${instance.currentStep}'.`;
  const reportNote = report
    ? ` Your report about '${report.step_id}' was recorded in the history but not applied.`
    : "";
  return `${where}${reportNote} Continue with '${instance.currentStep}' using the instructions below.`;
}
