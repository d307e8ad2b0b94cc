/**
 * An AI decision on where a run goes next: the decision maker is asked with the run's recent
 * history, its chosen step name is checked strictly against the workflow, and its context update
 * is shape- and size-checked before it is merged. Nothing is written here.
 *
 * @example
 * ```ts
 * import { decideNext } from "./decide_next.ts";
 * const decided = await decideNext({ decider, store }, { instance, definition, step, report, context });
 * ```
 * @module
 */
import { resolveStepName } from "../decide/step_name.ts";
import type { DecisionCall, DecisionMaker } from "../decide/types.ts";
import { FINISH, type StepDefinition, type WorkflowDefinition } from "../definitions/types.ts";
import { DecisionError } from "../errors.ts";
import type { JsonObject } from "../json.ts";
import type { Decision, Instance, InstanceStatus, Report, Store } from "../store/types.ts";
import { checkJsonShape, mergeContext } from "./limits.ts";

/** How many recent history entries a decision maker sees. */
const HISTORY_WINDOW = 5;

/** Where a run goes next, and why. */
export interface Decided {
  nextStep: string;
  status: InstanceStatus;
  context: JsonObject;
  decision: Decision;
}

/** What the decision is about: the run, its definition and step, the report and merged context. */
export interface DecisionSubject {
  instance: Instance;
  definition: WorkflowDefinition;
  step: StepDefinition;
  report: Report;
  context: JsonObject;
}

/**
 * Ask `decider` where the run goes next.
 * @throws {DecisionError} the decision maker failed, chose no step of the workflow, or sent an
 * unusable context update (the run is unchanged; the call can be retried)
 */
export async function decideNext(
  { decider, store }: { decider: DecisionMaker; store: Store },
  { instance, definition, step, report, context }: DecisionSubject,
  call?: DecisionCall,
): Promise<Decided> {
  const started = performance.now();
  const recentHistory = await store.recentHistory(instance.id, HISTORY_WINDOW);
  const output = await decider.decide(
    { workflow: definition, currentStep: step, report, context, recentHistory },
    call,
  );
  const resolved = resolveStepName(definition, output.nextStepName);
  if (resolved === undefined) {
    throw new DecisionError(
      `The ${decider.name} decision maker chose '${output.nextStepName}', which is not a ` +
        `step of workflow '${definition.name}'. Nothing was changed; retry the call.`,
    );
  }
  const finished = resolved === FINISH || output.status !== "RUNNING";
  const nextStep = finished ? FINISH : resolved;
  const status: InstanceStatus = finished
    ? (output.status === "FAILED" ? "FAILED" : "COMPLETED")
    : "RUNNING";
  let updated: JsonObject;
  try {
    // Shape first: merging a pathologically deep answer would overflow the stack.
    checkJsonShape("updated_context", output.updatedContext);
    updated = mergeContext(context, output.updatedContext);
  } catch (error) {
    throw new DecisionError(
      `The ${decider.name} decision maker's updated_context was refused: ` +
        `${(error as Error).message} Nothing was changed; retry the call.`,
    );
  }
  return {
    nextStep,
    status,
    context: updated,
    decision: {
      source: "ai",
      nextStep,
      reasoning: output.reasoning,
      model: output.model,
      tokensIn: output.tokensIn,
      tokensOut: output.tokensOut,
      latencyMs: Math.round(performance.now() - started),
    },
  };
}
