/**
 * Rendering of what the client sees: `{{context.key}}` placeholders and the instructions for the
 * next step (including the FINISH pseudo-step).
 *
 * @example
 * ```ts
 * renderPlaceholders("Fix {{context.issue.id}}", { issue: { id: 42 } }); // "Fix 42"
 * ```
 * @module
 */
import { FINISH, type WorkflowDefinition } from "../definitions/types.ts";
import type { JsonObject, JsonValue } from "../json.ts";
import type { InstanceStatus } from "../store/types.ts";

/** A `{{context.key}}` placeholder (dotted paths allowed); group 1 is the key path. */
export const PLACEHOLDER = /\{\{\s*context\.([A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*)\s*\}\}/g;

function lookup(context: JsonObject, path: string): JsonValue | undefined {
  let value: JsonValue | undefined = context;
  for (const key of path.split(".")) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    value = Object.hasOwn(value, key) ? value[key] : undefined;
  }
  return value;
}

/**
 * Replace `{{context.key}}` (dotted paths allowed) with the context value: strings as they are,
 * other values as JSON. Unknown keys stay as written so the client sees what was expected.
 */
export function renderPlaceholders(text: string, context: JsonObject): string {
  return text.replace(PLACEHOLDER, (whole, path: string) => {
    const value = lookup(context, path);
    if (value === undefined) return whole;
    return typeof value === "string" ? value : JSON.stringify(value);
  });
}

/** The default completion text when the workflow has no FINISH step. */
export const COMPLETED_TEXT = "Workflow completed.";

/**
 * The instructions for `stepName`: a step's client instructions, the FINISH step's text on
 * completion, or a short explanation when the run ended otherwise.
 */
export function instructionsFor(
  definition: WorkflowDefinition,
  stepName: string,
  status: InstanceStatus,
  context: JsonObject,
  reasoning?: string,
): string {
  if (stepName !== FINISH) {
    const step = definition.steps.find((s) => s.name === stepName);
    return step ? renderPlaceholders(step.instructions, context) : "";
  }
  if (status === "COMPLETED") {
    return definition.finish
      ? renderPlaceholders(definition.finish.instructions, context)
      : COMPLETED_TEXT;
  }
  return `Workflow ended with status ${status}.${reasoning ? ` ${reasoning}` : ""}`;
}
