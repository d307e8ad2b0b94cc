/**
 * Chooses the decision maker named by the configuration.
 * @module
 */
import type { Config } from "../config.ts";
import { ConfigError } from "../errors.ts";
import { StubDecisionMaker } from "./stub.ts";
import type { DecisionMaker } from "./types.ts";

/**
 * The decision maker for `config.aiProvider`.
 * @throws {ConfigError} the provider is not available in this build
 */
export function createDecisionMaker(config: Config): DecisionMaker {
  if (config.aiProvider === "stub") return new StubDecisionMaker();
  throw new ConfigError(
    `AI_PROVIDER=${config.aiProvider} (${config.aiProviderReason}) is not available in this ` +
      `build yet; set AI_PROVIDER=stub to use the deterministic decision maker.`,
  );
}
