/**
 * Strict matching of a step name chosen by a decision maker against the workflow's steps.
 *
 * @example
 * ```ts
 * resolveStepName(definition, "Write Tests"); // "write_tests" when that is the only loose match
 * ```
 * @module
 */
import { FINISH, type WorkflowDefinition } from "../definitions/types.ts";

const loose = (name: string): string => name.toLowerCase().replace(/[\s_-]+/g, "");

/** The names a decision may choose for `workflow`: its step names in listed order, then FINISH. */
export function stepChoices(workflow: WorkflowDefinition): string[] {
  return [...workflow.steps.map((s) => s.name), FINISH];
}

/**
 * The workflow step (or FINISH) named `candidate`: an exact match, else the single step whose name
 * matches ignoring case, spaces, `_` and `-`. `undefined` when there is none or it is ambiguous.
 */
export function resolveStepName(
  definition: WorkflowDefinition,
  candidate: string,
): string | undefined {
  const names = stepChoices(definition);
  if (names.includes(candidate)) return candidate;
  const matches = names.filter((n) => loose(n) === loose(candidate));
  return matches.length === 1 ? matches[0] : undefined;
}
