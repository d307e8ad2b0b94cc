/**
 * `AI_PROVIDER=sampling` end to end: the server asks the connected client's model through
 * `sampling/createMessage`. A 2025-era client gets a server-initiated request; a 2026-07-28 client
 * (no server-to-client requests) gets an input-required answer carrying the request and repeats
 * the call with its model's result (multi round-trip request). A client without the sampling
 * capability gets a clear error.
 */
import assert from "node:assert/strict";
import type { Client, ClientOptions } from "@modelcontextprotocol/client";
import { connectHttp, spawnHttpServer, TEST_TOKEN } from "../helpers/http_server.ts";
import { call, callError, connect, MODERN_CLIENT, toolText } from "../helpers/server.ts";
import { writeWorkflow } from "../helpers/workflows.ts";
import { decisionText, GUIDANCE_MARK, triageWorkflows } from "./fake_ai_server.ts";
import type { StepResponse } from "../../src/engine/responses.ts";

/** The two protocol eras a client can speak: its options and the era it then reports. */
const ERAS = [
  { era: "legacy", options: {} },
  { era: "modern", options: MODERN_CLIENT },
] as const satisfies readonly { era: string; options: ClientOptions }[];

/** The parameters of a `sampling/createMessage` request, as far as these tests read them. */
interface Asked {
  systemPrompt?: string;
  messages: { role: string; content: { type: string; text?: string } }[];
  maxTokens: number;
}

interface Status {
  status: string;
  current_step_name: string;
  history_length: number;
}

interface History {
  entries: { decision: { source: string; next_step: string; model?: string } }[];
}

/** An input-required answer, as a client in manual mode receives it. */
interface InputRequired {
  resultType: string;
  inputRequests: Record<string, { method: string; params: Asked }>;
  requestState?: string;
}

const MODEL = "client-model-1";

/** A temp workflows dir with PLAN: `draft` then `review`, no routes (every step needs the AI). */
function planWorkflows(): string {
  const root = Deno.makeTempDirSync({ prefix: "orch-sampling-" });
  writeWorkflow(root, "PLAN", {
    "index.md": "# Plan\n\nWrite a plan and have it reviewed.\n\n# Steps\n\n" +
      "- [draft](steps/draft.md)\n- [review](steps/review.md)\n",
    "steps/draft.md": "# Orchestrator Guidance\nAfter a draft comes the review.\n\n" +
      "# Client Instructions\nDraft the plan.\n",
    "steps/review.md": "# Orchestrator Guidance\nA passed review completes the run.\n\n" +
      "# Client Instructions\nReview the plan.\n",
  });
  return root;
}

/** The client model's decision for PLAN: review after draft, then finish. */
function planDecision(asked: Asked): string {
  const prompt = asked.messages[0]?.content.text ?? "";
  return /## Current step: draft\n/.test(prompt)
    ? decisionText("review", { reasoning: "The draft is ready for review." })
    : decisionText("FINISH", { status: "COMPLETED", reasoning: "The review passed." });
}

/** Answer `sampling/createMessage` with `answer`'s text, recording each request in `asked`. */
function answerSampling(
  asked: Asked[],
  answer: (request: Asked) => string,
): (client: Client) => void {
  return (client) =>
    client.setRequestHandler("sampling/createMessage", (request) => {
      asked.push(request.params as Asked);
      return {
        model: MODEL,
        role: "assistant",
        content: { type: "text", text: answer(request.params as Asked) },
      };
    });
}

/** A server deciding with `AI_PROVIDER=sampling`, and a client with `options`. */
function samplingServer(
  workflowsDir: string,
  options: ClientOptions,
  setup?: (client: Client) => void,
) {
  return connect({ workflowsDir, ai: { provider: "sampling" }, client: options, setup });
}

/** Start a run of `workflow`; its instance id. */
async function started(client: Client, workflow: string): Promise<string> {
  const start = await call<StepResponse>(client, "start_workflow", { workflow_name: workflow });
  return start.instance_id;
}

function status(client: Client, id: string): Promise<Status> {
  return call<Status>(client, "get_workflow_status", { instance_id: id });
}

const reported = (id: string, step: string) => ({
  instance_id: id,
  report: { step_id: step, status: "success" },
});

