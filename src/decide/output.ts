/**
 * Parsing a model's answer into a `DecisionOutput`: JSON (optionally inside a Markdown code fence),
 * the zod schema, and a step name that resolves strictly to a step of the workflow.
 *
 * @example
 * ```ts
 * parseDecision('{"next_step_name":"write_tests","status":"RUNNING",…}', workflow);
 * ```
 * @module
 */
import { z } from "zod";
import type { WorkflowDefinition } from "../definitions/types.ts";
import type { JsonObject } from "../json.ts";
import { resolveStepName, stepChoices } from "./step_name.ts";
import { DECISION_STATUSES, type DecisionOutput } from "./types.ts";

const answerSchema = z.object({
  next_step_name: z.string().min(1),
  status: z.enum(DECISION_STATUSES),
  updated_context: z.record(z.string(), z.unknown()).nullish(),
  reasoning: z.string().default(""),
});

/** The model's answer was unusable; `message` is written to be fed back to the model. */
export class InvalidAnswerError extends Error {}

/** The JSON text of an answer: the answer itself, or the body of a ```json fence around it. */
function jsonText(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/i.exec(text);
  return (fenced?.[1] ?? text).trim();
}

/**
 * The decision in `text` with its step name resolved against `workflow`.
 * @throws {InvalidAnswerError} not JSON, not the decision shape, or not a step of the workflow
 */
export function parseDecision(
  text: string,
  workflow: WorkflowDefinition,
): Pick<DecisionOutput, "nextStepName" | "status" | "updatedContext" | "reasoning"> {
  let json: unknown;
  try {
    json = JSON.parse(jsonText(text));
  } catch (error) {
    throw new InvalidAnswerError(
      `The answer is not valid JSON (${
        (error as Error).message
      }). Answer with only the JSON object.`,
    );
  }
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) =>
      `${i.path.join(".") || "(root)"}: ${i.message}`
    );
    throw new InvalidAnswerError(
      `The JSON does not match the decision schema: ${problems.join("; ")}.`,
    );
  }
  const answer = parsed.data;
  const name = resolveStepName(workflow, answer.next_step_name);
  if (name === undefined) {
    throw new InvalidAnswerError(
      `next_step_name '${answer.next_step_name}' is not a step of workflow '${workflow.name}'. ` +
        `Use exactly one of: ${stepChoices(workflow).join(", ")}.`,
    );
  }
  return {
    nextStepName: name,
    status: answer.status,
    updatedContext: (answer.updated_context ?? {}) as JsonObject,
    reasoning: answer.reasoning,
  };
}
