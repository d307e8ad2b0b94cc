/**
 * The MCP tools: each translates arguments into one engine call and the result into
 * `structuredContent` plus a short text rendering (for clients that read only text). Failures become
 * `isError` results whose text says what to do.
 * @module
 */
import type { McpServer, ServerContext } from "@modelcontextprotocol/server";
import type { z } from "zod";
import { InputRequiredError, OrchestratorError } from "../errors.ts";
import type { JsonObject } from "../json.ts";
import { log, redact } from "../log.ts";
import type { Report } from "../store/types.ts";
import { decisionCall } from "./decision_call.ts";
import howto from "./howto_create_workflow.md" with { type: "text" };
import { inputRequiredResult } from "./sampling.ts";
import { advertisedOnly, inputSchemas, outputSchemas } from "./schemas.ts";
import {
  historyText,
  instancesText,
  resumeText,
  statusText,
  stepText,
  workflowsText,
} from "./text.ts";
import type { LoadServed, Served } from "./served.ts";

type ToolName = keyof typeof inputSchemas;
type Input<N extends ToolName> = z.output<typeof inputSchemas[N]>;
type Output<N extends ToolName> = z.input<typeof outputSchemas[N]>;

interface ToolSpec<N extends ToolName> {
  title: string;
  description: string;
  readOnly: boolean;
  idempotent: boolean;
  destructive?: boolean;
  run: (app: Served, args: Input<N>, ctx: ServerContext) => Output<N> | Promise<Output<N>>;
  /** The short text rendering of a result (see text.ts). */
  text: (result: Output<N>) => string;
}

type ToolSpecs = { [N in ToolName]: ToolSpec<N> };

/** Text of a failed call: the error's own message for ours, a generic line for bugs. */
function errorText(error: unknown): string {
  if (error instanceof OrchestratorError) return error.message;
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return `Permission denied: ${(error as Error).message}`;
  }
  log.error(`internal error: ${error instanceof Error ? error.stack : String(error)}`);
  return `Internal error: ${error instanceof Error ? error.message : String(error)}. ` +
    `The server log (stderr) has the details; call get_workflow_status before retrying.`;
}

/**
 * The `debug` line of one tool call: the tool, the run it concerned (from the arguments, or the
 * result of a start), how it ended (`ok`, `error` with the error's code, `input_required`) and how
 * long it took.
 */
function logToolCall(
  tool: string,
  args: unknown,
  end: { result?: unknown; outcome: string; error?: string },
  started: number,
): void {
  const idOf = (value: unknown) => {
    const id = (value as { instance_id?: unknown } | undefined)?.instance_id;
    return typeof id === "string" ? id : undefined;
  };
  log.debug("tool call", {
    tool,
    instance: idOf(args) ?? idOf(end.result),
    outcome: end.outcome,
    error: end.error,
    duration_ms: Math.round(performance.now() - started),
  });
}

function page<T>(items: T[], total: number, offset: number, limit: number) {
  return {
    total,
    offset,
    limit,
    ...(offset + items.length < total ? { next_offset: offset + items.length } : {}),
  };
}

