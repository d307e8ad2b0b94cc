/**
 * The Gemini and OpenAI-compatible decision makers against a real loopback HTTP server speaking
 * each wire format, with scripted answers: good, invalid then good, unknown step, 429 with
 * Retry-After, 5xx then good, a hang past the timeout, json_schema rejected, cancellation.
 */
import assert from "node:assert/strict";
import { GeminiChatModel } from "../../src/decide/gemini.ts";
import { type ChatModel, LlmDecisionMaker } from "../../src/decide/llm.ts";
import { OpenAiChatModel } from "../../src/decide/openai.ts";
import type { RetryPolicy } from "../../src/decide/retry.ts";
import type { DecisionCall, DecisionInput } from "../../src/decide/types.ts";
import { DefinitionRegistry } from "../../src/definitions/registry.ts";
import { DecisionError } from "../../src/errors.ts";
import {
  decisionText,
  type FakeAi,
  geminiBody,
  GUIDANCE_MARK,
  openAiBody,
  type Scripted,
  serveFakeAi,
  triageWorkflows,
} from "./fake_ai_server.ts";

const FAST: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 10,
  maxDelayMs: 50,
  maxTotalWaitMs: 3_000,
};

function triageInput(): DecisionInput {
  const workflow = new DefinitionRegistry(triageWorkflows()).get("TRIAGE");
  return {
    workflow,
    currentStep: workflow.steps[0]!,
    report: { step_id: "inspect", status: "success", message: "Reproduced with a unit test." },
    context: { repo: "acme/app" },
    recentHistory: [],
  };
}

type Provider = "openai" | "gemini";

function model(provider: Provider, fake: FakeAi): ChatModel {
  return provider === "openai"
    ? new OpenAiChatModel({ endpoint: `${fake.origin}/v1`, model: "fake-llama", apiKey: "sk-test" })
    : new GeminiChatModel({ apiKey: "g-test", model: "gemini-test", baseUrl: fake.origin });
}

const body = (provider: Provider, text: string): unknown =>
  provider === "openai" ? openAiBody(text) : geminiBody(text);

/** Run one decision against a fake server scripted with `script`; returns it and the server. */
async function decideWith(
  provider: Provider,
  script: Scripted[],
  options: { timeoutMs?: number; policy?: RetryPolicy; call?: DecisionCall } = {},
): Promise<
  { result: PromiseSettledResult<Awaited<ReturnType<LlmDecisionMaker["decide"]>>>; fake: FakeAi }
> {
  const fake = serveFakeAi(script);
  try {
    const decider = new LlmDecisionMaker(model(provider, fake), {
      timeoutMs: options.timeoutMs ?? 5_000,
      policy: options.policy ?? FAST,
    });
    const [result] = await Promise.allSettled([decider.decide(triageInput(), options.call)]);
    return { result: result!, fake };
  } finally {
    await fake.close();
  }
}

function rejection(result: PromiseSettledResult<unknown>): Error {
  assert.equal(result.status, "rejected", "the decision should have failed");
  return (result as PromiseRejectedResult).reason as Error;
}

function value<T>(result: PromiseSettledResult<T>): T {
  if (result.status === "rejected") throw result.reason;
  return result.value;
}