/** Report success on `step` of run `id`; the next step. */
function advance(client: Client, id: string, step: string): Promise<StepResponse> {
  return call<StepResponse>(client, "advance_workflow", reported(id, step));
}

for (const { era, options } of ERAS) {
  Deno.test(`sampling (${era} client): the client's model makes every AI decision of a run`, async () => {
    const asked: Asked[] = [];
    const server = await samplingServer(
      planWorkflows(),
      { ...options, capabilities: { sampling: {} } },
      answerSampling(asked, planDecision),
    );
    try {
      assert.equal(server.client.getProtocolEra(), era);
      const id = await started(server.client, "PLAN");
      const review = await advance(server.client, id, "draft");
      assert.equal(review.next_step.step_name, "review");
      assert.deepEqual(review.decision, {
        source: "ai",
        reasoning: "The draft is ready for review.",
        model: "client-model-1",
      });
      const done = await call<StepResponse>(server.client, "resume_workflow", {
        ...reported(id, "review"),
        assumed_current_step_name: "review",
      });
      assert.deepEqual([done.status, done.next_step.step_name], ["COMPLETED", "FINISH"]);

      assert.equal(asked.length, 2);
      assert.match(asked[0]!.systemPrompt ?? "", /orchestrator of a multi-step workflow/);
      assert.match(asked[0]!.messages[0]!.content.text ?? "", /After a draft comes the review/);
      const history = await call<History>(server.client, "get_workflow_history", {
        instance_id: id,
      });
      assert.deepEqual(
        history.entries.map((
          { decision },
        ) => [decision.source, decision.next_step, decision.model]),
        [["start", "draft", undefined], ["ai", "review", MODEL], ["ai", "FINISH", MODEL]],
      );
    } finally {
      await server.close();
    }
  });

  Deno.test(`sampling (${era} client): without the capability a clear error; nothing is written`, async () => {
    const server = await samplingServer(triageWorkflows(), options);
    try {
      const id = await started(server.client, "TRIAGE");
      const text = await callError(server.client, "advance_workflow", reported(id, "inspect"));
      assert.match(text, /did not declare the 'sampling' capability.*Nothing was changed/s);
      const after = await status(server.client, id);
      assert.deepEqual([after.history_length, after.current_step_name], [1, "inspect"]);
    } finally {
      await server.close();
    }
  });
}

Deno.test("sampling (modern client): an invalid first answer is repaired in one more round", async () => {
  const asked: Asked[] = [];
  const server = await samplingServer(
    triageWorkflows(),
    { ...MODERN_CLIENT, capabilities: { sampling: {} } },
    answerSampling(
      asked,
      () => asked.length === 1 ? "I think we should fix it." : decisionText("fix"),
    ),
  );
  try {
    const next = await advance(server.client, await started(server.client, "TRIAGE"), "inspect");
    assert.equal(next.next_step.step_name, "fix");
    assert.equal(asked.length, 2);
    // The second request is the conversation so far: the prompt, the invalid answer, the problem.
    assert.deepEqual(asked[1]!.messages.map((m) => m.role), ["user", "assistant", "user"]);
    assert.equal(asked[1]!.messages[1]!.content.text, "I think we should fix it.");
    assert.match(asked[1]!.messages[2]!.content.text ?? "", /Your answer was invalid/);
    assert.match(asked[1]!.messages[0]!.content.text ?? "", new RegExp(GUIDANCE_MARK));
  } finally {
    await server.close();
  }
});

/** A 2026-07-28 client that handles input-required answers itself (manual mode). */
const MANUAL_CLIENT: ClientOptions = {
  ...MODERN_CLIENT,
  capabilities: { sampling: {} },
  inputRequired: { autoFulfill: false },
};

/** The one input request of a manual client's `advance_workflow` call, with the round's state. */
async function inputRequest(
  client: Client,
  args: Record<string, unknown>,
): Promise<{ key: string; params: Asked; requestState?: string }> {
  const result = await client.callTool(
    { name: "advance_workflow", arguments: args },
    { allowInputRequired: true },
  ) as unknown as InputRequired;
  assert.equal(result.resultType, "input_required", JSON.stringify(result));
  const entries = Object.entries(result.inputRequests);
  assert.equal(entries.length, 1);
  const [key, request] = entries[0]!;
  assert.equal(request.method, "sampling/createMessage");
  return { key, params: request.params, requestState: result.requestState };
}

