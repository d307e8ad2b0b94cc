/**
 * Google Gemini through the official `@google/genai` SDK (its fetch-based web build: it reads no
 * environment variables, so the server's narrow `--allow-env` suffices), with structured JSON
 * output from a response schema. The SDK is imported on the first decision, keeping start-up fast.
 *
 * @example
 * ```ts
 * new GeminiChatModel({ apiKey, model: "gemini-2.5-flash" });
 * ```
 * @module
 */
import type { GoogleGenAI } from "@google/genai/web";
import { DecisionError } from "../errors.ts";
import { checkedFetch } from "./http.ts";
import type { ChatAnswer, ChatModel, ChatRequest } from "./llm.ts";

/** How to reach Gemini. */
export interface GeminiOptions {
  apiKey: string;
  /** `GEMINI_MODEL_NAME`. */
  model: string;
  /** `AI_SERVICE_ENDPOINT`: replaces https://generativelanguage.googleapis.com (proxies, tests). */
  baseUrl?: string;
}

/** Gemini's `generateContent` with `responseMimeType: application/json` and a JSON Schema. */
export class GeminiChatModel implements ChatModel {
  readonly name = "gemini";
  readonly label: string;
  readonly #options: GeminiOptions;
  #client?: Promise<GoogleGenAI>;

  constructor(options: GeminiOptions) {
    this.#options = options;
    this.label = `gemini (${options.model})`;
  }

  async complete(request: ChatRequest, signal: AbortSignal): Promise<ChatAnswer> {
    const client = await (this.#client ??= this.#connect());
    const response = await client.models.generateContent({
      model: this.#options.model,
      contents: request.messages.map((m) => ({
        role: m.role === "assistant" ? "model" : "user",
        parts: [{ text: m.text }],
      })),
      config: {
        systemInstruction: request.system,
        responseMimeType: "application/json",
        responseJsonSchema: request.schema,
        temperature: 0,
        abortSignal: signal,
      },
    });
    const text = response.text;
    if (text === undefined) {
      const candidate = response.candidates?.[0];
      throw new DecisionError(
        `${this.label} returned no text (finish reason: ${candidate?.finishReason ?? "none"}` +
          `${
            response.promptFeedback?.blockReason
              ? `, prompt blocked: ${response.promptFeedback.blockReason}`
              : ""
          }); nothing was changed. Retry the call, or check the step's guidance and context.`,
      );
    }
    const usage = response.usageMetadata;
    return {
      text,
      model: response.modelVersion ?? this.#options.model,
      tokensIn: usage?.promptTokenCount,
      tokensOut: usage?.candidatesTokenCount === undefined
        ? undefined
        : usage.candidatesTokenCount + (usage.thoughtsTokenCount ?? 0),
    };
  }

  async #connect(): Promise<GoogleGenAI> {
    const { GoogleGenAI } = await import("@google/genai/web");
    return new GoogleGenAI({
      apiKey: this.#options.apiKey,
      vertexai: false,
      // The Gemini API version that documents responseJsonSchema (the SDK's default is v1).
      apiVersion: "v1beta",
      // Our fetch sorts failures for our retries; the SDK's own retries stay off (no retryOptions).
      httpOptions: { baseUrl: this.#options.baseUrl, fetch: checkedFetch },
    });
  }
}
