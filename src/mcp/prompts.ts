/**
 * One MCP prompt per valid workflow, named like the workflow: it tells the client how to start the
 * run, with the workflow's declared inputs as prompt arguments. `prompts/list` and `prompts/get`
 * are answered from the current definitions on each request (as the `workflow://` listing is), so
 * the prompts follow the files on disk, and a request that arrives before the application has
 * loaded waits for it instead of seeing an empty list. The capability (with `listChanged`) is
 * declared before the server connects; the server sends `notifications/prompts/list_changed`
 * when the workflows change.
 *
 * @example
 * ```ts
 * registerWorkflowPrompts(server, app); // before server.connect(transport)
 * ```
 * @module
 */
import {
  type GetPromptResult,
  type McpServer,
  type Prompt,
  ProtocolError,
  ProtocolErrorCode,
} from "@modelcontextprotocol/server";
import type { Definitions, InputDefinition, WorkflowDefinition } from "../definitions/types.ts";
import { type JsonObject, jsonTypeOf, type JsonValue } from "../json.ts";
import type { LoadServed } from "./served.ts";

/** A prompt argument's value as it goes into the start context: typed inputs are parsed as JSON. */
function inputValue(input: InputDefinition, text: string): JsonValue {
  if (input.type === undefined || input.type === "string") return text;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text; // start_workflow reports the type mismatch with the input's name.
  }
}

/** The user message a prompt returns: what the workflow does and the exact start call. */
export function startMessage(
  definition: WorkflowDefinition,
  args: Record<string, unknown>,
): string {
  const context: JsonObject = {};
  for (const [key, input] of Object.entries(definition.inputs)) {
    const value = args[key];
    if (typeof value === "string" && value !== "") context[key] = inputValue(input, value);
  }
  const call = JSON.stringify({ workflow_name: definition.name, context });
  const steps = definition.steps.map((s) =>
    `- ${s.name}${s.description ? `: ${s.description}` : ""}`
  );
  return [
    `Run the orchestrator workflow ${definition.name} ("${definition.title}").`,
    "",
    definition.description,
    "",
    `Call the start_workflow tool with ${call}. Do what next_step.instructions say yourself, then ` +
    "call advance_workflow with the instance_id, report.step_id = the step_name you were given and " +
    "report.status (e.g. 'success' or 'failure'); put facts later steps need in context_updates. " +
    "Repeat until the status is COMPLETED or FAILED. Keep the instance_id: after an interruption, " +
    "call resume_workflow with it.",
    "",
    "Steps:",
    ...steps,
  ].join("\n");
}

/** Whether the prompt cannot be used without a value for `input`. */
function isRequired(input: InputDefinition): boolean {
  return input.required === true && input.default === undefined;
}

/** The listing of one workflow's prompt: its inputs become the prompt's arguments. */
function prompt(definition: WorkflowDefinition): Prompt {
  return {
    name: definition.name,
    title: `Start ${definition.title}`,
    description: definition.description || `Start the ${definition.name} workflow.`,
    arguments: Object.entries(definition.inputs).map(([key, input]) => {
      const hint = input.type && input.type !== "string" ? ` (${input.type}, as JSON)` : "";
      const fallback = input.default !== undefined
        ? ` Default: ${JSON.stringify(input.default)}.`
        : "";
      return {
        name: key,
        description: `${input.description ?? key}${hint}${fallback}`,
        required: isRequired(input),
      };
    }),
  };
}

/** The valid workflows, in listing order. */
function validWorkflows(definitions: Definitions): WorkflowDefinition[] {
  return definitions.list().flatMap((entry) => (entry.valid ? [entry.definition] : []));
}

/** The prompt `name` filled with `args`. */
function getPrompt(
  definitions: Definitions,
  name: string,
  args: Record<string, string>,
): GetPromptResult {
  const workflows = validWorkflows(definitions);
  const definition = workflows.find((d) => d.name === name);
  if (!definition) {
    throw new ProtocolError(
      ProtocolErrorCode.InvalidParams,
      `Prompt ${name} not found. Prompts (one per valid workflow): ` +
        `${workflows.map((d) => d.name).join(", ") || "none"}.`,
    );
  }
  const missing = Object.entries(definition.inputs)
    .filter(([key, input]) => isRequired(input) && args[key] === undefined)
    .map(([key]) => key);
  if (missing.length) {
    throw new ProtocolError(
      ProtocolErrorCode.InvalidParams,
      `Invalid arguments for prompt ${name}: missing required ${missing.join(", ")}.`,
    );
  }
  const mistyped = Object.entries(definition.inputs).flatMap(([key, input]) => {
    const text = args[key];
    if (!text || input.type === undefined) return [];
    return jsonTypeOf(inputValue(input, text)) === input.type ? [] : [
      `${key} must be ${
        input.type === "array" || input.type === "object" ? "an" : "a"
      } ${input.type} as JSON, got '${text}'`,
    ];
  });
  if (mistyped.length) {
    throw new ProtocolError(
      ProtocolErrorCode.InvalidParams,
      `Invalid arguments for prompt ${name}: ${mistyped.join("; ")}.`,
    );
  }
  return {
    description: prompt(definition).description,
    messages: [{ role: "user", content: { type: "text", text: startMessage(definition, args) } }],
  };
}

/**
 * Answer `prompts/list` and `prompts/get` on `server` with one prompt per valid workflow of `app`.
 * Call before the server connects: that is when the capability can be declared.
 */
export function registerWorkflowPrompts(server: McpServer, app: LoadServed): void {
  server.server.registerCapabilities({ prompts: { listChanged: true } });
  server.server.setRequestHandler("prompts/list", async () => ({
    prompts: validWorkflows((await app()).definitions).map(prompt),
  }));
  server.server.setRequestHandler(
    "prompts/get",
    async (request) =>
      getPrompt((await app()).definitions, request.params.name, request.params.arguments ?? {}),
  );
}
