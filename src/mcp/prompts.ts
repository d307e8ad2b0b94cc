/**
 * One MCP prompt per valid workflow, named like the workflow: it tells the client how to start the
 * run, with the workflow's declared inputs as prompt arguments. The set follows the files on disk:
 * `sync()` registers new workflows, updates changed ones and removes deleted or broken ones (the
 * SDK then sends `notifications/prompts/list_changed`).
 *
 * @example
 * ```ts
 * const prompts = registerWorkflowPrompts(server, definitions);
 * definitions.onChange?.(() => prompts.sync());
 * ```
 * @module
 */
import type { McpServer, RegisteredPrompt } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { InputDefinition, WorkflowDefinition } from "../definitions/types.ts";
import type { Definitions } from "../definitions/types.ts";
import type { JsonObject, JsonValue } from "../json.ts";
import { log } from "../log.ts";

/** The live prompt catalog. */
export interface WorkflowPrompts {
  /** Bring the prompts in line with the current definitions; true when any workflow changed. */
  sync(): boolean;
}

/** A prompt argument's value as it goes into the start context: typed inputs are parsed as JSON. */
function inputValue(input: InputDefinition, text: string): JsonValue {
  if (input.type === undefined || input.type === "string") return text;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text; // start_workflow reports the type mismatch with the input's name.
  }
}

function argsSchema(definition: WorkflowDefinition) {
  const shape: Record<string, z.ZodType<string | undefined>> = {};
  for (const [key, input] of Object.entries(definition.inputs)) {
    const hint = input.type && input.type !== "string" ? ` (${input.type}, as JSON)` : "";
    const fallback = input.default !== undefined
      ? ` Default: ${JSON.stringify(input.default)}.`
      : "";
    const described = z.string().describe(`${input.description ?? key}${hint}${fallback}`);
    shape[key] = input.required && input.default === undefined ? described : described.optional();
  }
  return z.object(shape);
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

function describe(definition: WorkflowDefinition): { title: string; description: string } {
  return {
    title: `Start ${definition.title}`,
    description: definition.description || `Start the ${definition.name} workflow.`,
  };
}

/** Register a prompt per valid workflow on `server` (before it connects) and return the catalog. */
export function registerWorkflowPrompts(
  server: McpServer,
  definitions: Definitions,
): WorkflowPrompts {
  const registered = new Map<string, { hash: string; prompt: RegisteredPrompt }>();
  let lastSignature = "";
  // Advertise the prompts capability even when no workflow is valid yet: capabilities cannot be
  // added after connecting, and a workflow may become valid later.
  server.registerPrompt("_init", { description: "" }, () => ({ messages: [] })).remove();

  const callback = (definition: WorkflowDefinition) => (args: Record<string, unknown>) => ({
    description: describe(definition).description,
    messages: [{
      role: "user" as const,
      content: { type: "text" as const, text: startMessage(definition, args) },
    }],
  });

  const sync = (): boolean => {
    const entries = definitions.list();
    const valid = new Map(entries.flatMap((e) => (e.valid ? [[e.name, e.definition]] : [])));
    for (const [name, { prompt }] of registered) {
      if (valid.has(name)) continue;
      prompt.remove();
      registered.delete(name);
    }
    for (const definition of valid.values()) {
      const current = registered.get(definition.name);
      if (current?.hash === definition.hash) continue;
      const config = { ...describe(definition), argsSchema: argsSchema(definition) };
      if (current) {
        current.prompt.update({ ...config, callback: callback(definition) });
        current.hash = definition.hash;
      } else {
        const prompt = server.registerPrompt(definition.name, config, callback(definition));
        registered.set(definition.name, { hash: definition.hash, prompt });
      }
    }
    const signature = entries
      .map((e) => `${e.name}:${e.valid ? e.definition.hash : JSON.stringify(e.errors)}`)
      .join("\n");
    const changed = signature !== lastSignature;
    lastSignature = signature;
    return changed;
  };

  sync();
  return {
    sync() {
      try {
        return sync();
      } catch (error) {
        log.error(`could not refresh the workflow prompts: ${(error as Error).message}`);
        return false;
      }
    },
  };
}
