/**
 * The deterministic decision maker used for tests and demos (`AI_PROVIDER=stub` or the seed switch
 * `USE_STUB_AI_CLIENT`). It never calls a network.
 * @module
 */
import { FINISH } from "../definitions/types.ts";
import { declaredRoute } from "./route.ts";
import type { DecisionInput, DecisionMaker, DecisionOutput } from "./types.ts";

/** The `model` the stub records on its decisions: how a reader tells them from an AI's. */
export const STUB_MODEL = "stub";

/**
 * Follows declared routes (a `FINISH` report is one: it completes the run), then the listed order
 * (after the last step: FINISH). A `failure` report ends the run as FAILED unless a route says
 * otherwise.
 */
export class StubDecisionMaker implements DecisionMaker {
  readonly name = "stub";

  decide({ workflow, currentStep, report }: DecisionInput): Promise<DecisionOutput> {
    const decided = (
      nextStepName: string,
      reasoning: string,
      status: DecisionOutput["status"] = nextStepName === FINISH ? "COMPLETED" : "RUNNING",
    ): Promise<DecisionOutput> =>
      Promise.resolve({
        nextStepName,
        status,
        updatedContext: {},
        reasoning,
        model: STUB_MODEL,
        tokensIn: 0,
        tokensOut: 0,
      });
    const routed = declaredRoute(currentStep, report.status);
    if (routed !== undefined) return decided(routed, `Declared route for '${report.status}'.`);
    if (report.status === "failure") {
      return decided(
        FINISH,
        `Step '${currentStep.name}' reported failure and declares no route for it.`,
        "FAILED",
      );
    }
    const index = workflow.steps.findIndex((s) => s.name === currentStep.name);
    const following = workflow.steps[index + 1];
    return following
      ? decided(following.name, `Next step in listed order after '${currentStep.name}'.`)
      : decided(FINISH, `'${currentStep.name}' is the last listed step.`);
  }
}
