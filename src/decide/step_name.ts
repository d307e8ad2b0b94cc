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

/**
 * The workflow step (or FINISH) named `candidate`: an exact match, else the single step whose name
 * matches ignoring case, spaces, `_` and `-`. `undefined` when there is none or it is ambiguous.
 */
export function resolveStepName(
  definition: WorkflowDefinition,
  candidate: string,
): string | undefined {
  const names = [...definition.steps.map((s) => s.name), FINISH];
  if (names.includes(candidate)) return candidate;
  const matches = names.filter((n) => loose(n) === loose(candidate));
  return matches.length === 1 ? matches[0] : undefined;
}
