/**
 * MCP sampling (opt-in, `AI_PROVIDER=sampling`): the connected client's own model decides, through
 * `sampling/createMessage`. No API key is needed, but the client must declare the sampling
 * capability; the 2026-07-28 protocol deprecates it, so it is never chosen automatically. How the
 * request reaches the client (a server-initiated request, or for 2026-07-28 clients an
 * input-required answer and a repeated call) is the MCP layer's business: `DecisionCall.sample`
 * either answers or throws `InputRequiredError`, which this model lets through untouched.
 *
 * @example
 * ```ts
 * new LlmDecisionMaker(new SamplingChatModel(), { timeoutMs: 30_000 });
 * ```
 * @module
 */
import { SamplingUnavailableError } from "../errors.ts";
import type { ChatAnswer, ChatModel, ChatRequest } from "./llm.ts";
import type { DecisionCall } from "./types.ts";

/** Enough for the decision JSON with a short reasoning. */
const MAX_TOKENS = 1_000;

/** The client's model, asked through the tool call's `DecisionCall.sample`. */
export class SamplingChatModel implements ChatModel {
  readonly name = "sampling";
  readonly label = "the client's model (MCP sampling)";
  readonly #timeoutMs: number;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  async complete(
    request: ChatRequest,
    signal: AbortSignal,
    call: DecisionCall,
  ): Promise<ChatAnswer> {
    if (!call.sample) throw new SamplingUnavailableError();
    const answer = await call.sample({
      system: request.system,
      messages: request.messages,
      maxTokens: MAX_TOKENS,
      timeoutMs: this.#timeoutMs,
    }, signal);
    return { text: answer.text, model: answer.model };
  }
}
