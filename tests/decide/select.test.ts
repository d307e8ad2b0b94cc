/** Provider selection: which decision maker a configuration gets, and the errors when it cannot. */
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config.ts";
import { createDecisionMaker } from "../../src/decide/select.ts";
import { ConfigError } from "../../src/errors.ts";

Deno.test("each AI_PROVIDER gets its decision maker; the default follows SPEC §6", () => {
  const name = (env: Parameters<typeof loadConfig>[0]) => createDecisionMaker(loadConfig(env)).name;
  assert.equal(name({}), "stub");
  assert.equal(name({ GEMINI_API_KEY: "k" }), "gemini");
  assert.equal(
    name({ AI_SERVICE_ENDPOINT: "http://127.0.0.1:1/v1", AI_MODEL_NAME: "m" }),
    "openai",
  );
  assert.equal(name({ AI_PROVIDER: "sampling", GEMINI_API_KEY: "k" }), "sampling");
  assert.equal(
    name({ AI_PROVIDER: "gemini", USE_STUB_AI_CLIENT: "true", GEMINI_API_KEY: "k" }),
    "stub",
  );
  assert.equal(name({ USE_STUB_AI_CLIENT: "False", GEMINI_API_KEY: "k" }), "gemini");
  assert.equal(name({ USE_STUB_AI_CLIENT: " 1 " }), "stub");
});

Deno.test("USE_STUB_AI_CLIENT that is neither true nor false is a configuration error", () => {
  assert.throws(
    () => loadConfig({ USE_STUB_AI_CLIENT: "maybe" }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message ===
        'Invalid configuration: USE_STUB_AI_CLIENT="maybe": expected true or false (also 1/0, ' +
          "yes/no, on/off).",
  );
});

Deno.test("openai without AI_MODEL_NAME is a configuration error naming the variable", () => {
  assert.throws(
    () => loadConfig({ AI_SERVICE_ENDPOINT: "http://127.0.0.1:11434/v1" }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /AI_PROVIDER=openai \(AI_SERVICE_ENDPOINT is set\) needs AI_MODEL_NAME \(--ai-model\)/.test(
        error.message,
      ),
  );
});
