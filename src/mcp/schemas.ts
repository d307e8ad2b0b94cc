/**
 * Zod schemas of every tool's input and output. Inputs accept the seed's `{"input_data": {...}}`
 * wrapper as well as the flat form; outputs keep the seed's field names.
 * @module
 */
import { z } from "zod";
import { checkJsonShape } from "../engine/limits.ts";
import {
  DECISION_SOURCES,
  DEFAULT_PAGE_SIZE,
  INSTANCE_STATUSES,
  MAX_PAGE_SIZE,
} from "../store/types.ts";

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Accept `{input_data: {...}}` (seed clients) as well as the flat arguments. */
function withInputData<T extends z.ZodType>(schema: T): T {
  return z.preprocess(
    (v) =>
      isPlainObject(v) && Object.keys(v).length === 1 && isPlainObject(v.input_data)
        ? v.input_data
        : v,
    schema,
  ) as unknown as T;
}

const instanceId = z.string().min(1).max(100).describe(
  "The instance_id returned by start_workflow.",
);
const contextObject = z.record(z.string(), z.unknown());

/**
 * A JSON object the client sends (`what` names it in errors). Its shape is checked before the
 * record parse, which would silently drop a top-level `__proto__` key (it assigns keys to a
 * plain object): refused here with the same error the engine gives for a nested one.
 */
const clientObject = (what: string) =>
  z.preprocess((value) => {
    checkJsonShape(what, value);
    return value;
  }, contextObject);

const pageFields = {
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE).describe(
    `Page size (1-${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}).`,
  ),
  offset: z.number().int().min(0).default(0).describe("Rows to skip (default 0)."),
};

/** The client's report on the step it just worked on. */
export const reportSchema = z.object({
  step_id: z.string().min(1).max(500).describe(
    "Name of the step this report is about: the step_name you were given.",
  ),
  status: z.string().min(1).max(200).describe(
    "Outcome, free text matched exactly by the workflow's routes: usually 'success' or 'failure'; " +
      "also e.g. 'data_provided', 'needs_clarification'. 'FINISH' ends the run as COMPLETED " +
      "(unless the step's `on:` routes the status FINISH elsewhere).",
  ),
  result: z.unknown().optional().describe("What the step produced (any JSON)."),
  message: z.string().max(100_000).optional().describe("A short human-readable summary."),
  details: z.unknown().optional().describe("Extra structured details (any JSON)."),
  error: z.unknown().optional().describe("What went wrong, when status is a failure."),
});

/** Inputs of every tool, by tool name. */
export const inputSchemas = {
  list_workflows: withInputData(z.object({})),
  start_workflow: withInputData(z.object({
    workflow_name: z.string().min(1).max(200).describe("A workflow name from list_workflows."),
    context: clientObject("The context").optional().describe(
      "Initial context: values the workflow's steps may use (see its declared inputs).",
    ),
    request_id: z.string().min(1).max(200).optional().describe(
      "Optional key you choose (e.g. a new UUID per intended run) that makes the start safe to " +
        "repeat: start_workflow again with the same request_id and arguments (say, after a lost " +
        "answer) returns the run the first call started instead of a second run.",
    ),
  })),
  get_workflow_status: withInputData(z.object({ instance_id: instanceId })),
  advance_workflow: withInputData(z.object({
    instance_id: instanceId,
    report: reportSchema,
    context_updates: clientObject("context_updates").optional().describe(
      "JSON merge patch (RFC 7396) applied to the context: nested objects merge, null deletes a key.",
    ),
  })),
  resume_workflow: withInputData(z.object({
    instance_id: instanceId,
    assumed_current_step_name: z.string().min(1).max(500).describe(
      "The step you believe is current (from your notes or last response).",
    ),
    report: reportSchema.optional().describe(
      "Your report on that step, if you finished it; applied only if the server agrees it is current.",
    ),
    context_updates: clientObject("context_updates").optional().describe(
      "JSON merge patch applied to the context.",
    ),
  })),
  get_howto_create_workflow_content: withInputData(z.object({})),
  list_instances: withInputData(z.object({
    workflow_name: z.string().min(1).max(200).optional().describe("Only runs of this workflow."),
    status: z.enum(INSTANCE_STATUSES).optional().describe("Only runs with this status."),
    ...pageFields,
  })),
  cancel_workflow: withInputData(z.object({
    instance_id: instanceId,
    reason: z.string().max(10_000).optional().describe(
      "Why the run is cancelled (kept in history).",
    ),
  })),
  suspend_workflow: withInputData(z.object({
    instance_id: instanceId,
    reason: z.string().max(10_000).optional().describe(
      "Why the run is paused (kept in history).",
    ),
  })),
  get_workflow_history: withInputData(z.object({ instance_id: instanceId, ...pageFields })),
};