for (const provider of ["openai", "gemini"] as const) {
  Deno.test(`${provider}: a good answer is a decision with model, tokens and the step resolved`, async () => {
    const { result, fake } = await decideWith(provider, [
      { body: body(provider, decisionText("Fix", { context: { cause: "off by one" } })) },
    ]);
    const decision = value(result);
    assert.equal(decision.nextStepName, "fix", "loose match 'Fix' resolves to the step 'fix'");
    assert.equal(decision.status, "RUNNING");
    assert.deepEqual(decision.updatedContext, { cause: "off by one" });
    assert.equal(fake.received.length, 1);
    const sent = JSON.stringify(fake.received[0]!.body);
    assert.match(sent, new RegExp(GUIDANCE_MARK), "the current step's guidance is sent");
    assert.match(sent, /Read the bug report and reproduce it/, "candidate descriptions are sent");
    assert.doesNotMatch(sent, /Reproduce the bug in/, "no step's client instructions are sent");
    if (provider === "openai") {
      assert.equal(fake.received[0]!.path, "/v1/chat/completions");
      assert.equal(fake.received[0]!.headers.get("authorization"), "Bearer sk-test");
      const format = fake.received[0]!.body.response_format as {
        type: string;
        json_schema: { schema: { properties: { next_step_name: { enum: string[] } } } };
      };
      assert.equal(format.type, "json_schema");
      assert.deepEqual(format.json_schema.schema.properties.next_step_name.enum, [
        "inspect",
        "fix",
        "ask_user",
        "FINISH",
      ]);
      assert.deepEqual(
        [decision.model, decision.tokensIn, decision.tokensOut],
        ["fake-llama", 110, 25],
      );
    } else {
      assert.equal(fake.received[0]!.path, "/v1beta/models/gemini-test:generateContent");
      assert.equal(fake.received[0]!.headers.get("x-goog-api-key"), "g-test");
      const config = fake.received[0]!.body.generationConfig as Record<string, unknown>;
      assert.equal(config.responseMimeType, "application/json");
      assert.ok(config.responseJsonSchema, JSON.stringify(config));
      assert.deepEqual(
        [decision.model, decision.tokensIn, decision.tokensOut],
        ["gemini-fake-001", 120, 30],
      );
    }
  });

  Deno.test(`${provider}: invalid JSON is repaired once, with the error fed back`, async () => {
    const progress: string[] = [];
    const { result, fake } = await decideWith(provider, [
      { body: body(provider, "Sure! I think fix is next.") },
      { body: body(provider, decisionText("ask_user")) },
    ], { call: { progress: (m) => progress.push(m) } });
    assert.equal(value(result).nextStepName, "ask_user");
    assert.equal(value(result).tokensIn, provider === "openai" ? 220 : 240, "tokens summed");
    assert.equal(fake.received.length, 2);
    const repair = JSON.stringify(fake.received[1]!.body);
    assert.match(
      repair,
      /Sure! I think fix is next\./,
      "the invalid answer is in the conversation",
    );
    assert.match(repair, /not valid JSON/);
    assert.equal(progress.length, 2, progress.join("\n"));
    assert.match(progress[1]!, /invalid decision.*asking once more/);
  });

  Deno.test(`${provider}: an unknown step twice is a DecisionError naming the valid steps`, async () => {
    const { result, fake } = await decideWith(provider, [
      { body: body(provider, decisionText("deploy")) },
      { body: body(provider, decisionText("deploy_now")) },
    ]);
    const error = rejection(result);
    assert.ok(error instanceof DecisionError, String(error));
    assert.match(error.message, /'deploy_now' is not a step of workflow 'TRIAGE'/);
    assert.match(error.message, /inspect, fix, ask_user, FINISH/);
    assert.match(error.message, /Nothing was changed; retry the call/);
    assert.match(JSON.stringify(fake.received[1]!.body), /'deploy' is not a step/);
  });

  Deno.test(`${provider}: 429 with Retry-After waits that long, then succeeds`, async () => {
    const started = performance.now();
    const progress: string[] = [];
    const { result, fake } = await decideWith(provider, [
      { status: 429, headers: { "retry-after": "1" }, body: { error: "slow down" } },
      { body: body(provider, decisionText("fix")) },
    ], { call: { progress: (m) => progress.push(m) } });
    assert.equal(value(result).nextStepName, "fix");
    assert.equal(fake.received.length, 2);
    assert.ok(performance.now() - started >= 950, "waited for Retry-After: 1");
    assert.match(progress[1]!, /HTTP 429.*attempt 2\/3 in 1000 ms/);
  });

  Deno.test(`${provider}: 500 then a good answer succeeds after a backoff`, async () => {
    const { result, fake } = await decideWith(provider, [
      { status: 500, body: { error: "boom" } },
      { body: body(provider, decisionText("FINISH", { status: "COMPLETED" })) },
    ]);
    assert.equal(value(result).nextStepName, "FINISH");
    assert.equal(value(result).status, "COMPLETED");
    assert.equal(fake.received.length, 2);
  });

  Deno.test(`${provider}: a hang past the timeout fails once, without retrying`, async () => {
    const { result, fake } = await decideWith(provider, [{ hang: true }], { timeoutMs: 300 });
    const error = rejection(result);
    assert.ok(error instanceof DecisionError, String(error));
    assert.match(error.message, /did not answer within 300 ms \(AI_REQUEST_TIMEOUT_MS\)/);
    assert.equal(fake.received.length, 1);
  });
}

Deno.test("openai: 503 on every attempt ends after three attempts", async () => {
  const { result, fake } = await decideWith("openai", [
    { status: 503 },
    { status: 503 },
    { status: 503 },
  ]);
  assert.match(rejection(result).message, /failed after 3 attempt\(s\): HTTP 503/);
  assert.equal(fake.received.length, 3);
});

Deno.test("openai: a Retry-After beyond the wait cap fails at once", async () => {
  const { result, fake } = await decideWith("openai", [
    { status: 429, headers: { "retry-after": "3600" } },
  ]);
  assert.match(rejection(result).message, /asked to wait 3600 s/);
  assert.equal(fake.received.length, 1);
});

Deno.test("openai: 401 is not retried and names the key to check", async () => {
  const { result, fake } = await decideWith("openai", [{ status: 401, body: "bad key" }]);
  const error = rejection(result);
  assert.match(error.message, /HTTP 401.*bad key.*AI_SERVICE_API_KEY/);
  assert.equal(fake.received.length, 1);
});

Deno.test("openai: a server rejecting json_schema (400) gets json_object from then on", async () => {
  const fake = serveFakeAi([
    { status: 400, body: { error: "response_format json_schema not supported" } },
    { body: openAiBody(decisionText("fix")) },
    { body: openAiBody(decisionText("ask_user")) },
  ]);
  try {
    const decider = new LlmDecisionMaker(model("openai", fake), { timeoutMs: 5_000, policy: FAST });
    assert.equal((await decider.decide(triageInput())).nextStepName, "fix");
    assert.equal((await decider.decide(triageInput())).nextStepName, "ask_user");
    const formats = fake.received.map((r) => (r.body.response_format as { type: string }).type);
    assert.deepEqual(formats, ["json_schema", "json_object", "json_object"]);
  } finally {
    await fake.close();
  }
});

Deno.test("openai: network errors are retried, then reported", async () => {
  const fake = serveFakeAi([]);
  await fake.close(); // nothing listens on this port any more
  const decider = new LlmDecisionMaker(model("openai", fake), { timeoutMs: 5_000, policy: FAST });
  await assert.rejects(decider.decide(triageInput()), /failed after 3 attempt\(s\): network error/);
});

Deno.test("openai: the client's cancellation aborts the request in flight", async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const started = performance.now();
  const { result, fake } = await decideWith("openai", [{ hang: true }], {
    call: { signal: controller.signal },
  });
  assert.match(rejection(result).message, /cancelled by the client/);
  assert.ok(performance.now() - started < 4_000, "did not wait for the 5 s timeout");
  assert.equal(fake.received.length, 1);
});
