/**
 * The prompt an LLM decision maker sends: only what the decision needs (goal, the current step's
 * guidance, candidate names with one-line descriptions, the report, the context, the last few
 * history entries) — never whole step files and never any step's client instructions.
 *
 * @example
 * ```ts
 * const { system, user } = buildPrompt(input);
 * const schema = decisionJsonSchema(input.workflow);
 * ```
 * @module
 */
import { FINISH, type WorkflowDefinition } from "../definitions/types.ts";
import type { HistoryEntry } from "../store/types.ts";
import { stepChoices } from "./step_name.ts";
import { DECISION_STATUSES, type DecisionInput } from "./types.ts";

/** Longest goal text sent (characters); longer goals are cut with a marker. */
const MAX_GOAL_CHARS = 3_000;
/** Longest guidance text sent (characters). */
const MAX_GUIDANCE_CHARS = 4_000;
/** Longest serialized report sent (characters). */
const MAX_REPORT_CHARS = 4_000;
/** Longest serialized context sent (characters): the context may hold up to 1 MB. */
const MAX_CONTEXT_CHARS = 8_000;
/** Longest report message quoted per history entry (characters). */
const MAX_HISTORY_MESSAGE_CHARS = 200;

/** The two parts of a decision prompt. */
export interface Prompt {
  /** Role and output rules (same for every decision of a workflow). */
  system: string;
  /** The facts of this decision. */
  user: string;
}

const SYSTEM =
  `You are the orchestrator of a multi-step workflow. A client (another AI agent) did the
current step and reported its outcome. Choose the step the client should do next.

Answer with one JSON object and nothing else:
{"next_step_name": string, "status": "RUNNING" | "COMPLETED" | "FAILED",
 "updated_context": object, "reasoning": string}
- next_step_name: exactly one of the candidate step names, or "FINISH" to end the run.
- status: "RUNNING" to continue with next_step_name; "COMPLETED" (with "FINISH") when the goal is
  reached; "FAILED" (with "FINISH") when it cannot be reached.
- updated_context: a JSON merge patch for the run's context ({} for no change; null deletes a key).
- reasoning: one or two sentences saying why.
Follow the current step's guidance.`;

function cut(text: string, limit: number): string {
  return text.length <= limit
    ? text
    : `${text.slice(0, limit)}\n…(truncated: ${text.length - limit} more characters)`;
}

function historyLine(entry: HistoryEntry): string {
  const reported = entry.report
    ? `reported '${entry.report.status}'${
      entry.report.message
        ? `: ${JSON.stringify(cut(entry.report.message, MAX_HISTORY_MESSAGE_CHARS))}`
        : ""
    }`
    : "started";
  return `- #${entry.seq} ${entry.step ?? "(start)"} ${reported} -> ${entry.decision.nextStep} ` +
    `(${entry.decision.source})`;
}

/** The system and user prompt for one decision. */
export function buildPrompt(input: DecisionInput): Prompt {
  const { workflow, currentStep, report, context, recentHistory } = input;
  const candidates = workflow.steps.map((s) =>
    `- ${s.name}${s.description ? `: ${s.description}` : ""}`
  );
  candidates.push(`- ${FINISH}: end the run (status COMPLETED or FAILED)`);
  const sections = [
    `# Workflow ${workflow.name}: ${workflow.title}`,
    `## Goal\n${cut(workflow.goal.trim() || workflow.description, MAX_GOAL_CHARS)}`,
    `## Current step: ${currentStep.name}\n### Guidance\n${
      cut(currentStep.guidance.trim(), MAX_GUIDANCE_CHARS)
    }`,
    `## Candidate next steps (in listed order)\n${candidates.join("\n")}`,
    `## Report on '${currentStep.name}'\n${cut(JSON.stringify(report), MAX_REPORT_CHARS)}`,
    `## Context\n${cut(JSON.stringify(context), MAX_CONTEXT_CHARS)}`,
  ];
  if (recentHistory.length) {
    sections.push(`## Recent history (oldest first)\n${recentHistory.map(historyLine).join("\n")}`);
  }
  return { system: SYSTEM, user: sections.join("\n\n") };
}

/**
 * The JSON Schema of a decision for `workflow` (structured output): `next_step_name` is limited to
 * the workflow's step names and FINISH. Plain JSON Schema without `additionalProperties`, accepted
 * by Gemini's `responseJsonSchema` and OpenAI-compatible `json_schema` response formats alike.
 */
export function decisionJsonSchema(workflow: WorkflowDefinition): Record<string, unknown> {
  return {
    type: "object",
    properties: {
      next_step_name: { type: "string", enum: stepChoices(workflow) },
      status: { type: "string", enum: [...DECISION_STATUSES] },
      updated_context: {
        type: "object",
        description: "JSON merge patch for the run's context; {} for no change.",
      },
      reasoning: { type: "string" },
    },
    required: ["next_step_name", "status", "updated_context", "reasoning"],
  };
}
