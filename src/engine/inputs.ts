/**
 * Declared workflow inputs (index front matter `inputs`): defaults, required keys and types,
 * checked when a run starts.
 *
 * @example
 * ```ts
 * applyInputs(definition, { issue_id: 42 }); // context with defaults filled in
 * ```
 * @module
 */
import type { WorkflowDefinition } from "../definitions/types.ts";
import { InvalidInputError } from "../errors.ts";
import { type JsonObject, jsonTypeOf, type JsonValue } from "../json.ts";

/**
 * The starting context: the given context plus defaults of declared inputs.
 * @throws {InvalidInputError} a required input is missing or a value has the wrong type
 */
export function applyInputs(definition: WorkflowDefinition, context: JsonObject): JsonObject {
  const result: JsonObject = { ...context };
  const problems: string[] = [];
  for (const [key, input] of Object.entries(definition.inputs)) {
    if (!Object.hasOwn(result, key) && input.default !== undefined) {
      result[key] = structuredClone(input.default) as JsonValue;
    }
    const value = result[key];
    if (value === undefined) {
      if (input.required) {
        problems.push(
          `missing required input '${key}'${input.description ? ` (${input.description})` : ""}`,
        );
      }
    } else if (input.type && jsonTypeOf(value) !== input.type) {
      problems.push(`input '${key}' must be of type ${input.type}, got ${jsonTypeOf(value)}`);
    }
  }
  if (problems.length) {
    throw new InvalidInputError(
      `Cannot start workflow '${definition.name}': ${problems.join("; ")}. ` +
        `Pass them in start_workflow's context, e.g. {"context": {"${
          Object.keys(definition.inputs)[0]
        }": ...}}.`,
    );
  }
  return result;
}
