/**
 * Any OpenAI-compatible `/chat/completions` endpoint (OpenAI, Ollama, vLLM, llama.cpp server,
 * OpenRouter) over plain `fetch`, asking for a `json_schema` response format and falling back to
 * `json_object` for servers that reject it with HTTP 400.
 *
 * @example
 * ```ts
 * new OpenAiChatModel({ endpoint: "http://127.0.0.1:11434/v1", model: "llama3.2" });
 * ```
 * @module
 */
import { z } from "zod";
import { DecisionError } from "../errors.ts";
import { log } from "../log.ts";
import { checkedFetch, HttpStatusError } from "./http.ts";
import type { ChatAnswer, ChatModel, ChatRequest } from "./llm.ts";

/** How to reach the endpoint. */
export interface OpenAiOptions {
  /** `AI_SERVICE_ENDPOINT`: the API base (…/v1) or the full …/chat/completions URL. */
  endpoint: string;
  /** `AI_MODEL_NAME`. */
  model: string;
  /** `AI_SERVICE_API_KEY`, sent as a bearer token when set. */
  apiKey?: string;
}

const completionSchema = z.object({
  model: z.string().optional(),
  choices: z.array(z.object({ message: z.object({ content: z.string().nullish() }) })).min(1),
  usage: z.object({
    prompt_tokens: z.number().optional(),
    completion_tokens: z.number().optional(),
  }).nullish(),
});

/** The chat-completions URL for an endpoint given as a base URL or as the full URL. */
function chatCompletionsUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, "");
  return trimmed.endsWith("/chat/completions") ? trimmed : `${trimmed}/chat/completions`;
}

/** Chat completions with a JSON response format. */
export class OpenAiChatModel implements ChatModel {
  readonly name = "openai";
  readonly label: string;
  readonly #options: OpenAiOptions;
  readonly #url: string;
  /** Cleared once the server rejected `json_schema`; later calls go straight to `json_object`. */
  #jsonSchema = true;

  constructor(options: OpenAiOptions) {
    this.#options = options;
    this.#url = chatCompletionsUrl(options.endpoint);
    this.label = `openai (${options.model})`;
  }

  async complete(request: ChatRequest, signal: AbortSignal): Promise<ChatAnswer> {
    const jsonSchema = this.#jsonSchema;
    try {
      return await this.#post(request, signal, jsonSchema);
    } catch (error) {
      if (!(jsonSchema && error instanceof HttpStatusError && error.status === 400)) throw error;
      this.#jsonSchema = false;
      log.warn(
        `${this.label} rejected response_format json_schema (${error.message}); using json_object.`,
      );
      return await this.#post(request, signal, false);
    }
  }

  /** One request, asking for a `json_schema` response format when `jsonSchema`, else `json_object`. */
  async #post(request: ChatRequest, signal: AbortSignal, jsonSchema: boolean): Promise<ChatAnswer> {
    const responseFormat = jsonSchema
      ? {
        type: "json_schema",
        json_schema: { name: "workflow_decision", schema: request.schema, strict: false },
      }
      : { type: "json_object" };
    const response = await checkedFetch(this.#url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(this.#options.apiKey ? { authorization: `Bearer ${this.#options.apiKey}` } : {}),
      },
      body: JSON.stringify({
        model: this.#options.model,
        messages: [
          { role: "system", content: request.system },
          ...request.messages.map((m) => ({ role: m.role, content: m.text })),
        ],
        response_format: responseFormat,
        temperature: 0,
      }),
      signal,
    });
    const body = completionSchema.safeParse(await response.json().catch(() => undefined));
    if (!body.success) {
      throw new DecisionError(
        `${this.label} at ${this.#url} did not return a chat completion (expected ` +
          `choices[0].message.content); nothing was changed. Check that AI_SERVICE_ENDPOINT is an ` +
          `OpenAI-compatible API base such as http://127.0.0.1:11434/v1.`,
      );
    }
    const { model, choices, usage } = body.data;
    return {
      text: choices[0]!.message.content ?? "",
      model: model ?? this.#options.model,
      tokensIn: usage?.prompt_tokens,
      tokensOut: usage?.completion_tokens,
    };
  }
}