const decisionOut = z.object({
  source: z.enum(DECISION_SOURCES),
  reasoning: z.string().optional(),
  model: z.string().optional(),
});

/** `StepResponse`: the step the client should work on next. */
export const stepResponseSchema = z.object({
  instance_id: z.string(),
  workflow_name: z.string(),
  status: z.enum(INSTANCE_STATUSES),
  next_step: z.object({ step_name: z.string(), instructions: z.string() }),
  current_context: contextObject,
  decision: decisionOut,
  definition_notice: z.string().optional(),
});

/** One instance's persisted state. */
export const statusSchema = z.object({
  instance_id: z.string(),
  workflow_name: z.string(),
  status: z.enum(INSTANCE_STATUSES),
  current_step_name: z.string(),
  context: contextObject,
  history_length: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
  completed_at: z.string().nullable(),
});

const pageOut = {
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  next_offset: z.number().int().optional(),
};

/** Outputs of every tool, by tool name. */
export const outputSchemas = {
  list_workflows: z.object({
    workflows: z.array(z.object({
      name: z.string(),
      description: z.string(),
      steps: z.array(z.string()),
      valid: z.boolean(),
      errors: z.array(z.object({
        file: z.string(),
        line: z.number().int().optional(),
        message: z.string(),
      })).optional(),
    })),
  }),
  start_workflow: stepResponseSchema,
  get_workflow_status: statusSchema,
  advance_workflow: stepResponseSchema,
  resume_workflow: stepResponseSchema.extend({
    reconciliation: z.object({
      assumed_step: z.string(),
      actual_step: z.string(),
      matched: z.boolean(),
      action: z.string(),
    }),
  }),
  get_howto_create_workflow_content: z.object({ content: z.string() }),
  list_instances: z.object({ instances: z.array(statusSchema), ...pageOut }),
  cancel_workflow: statusSchema,
  suspend_workflow: statusSchema,
  get_workflow_history: z.object({
    instance_id: z.string(),
    entries: z.array(z.object({
      seq: z.number().int(),
      step_name: z.string().nullable(),
      report: reportSchema.nullable(),
      context_updates: contextObject.nullable(),
      decision: z.object({
        source: z.enum(DECISION_SOURCES),
        next_step: z.string(),
        reasoning: z.string().optional(),
        model: z.string().optional(),
        tokens_in: z.number().optional(),
        tokens_out: z.number().optional(),
        latency_ms: z.number().optional(),
      }),
      status_after: z.enum(INSTANCE_STATUSES),
      created_at: z.string(),
    })),
    ...pageOut,
  }),
};

/**
 * `schema` as a tool's output schema that the SDK advertises in `tools/list` (the same JSON
 * Schema) but does not check each result against: our results are built by typed code from
 * these very types, and checking every answer with zod was a tenth of an advance's time.
 * Clients still validate what they receive against the advertised schema.
 */
export function advertisedOnly<T extends z.ZodType>(schema: T): T {
  const standard = schema["~standard"];
  return {
    "~standard": {
      version: standard.version,
      vendor: "orchestrator",
      validate: (value: unknown) => ({ value }),
      jsonSchema: standard.jsonSchema,
    },
  } as unknown as T;
}