function specs(server: McpServer): ToolSpecs {
  return {
    list_workflows: {
      title: "List workflows",
      description: "List the workflows this server can run, with their description and step " +
        "names. Invalid workflows are listed with valid=false and the errors to fix. Call this " +
        "first to choose a workflow_name for start_workflow.",
      readOnly: true,
      idempotent: true,
      run: ({ definitions }) => ({
        workflows: definitions.list().map((entry) =>
          entry.valid
            ? {
              name: entry.name,
              description: entry.definition.description,
              steps: entry.definition.steps.map((s) => s.name),
              valid: true,
            }
            : {
              name: entry.name,
              description: entry.description,
              steps: entry.steps,
              valid: false,
              errors: entry.errors,
            }
        ),
      }),
      text: workflowsText,
    },
    start_workflow: {
      title: "Start a workflow",
      description: "Start a new run of a workflow. Returns instance_id and next_step: do what " +
        "next_step.instructions say, then call advance_workflow with a report whose step_id is " +
        "next_step.step_name. Keep the instance_id: it is how you continue or resume the run.",
      readOnly: false,
      idempotent: false,
      run: ({ engine }, args) =>
        engine.start(args.workflow_name, (args.context ?? {}) as JsonObject, args.request_id),
      text: stepText,
    },
    get_workflow_status: {
      title: "Get run status",
      description: "The persisted state of a run: status, current step, context and how many " +
        "steps were recorded. Read-only.",
      readOnly: true,
      idempotent: true,
      run: ({ engine }, args) => engine.status(args.instance_id),
      text: statusText,
    },
    advance_workflow: {
      title: "Report a step and get the next",
      description: "Report the outcome of the current step and receive the next step's " +
        "instructions (or FINISH with status COMPLETED/FAILED when the run ends). report.step_id " +
        "must be the current step's name; report.status is usually 'success' or 'failure'. Put " +
        "facts later steps need in context_updates (a JSON merge patch). Retrying the identical " +
        "call returns the same answer.",
      readOnly: false,
      idempotent: true,
      run: ({ engine }, args, ctx) =>
        engine.advance(
          args.instance_id,
          args.report as Report,
          args.context_updates as JsonObject | undefined,
          decisionCall(server, ctx),
        ),
      text: stepText,
    },
    resume_workflow: {
      title: "Resume a run",
      description: "Continue a run after an interruption (new conversation, restart). Give the " +
        "step you believe is current; the server compares it with the persisted state, explains " +
        "any difference in 'reconciliation', and returns the step to work on. A report is applied " +
        "only when your step matches the server's.",
      readOnly: false,
      idempotent: false,
      run: ({ engine }, args, ctx) =>
        engine.resume(
          args.instance_id,
          args.assumed_current_step_name,
          args.report as Report | undefined,
          args.context_updates as JsonObject | undefined,
          decisionCall(server, ctx),
        ),
      text: resumeText,
    },
    get_howto_create_workflow_content: {
      title: "How to write a workflow",
      description: "The guide to authoring a workflow folder (index.md, step files, routes, " +
        "includes, placeholders), with a complete example. Read it before creating a workflow.",
      readOnly: true,
      idempotent: true,
      run: () => ({ content: howto }),
      text: (result) => result.content,
    },
    list_instances: {
      title: "List runs",
      description:
        "List workflow runs, most recently started first, optionally only one workflow's or one " +
        "status's (RUNNING, SUSPENDED, COMPLETED, FAILED, CANCELLED). Paginated: pass next_offset " +
        "as offset for the next page.",
      readOnly: true,
      idempotent: true,
      run: async ({ engine }, args) => {
        const { instances, total } = await engine.listInstances({
          workflowName: args.workflow_name,
          status: args.status,
          limit: args.limit,
          offset: args.offset,
        });
        return { instances, ...page(instances, total, args.offset, args.limit) };
      },
      text: instancesText,
    },
    cancel_workflow: {
      title: "Cancel a run",
      description: "End a running workflow as CANCELLED. It then accepts no more reports. Use " +
        "when the user abandons the task.",
      readOnly: false,
      idempotent: false,
      destructive: true,
      run: ({ engine }, args) => engine.cancel(args.instance_id, args.reason),
      text: statusText,
    },
    suspend_workflow: {
      title: "Suspend a run",
      description: "Pause a running workflow as SUSPENDED: it keeps its step and context but " +
        "refuses reports (from any client) until resume_workflow continues it. Use when the " +
        "user wants to stop for now and come back later, or to keep other agents off the run.",
      readOnly: false,
      idempotent: true,
      run: ({ engine }, args) => engine.suspend(args.instance_id, args.reason),
      text: statusText,
    },
    get_workflow_history: {
      title: "Get run history",
      description: "Every recorded step of a run, oldest first: the report received, the " +
        "context updates, and who decided the next step (declared route, AI, start, resume; " +
        "an AI decision with model 'stub' was made by the stub, no AI) with its reasoning. " +
        "Paginated.",
      readOnly: true,
      idempotent: true,
      run: async ({ engine }, args) => {
        const { entries, total } = await engine.history(args.instance_id, args);
        return {
          instance_id: args.instance_id,
          entries,
          ...page(entries, total, args.offset, args.limit),
        };
      },
      text: historyText,
    },
  };
}

/**
 * Register every tool on `server` (before it connects: the schemas need nothing loaded); each call
 * waits for `app`.
 */
export function registerTools(server: McpServer, app: LoadServed): void {
  for (const [name, spec] of Object.entries(specs(server))) {
    const tool = spec as ToolSpec<ToolName>;
    server.registerTool(
      name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: inputSchemas[name as ToolName],
        outputSchema: advertisedOnly(outputSchemas[name as ToolName]),
        annotations: {
          title: tool.title,
          readOnlyHint: tool.readOnly,
          idempotentHint: tool.idempotent,
          destructiveHint: tool.destructive ?? false,
          openWorldHint: false,
        },
      },
      async (args: unknown, ctx: ServerContext) => {
        const started = performance.now();
        const logCall = (outcome: string, result?: unknown, error?: string) =>
          logToolCall(name, args, { result, outcome, error }, started);
        try {
          const result = await tool.run(await app(), args as Input<ToolName>, ctx);
          logCall("ok", result);
          return {
            content: [{ type: "text" as const, text: tool.text(result) }],
            structuredContent: result as Record<string, unknown>,
          };
        } catch (error) {
          // A 2026-07-28 client's model must answer first: it repeats the call with the answer.
          if (error instanceof InputRequiredError) {
            logCall("input_required");
            return await inputRequiredResult(error, ctx);
          }
          logCall("error", undefined, error instanceof OrchestratorError ? error.code : "INTERNAL");
          const text = redact(errorText(error));
          return { content: [{ type: "text" as const, text }], isError: true };
        }
      },
    );
  }
}
