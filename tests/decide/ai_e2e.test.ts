/**
 * AI decisions end to end: the real MCP client against main.ts spawned with the launcher's
 * permission flags for the provider (`--allow-net=127.0.0.1:PORT` of the fake model API), the
 * provider's environment, and a real SQLite file.
 */
import assert from "node:assert/strict";
import type { Client } from "@modelcontextprotocol/client";
import { call, connect, serverArgs } from "../helpers/server.ts";
import { eventually } from "../helpers/wait.ts";
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
import type { StepResponse } from "../../src/engine/responses.ts";

interface HistoryPage {
  entries: {
    step_name: string | null;
    decision: {
      source: string;
      next_step: string;
      model?: string;
      tokens_in?: number;
      tokens_out?: number;
      latency_ms?: number;
    };
  }[];
}

const openAiEnv = (fake: FakeAi) => ({
  AI_SERVICE_ENDPOINT: `${fake.origin}/v1`,
  AI_MODEL_NAME: "fake-llama",
  AI_REQUEST_TIMEOUT_MS: "1500",
});

/** Start TRIAGE and report success on `inspect` (no declared route: the AI decides). */
async function startAndInspect(
  client: Client,
): Promise<{ id: string; result: Awaited<ReturnType<Client["callTool"]>> }> {
  const start = await call<StepResponse>(client, "start_workflow", {
    workflow_name: "TRIAGE",
    context: { repo: "acme/app" },
  });
  const result = await client.callTool({
    name: "advance_workflow",
    arguments: {
      instance_id: start.instance_id,
      report: { step_id: "inspect", status: "success", message: "Reproduced." },
    },
  });
  return { id: start.instance_id, result };
}

async function withServer(
  provider: "openai" | "gemini",
  script: Scripted[],
  test: (client: Client, fake: FakeAi, stderr: () => string) => Promise<void>,
): Promise<void> {
  const fake = serveFakeAi(script);
  const env = provider === "openai"
    ? openAiEnv(fake)
    : { AI_SERVICE_ENDPOINT: fake.origin, GEMINI_API_KEY: "g-test", AI_REQUEST_TIMEOUT_MS: "1500" };
  const server = await connect({ workflowsDir: triageWorkflows(), ai: { provider, env } });
  try {
    await test(server.client, fake, server.stderr);
  } finally {
    await server.close();
    await fake.close();
  }
}

Deno.test("spawned server gets --allow-net for exactly the AI endpoint's host:port", () => {
  const args = serverArgs("/w", "/d/db.sqlite", [], {
    provider: "openai",
    env: { AI_SERVICE_ENDPOINT: "http://127.0.0.1:4321/v1", AI_MODEL_NAME: "m" },
  });
  assert.ok(args.includes("--allow-net=127.0.0.1:4321"), args.join(" "));
  assert.ok(args.includes("--ai-provider=openai"));
  const stub = serverArgs("/w", "/d/db.sqlite");
  assert.ok(!stub.some((a) => a.startsWith("--allow-net")), "stub: no network at all");
});

Deno.test("openai e2e: the AI picks the step, history records model/tokens/latency, routes skip the AI", async () => {
  await withServer("openai", [
    { body: openAiBody(decisionText("fix", { context: { cause: "off by one" } })) },
  ], async (client, fake) => {
    const { id, result } = await startAndInspect(client);
    assert.ok(!result.isError, JSON.stringify(result.content));
    const next = result.structuredContent as unknown as StepResponse;
    assert.equal(next.next_step.step_name, "fix");
    assert.equal(next.decision.source, "ai");
    assert.equal(next.current_context.cause, "off by one");
    assert.doesNotMatch(next.next_step.instructions, new RegExp(GUIDANCE_MARK));
    assert.match(JSON.stringify(fake.received[0]!.body), new RegExp(GUIDANCE_MARK));

    const done = await call<StepResponse>(client, "advance_workflow", {
      instance_id: id,
      report: { step_id: "fix", status: "success" },
    });
    assert.equal(done.status, "COMPLETED");
    assert.equal(done.decision.source, "route");
    assert.equal(fake.received.length, 1, "the declared route did not call the model");

    const history = await call<HistoryPage>(client, "get_workflow_history", { instance_id: id });
    const ai = history.entries.find((e) => e.decision.source === "ai")!;
    assert.equal(ai.decision.model, "fake-llama");
    assert.equal(ai.decision.tokens_in, 110);
    assert.equal(ai.decision.tokens_out, 25);
    assert.equal(typeof ai.decision.latency_ms, "number");
  });
});

