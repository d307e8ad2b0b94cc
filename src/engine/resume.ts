/**
 * `resume_workflow`'s rules: reconcile what the client believes (its current step) with the
 * persisted run. The persisted state wins: a report is applied (as an advance) only when the
 * client's step matches and the run is running; a difference, or a suspended run going on, is
 * explained and recorded; a resume that only confirms the client's step writes nothing. A finished
 * run takes no report (unless it is the one that finished it, sent again) and no context change.
 *
 * @example
 * ```ts
 * import { resumeRun } from "./resume.ts";
 * const answer = await resumeRun(deps, { instanceId, assumedStep: "write_tests" });
 * ```
 * @module
 */
import type { DecisionCall } from "../decide/types.ts";
import { type Definitions, FINISH } from "../definitions/types.ts";
import { InstanceFinishedError, InvalidInputError } from "../errors.ts";
import type { JsonObject } from "../json.ts";
import {
  type Decision,
  FINISHED_STATUSES,
  type Instance,
  type Report,
  type Store,
} from "../store/types.ts";
import { addDefinitionNotice } from "./definition_notice.ts";
import { historyEntry } from "./lifecycle.ts";
import { checkSize, MAX_CONTEXT_BYTES, mergeContext } from "./limits.ts";
import type { PinnedDefinitions } from "./pinned.ts";
import { explainMismatch, reconciliation } from "./reconcile.ts";
import { type AdvanceRequest, advanceRequest } from "./request.ts";
import type { ResumeResponse, StepResponse } from "./responses.ts";
import { stepResponse } from "./views.ts";

/** What resuming needs from the engine. */
export interface ResumeDeps {
  store: Store;
  definitions: Definitions;
  pinned: PinnedDefinitions;
  /** The run, or `UnknownInstanceError`. */
  instance(id: string): Promise<Instance>;
  /** The engine's advance, for a report on the matching step. */
  advance(id: string, request: AdvanceRequest, call?: DecisionCall): Promise<StepResponse>;
}

/** What the client believes and sends. */
export interface ResumeRequest {
  instanceId: string;
  assumedStep: string;
  report?: Report;
  contextUpdates?: JsonObject;
}

/** Reconcile the client's belief with the persisted run, applying its report when they match. */
export async function resumeRun(
  deps: ResumeDeps,
  { instanceId, assumedStep, report, contextUpdates }: ResumeRequest,
  call?: DecisionCall,
): Promise<ResumeResponse> {
  const request = report ? advanceRequest(report, contextUpdates) : undefined;
  if (!request && contextUpdates) checkSize("context_updates", contextUpdates, MAX_CONTEXT_BYTES);
  const instance = await deps.instance(instanceId);
  const definition = await deps.pinned.forRun(instance);
  const actual = instance.currentStep;
  if (FINISHED_STATUSES.has(instance.status)) {
    if (request) {
      // The report that finished the run, sent again (its answer was lost): answered as a retry.
      // Any other report is refused, as advance_workflow refuses it.
      return {
        ...await deps.advance(instanceId, request, call),
        reconciliation: reconciliation(
          assumedStep,
          actual,
          true,
          `Your report was already applied; the run ended with status ${instance.status}.`,
        ),
      };
    }
    if (contextUpdates) {
      throw new InstanceFinishedError(
        instanceId,
        instance.status,
        "its context can no longer change",
      );
    }
    const last = await deps.store.lastHistoryEntry(instanceId);
    const response = stepResponse(
      definition,
      instanceId,
      instance.status,
      FINISH,
      instance.context,
      {
        source: "resume",
        nextStep: FINISH,
        reasoning: last?.decision.reasoning,
      },
    );
    return {
      ...response,
      reconciliation: reconciliation(
        assumedStep,
        actual,
        assumedStep === FINISH,
        `The run already ended with status ${instance.status}; nothing was changed. ` +
          `Start a new run with start_workflow to do more.`,
      ),
    };
  }
  const suspended = instance.status === "SUSPENDED";
  if (assumedStep === actual && request && !suspended) {
    if (request.report.step_id !== actual) {
      throw new InvalidInputError(
        `report.step_id '${request.report.step_id}' differs from assumed_current_step_name ` +
          `'${assumedStep}'. A report must be about the step you assume is current.`,
      );
    }
    const advanced = await deps.advance(instanceId, request, call);
    return {
      ...advanced,
      reconciliation: reconciliation(
        assumedStep,
        actual,
        true,
        `Your step matches the server's; your report on '${actual}' was applied.`,
      ),
    };
  }
  const action = (suspended
    ? `The run was suspended; it is running again. ` +
      (report ? `Your report was recorded in the history but not applied: report again. ` : "")
    : "") +
    (assumedStep === actual
      ? `Your step matches the server's. Continue with '${actual}'.`
      : explainMismatch(definition, instance, assumedStep, report)) +
    (contextUpdates ? " Your context_updates were merged into the context." : "");
  const context = mergeContext(instance.context, contextUpdates);
  const decision: Decision = { source: "resume", nextStep: actual, reasoning: action };
  const response = stepResponse(definition, instanceId, "RUNNING", actual, context, decision);
  addDefinitionNotice(deps.definitions, response, instance);
  // A resume that only confirms the client's step is a read: recording it would bump the
  // version (failing a concurrent advance) and fill the history. Differences are recorded.
  const changes = assumedStep !== actual || contextUpdates !== undefined ||
    instance.status !== "RUNNING";
  if (changes) {
    await deps.store.applyTransition(
      instanceId,
      instance.version,
      { status: "RUNNING", currentStep: actual, context },
      historyEntry(assumedStep, decision, "RUNNING", { report, contextUpdates }),
    );
  }
  return {
    ...response,
    reconciliation: reconciliation(assumedStep, actual, assumedStep === actual, action),
  };
}
