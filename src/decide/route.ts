/**
 * Declared routes: the step's own front matter decides, no LLM involved.
 *
 * @example
 * ```ts
 * declaredRoute({ ...step, on: { failure: "revert" } }, "failure"); // "revert"
 * declaredRoute({ ...step, next: "deploy" }, "FINISH"); // "FINISH"
 * ```
 * @module
 */
import { FINISH, type StepDefinition } from "../definitions/types.ts";

/**
 * The next step a step declares for a reported status, or `undefined` when the decision is left to
 * the decision maker. `on[status]` wins; then a report status `FINISH` ends the run (the client
 * asked to, and `next` describes the way onward, not a refusal to stop); then `next`; `terminal`
 * means FINISH.
 */
export function declaredRoute(step: StepDefinition, reportStatus: string): string | undefined {
  if (Object.hasOwn(step.on, reportStatus)) return step.on[reportStatus];
  if (reportStatus === FINISH) return FINISH;
  if (step.next !== undefined) return step.next;
  if (step.terminal) return FINISH;
  return undefined;
}
