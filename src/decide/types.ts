/**
 * The contract every decision maker (stub, Gemini, OpenAI-compatible, MCP sampling) implements.
 * @module
 */
import type { StepDefinition, WorkflowDefinition } from "../definitions/types.ts";
import type { JsonObject } from "../json.ts";
import type { HistoryEntry, Report } from "../store/types.ts";

/** Everything a decision may depend on. */
export interface DecisionInput {
  workflow: WorkflowDefinition;
  /** The step the report is about. */
  currentStep: StepDefinition;
  report: Report;
  /** Context after the client's `context_updates` were merged. */
  context: JsonObject;
  /** The last few history entries, oldest first. */
  recentHistory: HistoryEntry[];
}

/** The run statuses a decision may set. */
export const DECISION_STATUSES = ["RUNNING", "COMPLETED", "FAILED"] as const;

/** A validated decision: where to go next and with what context changes. */
export interface DecisionOutput {
  /** A step name of the workflow, or "FINISH". */
  nextStepName: string;
  status: (typeof DECISION_STATUSES)[number];
  /** Merge patch applied to the context. */
  updatedContext: JsonObject;
  reasoning: string;
  model?: string;
  tokensIn?: number;
  tokensOut?: number;
}

/** One turn of a conversation with a model. */
export interface ChatMessage {
  role: "user" | "assistant";
  text: string;
}

/** A request to the connected client's own model (MCP sampling). */
export interface SampleRequest {
  system: string;
  messages: ChatMessage[];
  maxTokens: number;
  /** How long the client may take (`AI_REQUEST_TIMEOUT_MS`). */
  timeoutMs: number;
}

/** The client model's answer to a `SampleRequest`. */
export interface SampleAnswer {
  text: string;
  model?: string;
}

/** Per-call facilities of the request a decision serves. */
export interface DecisionCall {
  /** Aborted when the client cancels the request. */
  signal?: AbortSignal;
  /** Tell the client what the decision is doing (absent when it asked for no progress). */
  progress?: (message: string) => void;
  /**
   * Ask the client's model (absent when the client did not declare the sampling capability). It
   * may throw `InputRequiredError` instead of answering: the client answers on a repeated call
   * (2026-07-28 clients), so the error must reach the caller with nothing written.
   */
  sample?: (request: SampleRequest, signal: AbortSignal) => Promise<SampleAnswer>;
}

/** Chooses the next step when no declared route applies. */
export interface DecisionMaker {
  /** Provider name shown in logs and history ("stub", "gemini", …). */
  readonly name: string;
  /**
   * Decide the next step.
   * @throws {DecisionError} when no valid decision could be obtained (retryable; nothing changed)
   */
  decide(input: DecisionInput, call?: DecisionCall): Promise<DecisionOutput>;
}
