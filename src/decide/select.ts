/**
 * Chooses the decision maker named by the configuration. Provider SDKs are loaded on the first
 * decision, not here, so start-up stays fast whatever the provider.
 *
 * @example
 * ```ts
 * const decider = createDecisionMaker(loadConfig(readEnv()));
 * ```
 * @module
 */
import type { Config, Provider } from "../config.ts";
import { GeminiChatModel } from "./gemini.ts";
import { type ChatModel, LlmDecisionMaker } from "./llm.ts";
import { OpenAiChatModel } from "./openai.ts";
import { SamplingChatModel } from "./sampling.ts";
import { StubDecisionMaker } from "./stub.ts";
import type { DecisionMaker } from "./types.ts";

function chatModel(provider: Exclude<Provider, "stub">, config: Config): ChatModel {
  switch (provider) {
    case "gemini":
      return new GeminiChatModel({
        // loadConfig guarantees a key for gemini and an endpoint and model for openai.
        apiKey: config.aiServiceApiKey!,
        model: config.geminiModelName,
        baseUrl: config.aiServiceEndpoint,
      });
    case "openai":
      return new OpenAiChatModel({
        endpoint: config.aiServiceEndpoint!,
        model: config.aiModelName!,
        apiKey: config.aiServiceApiKey,
      });
    case "sampling":
      return new SamplingChatModel(config.aiRequestTimeoutMs);
  }
}

/** The decision maker for `config.aiProvider`. */
export function createDecisionMaker(config: Config): DecisionMaker {
  const provider = config.aiProvider;
  if (provider === "stub") return new StubDecisionMaker();
  return new LlmDecisionMaker(chatModel(provider, config), {
    timeoutMs: config.aiRequestTimeoutMs,
  });
}