Deno.test("openai e2e: 500 then good, with progress notifications and a warning on stderr", async () => {
  await withServer("openai", [
    { status: 500, body: { error: "overloaded" } },
    { body: openAiBody(decisionText("ask_user")) },
  ], async (client, fake, stderr) => {
    const start = await call<StepResponse>(client, "start_workflow", { workflow_name: "TRIAGE" });
    const progress: string[] = [];
    const result = await client.callTool({
      name: "advance_workflow",
      arguments: {
        instance_id: start.instance_id,
        report: { step_id: "inspect", status: "success" },
      },
    }, { onprogress: (p) => progress.push(p.message ?? "") });
    assert.ok(!result.isError, JSON.stringify(result.content));
    assert.equal(
      (result.structuredContent as unknown as StepResponse).next_step.step_name,
      "ask_user",
    );
    assert.equal(fake.received.length, 2);
    assert.match(progress[0] ?? "", /Asking openai \(fake-llama\) for the step after 'inspect'/);
    assert.match(progress[1] ?? "", /HTTP 500.*attempt 2\/3/);
    assert.match(stderr(), /warn: openai \(fake-llama\): HTTP 500/);
  });
});

Deno.test("openai e2e: an unknown step twice is a retryable error and the instance is unchanged", async () => {
  await withServer("openai", [
    { body: openAiBody(decisionText("deploy")) },
    { body: openAiBody(decisionText("deploy")) },
    { body: openAiBody(decisionText("fix")) },
  ], async (client) => {
    const { id, result } = await startAndInspect(client);
    assert.ok(result.isError);
    const text = (result.content as { text: string }[])[0]!.text;
    assert.match(text, /'deploy' is not a step of workflow 'TRIAGE'.*retry the call/s);
    const status = await call<{ current_step_name: string; history_length: number }>(
      client,
      "get_workflow_status",
      { instance_id: id },
    );
    assert.equal(status.current_step_name, "inspect");
    assert.equal(status.history_length, 1, "only the start entry: nothing was written");

    const retried = await call<StepResponse>(client, "advance_workflow", {
      instance_id: id,
      report: { step_id: "inspect", status: "success", message: "Reproduced." },
    });
    assert.equal(retried.next_step.step_name, "fix", "the same call succeeds once the AI does");
  });
});

Deno.test("openai e2e: a hang past AI_REQUEST_TIMEOUT_MS is a clear error, nothing written", async () => {
  await withServer("openai", [{ hang: true }], async (client) => {
    const { id, result } = await startAndInspect(client);
    assert.ok(result.isError);
    assert.match(
      (result.content as { text: string }[])[0]!.text,
      /did not answer within 1500 ms \(AI_REQUEST_TIMEOUT_MS\)/,
    );
    const status = await call<{ history_length: number }>(client, "get_workflow_status", {
      instance_id: id,
    });
    assert.equal(status.history_length, 1);
  });
});

Deno.test("openai e2e: a client that cancels its call stops the AI request; nothing written, a retry works", async () => {
  const fake = serveFakeAi([{ stall: true }, { body: openAiBody(decisionText("fix")) }]);
  // A timeout far beyond the test: only the client's cancellation can end the first AI request.
  const env = { ...openAiEnv(fake), AI_REQUEST_TIMEOUT_MS: "60000" };
  const server = await connect({
    workflowsDir: triageWorkflows(),
    ai: { provider: "openai", env },
  });
  try {
    const { client } = server;
    const start = await call<StepResponse>(client, "start_workflow", { workflow_name: "TRIAGE" });
    const args = {
      instance_id: start.instance_id,
      report: { step_id: "inspect", status: "success" },
    };
    const cancel = new AbortController();
    const cancelled = client.callTool({ name: "advance_workflow", arguments: args }, {
      signal: cancel.signal,
    });
    await eventually(() => fake.received.length === 1 || undefined, "the AI request", {
      timeoutMs: 5_000,
    });
    cancel.abort("the user pressed stop");
    await assert.rejects(cancelled);
    // The server passed the cancellation on: the model API saw its request abandoned.
    await eventually(
      () => fake.received[0]?.abandoned || undefined,
      "the abandoned request",
      { timeoutMs: 5_000 },
    );
    const status = await call<{ history_length: number; current_step_name: string }>(
      client,
      "get_workflow_status",
      { instance_id: start.instance_id },
    );
    assert.deepEqual([status.history_length, status.current_step_name], [1, "inspect"]);
    const retried = await call<StepResponse>(client, "advance_workflow", args);
    assert.equal(retried.next_step.step_name, "fix");
  } finally {
    await server.close();
    await fake.close();
  }
});

Deno.test("gemini e2e: 429 with Retry-After, then the decision; tokens from usageMetadata", async () => {
  await withServer("gemini", [
    { status: 429, headers: { "retry-after": "1" }, body: { error: { code: 429 } } },
    { body: geminiBody(decisionText("FINISH", { status: "COMPLETED" }), 321, 12) },
  ], async (client, fake) => {
    const { id, result } = await startAndInspect(client);
    assert.ok(!result.isError, JSON.stringify(result.content));
    assert.equal((result.structuredContent as unknown as StepResponse).status, "COMPLETED");
    assert.equal(fake.received.length, 2);
    assert.equal(fake.received[1]!.path, "/v1beta/models/gemini-2.5-flash:generateContent");
    const history = await call<HistoryPage>(client, "get_workflow_history", { instance_id: id });
    const ai = history.entries.at(-1)!.decision;
    assert.deepEqual([ai.source, ai.model, ai.tokens_in, ai.tokens_out], [
      "ai",
      "gemini-fake-001",
      321,
      12,
    ]);
  });
});