/** Repeat a manual client's `advance_workflow` call with `result` as the answer to `asked`. */
function repeatWith(
  client: Client,
  args: Record<string, unknown>,
  asked: { key: string; requestState?: string },
  result: Record<string, unknown>,
) {
  // The retry fields are not in the SDK's typed `callTool` params, hence the separate object.
  const retry = {
    name: "advance_workflow",
    arguments: args,
    inputResponses: { [asked.key]: result },
    requestState: asked.requestState,
  };
  return client.callTool(retry, { allowInputRequired: true });
}

const textResult = (text: string) => ({
  model: MODEL,
  role: "assistant",
  content: { type: "text", text },
});

Deno.test("sampling (modern client): until the client answers, or when its answer is unusable, the run is unchanged", async () => {
  const server = await samplingServer(triageWorkflows(), MANUAL_CLIENT);
  try {
    const id = await started(server.client, "TRIAGE");
    const before = await status(server.client, id);
    const args = reported(id, "inspect");
    const asked = await inputRequest(server.client, args);
    assert.match(asked.params.messages[0]!.content.text ?? "", /## Current step: inspect\n/);
    assert.deepEqual(await status(server.client, id), before);

    // The client comes back with a result the decision cannot use (an image, not text).
    const unusable = await repeatWith(server.client, args, asked, {
      model: MODEL,
      role: "assistant",
      content: { type: "image", data: "AAAA", mimeType: "image/png" },
    });
    assert.equal(unusable.isError, true);
    assert.match(
      toolText(unusable),
      /unusable sampling\/createMessage result \(content: .*\).*Nothing was changed; retry the call/s,
    );
    assert.deepEqual(await status(server.client, id), before);
  } finally {
    await server.close();
  }
});

Deno.test("sampling (modern client): an answer to a request the run has moved past is not used", async () => {
  const server = await samplingServer(triageWorkflows(), MANUAL_CLIENT);
  try {
    const id = await started(server.client, "TRIAGE");
    const args = reported(id, "inspect");
    const first = await inputRequest(server.client, args);
    // Answered by hand, the run goes on: inspect -> ask_user (AI) -> inspect (declared route).
    const askUser = await repeatWith(
      server.client,
      args,
      first,
      textResult(decisionText("ask_user")),
    );
    assert.equal((askUser.structuredContent as StepResponse).next_step.step_name, "ask_user");
    await advance(server.client, id, "ask_user");
    const before = await status(server.client, id);
    assert.deepEqual([before.current_step_name, before.history_length], ["inspect", 3]);

    // The first round's answer comes again: it answers an older prompt, so the client is asked anew.
    const again = await repeatWith(server.client, args, first, textResult(decisionText("fix")));
    const second = (again as unknown as InputRequired).inputRequests;
    assert.equal(Object.keys(second).length, 1);
    assert.notEqual(Object.keys(second)[0], first.key);
    assert.match(JSON.stringify(Object.values(second)[0]), /ask_user reported 'success'/);
    assert.deepEqual(await status(server.client, id), before);
  } finally {
    await server.close();
  }
});

Deno.test("sampling (modern client over stateless HTTP): each round is a request of its own", async () => {
  const server = await spawnHttpServer({
    workflowsDir: planWorkflows(),
    ai: { provider: "sampling" },
    env: { MCP_HTTP_TOKEN: TEST_TOKEN },
  });
  const asked: Asked[] = [];
  const client = await connectHttp(server.url, {
    token: TEST_TOKEN,
    modern: true,
    client: { capabilities: { sampling: {} } },
    setup: answerSampling(asked, planDecision),
  });
  try {
    // No session: the rounds of a call reach server instances built for one request each.
    const id = await started(client, "PLAN");
    assert.equal((await advance(client, id, "draft")).next_step.step_name, "review");
    assert.equal((await advance(client, id, "review")).status, "COMPLETED");
    assert.equal(asked.length, 2);
  } finally {
    await client.close().catch(() => {});
    await server.stop();
  }
});
