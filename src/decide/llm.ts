/**
 * The decision loop shared by every LLM provider: build the prompt, ask the model (with timeout
 * and retries), validate the answer, and ask once more with the problem fed back when it is not a
 * valid decision. Providers only implement `ChatModel.complete`.
 *
 * @example
 * ```ts
 * const decider = new LlmDecisionMaker(new OpenAiChatModel({ endpoint, model }), { timeoutMs: 30_000 });
 * ```
 * @module
 */
import { DecisionError } from "../errors.ts";
import { log, type LogFields, redact } from "../log.ts";
import { InvalidAnswerError, parseDecision } from "./output.ts";
import { buildPrompt, decisionJsonSchema } from "./prompt.ts";
import { type RetryPolicy, withRetries } from "./retry.ts";
import type {
  ChatMessage,
  DecisionCall,
  DecisionInput,
  DecisionMaker,
  DecisionOutput,
} from "./types.ts";

/** What a provider is asked: the system prompt, the conversation and the answer's JSON Schema. */
export interface ChatRequest {
  system: string;
  messages: ChatMessage[];
  schema: Record<string, unknown>;
}

/** A provider's answer: the text plus what its usage metadata says. */
export interface ChatAnswer {
  text: string;
  model?: string;
  tokensIn?: number;
  tokensOut?: number;
}

/** One model API (Gemini, OpenAI-compatible, MCP sampling). */
export interface ChatModel {
  /** Provider name ("gemini", "openai", "sampling"). */
  readonly name: string;
  /** Provider and model for messages, e.g. "openai (llama3.2)". */
  readonly label: string;
  /**
   * One request. Throw `TransientError` for what is worth retrying.
   * @param signal aborted on timeout or when the client cancels
   */
  complete(request: ChatRequest, signal: AbortSignal, call: DecisionCall): Promise<ChatAnswer>;
}

/** Options of an `LlmDecisionMaker`. */
export interface LlmOptions {
  /** Per-request timeout (`AI_REQUEST_TIMEOUT_MS`). */
  timeoutMs: number;
  policy?: RetryPolicy;
}

const sum = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);

/** A `DecisionMaker` that asks an LLM, with retries and one repair round. */
export class LlmDecisionMaker implements DecisionMaker {
  readonly #model: ChatModel;
  readonly #options: LlmOptions;

  constructor(model: ChatModel, options: LlmOptions) {
    this.#model = model;
    this.#options = options;
  }

  /** The provider's name. */
  get name(): string {
    return this.#model.name;
  }

  async decide(input: DecisionInput, call: DecisionCall = {}): Promise<DecisionOutput> {
    const label = this.#model.label;
    const prompt = buildPrompt(input);
    const schema = decisionJsonSchema(input.workflow);
    const messages: ChatMessage[] = [{ role: "user", text: prompt.user }];
    const warn = (message: string, fields?: LogFields): void => {
      log.warn(message, fields);
      // The client sees it too: an API that echoes the request must not hand it our key.
      call.progress?.(redact(message));
    };
    call.progress?.(`Asking ${label} for the step after '${input.currentStep.name}'.`);
    let tokensIn: number | undefined;
    let tokensOut: number | undefined;
    for (let round = 1;; round++) {
      const answer = await withRetries(
        (signal) => this.#model.complete({ system: prompt.system, messages, schema }, signal, call),
        {
          timeoutMs: this.#options.timeoutMs,
          describe: label,
          policy: this.#options.policy,
          signal: call.signal,
          onRetry: ({ attempt, maxAttempts, delayMs, reason, status }) => {
            warn(`${label}: ${reason}; attempt ${attempt}/${maxAttempts} in ${delayMs} ms.`, {
              attempt,
              status,
              wait_ms: delayMs,
            });
          },
        },
      );
      tokensIn = sum(tokensIn, answer.tokensIn);
      tokensOut = sum(tokensOut, answer.tokensOut);
      try {
        return {
          ...parseDecision(answer.text, input.workflow),
          model: answer.model,
          tokensIn,
          tokensOut,
        };
      } catch (error) {
        if (!(error instanceof InvalidAnswerError)) throw error;
        if (round > 1) {
          throw new DecisionError(
            `${label} gave no valid decision for step '${input.currentStep.name}' of ` +
              `'${input.workflow.name}', even after being told what was wrong: ${error.message} ` +
              `Nothing was changed; retry the call.`,
          );
        }
        warn(`${label} answered with an invalid decision (${error.message}); asking once more.`);
        messages.push(
          { role: "assistant", text: answer.text },
          {
            role: "user",
            text:
              `Your answer was invalid: ${error.message} Answer again with only the corrected ` +
              `JSON object.`,
          },
        );
      }
    }
  }
}
