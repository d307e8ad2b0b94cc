/**
 * `AI_PROVIDER=sampling` end to end: the server asks the connected client's model through
 * `sampling/createMessage`; a client without the sampling capability gets a clear error.
 */
import assert from "node:assert/strict";
import { call, connect } from "../helpers/server.ts";
import { decisionText, GUIDANCE_MARK, triageWorkflows } from "./fake_ai_server.ts";
import type { StepResponse } from "../../src/engine/types.ts";

const inspected = (id: string) => ({
  instance_id: id,
  report: { step_id: "inspect", status: "success" },
});

Deno.test("sampling: a client declaring the capability answers the decision with its own model", async () => {
  const asked: { systemPrompt?: string; messages: unknown[]; maxTokens: number }[] = [];
  const server = await connect({
    workflowsDir: triageWorkflows(),
    ai: { provider: "sampling" },
    client: { capabilities: { sampling: {} } },
    setup: (client) =>
      client.setRequestHandler("sampling/createMessage", (request) => {
        asked.push(request.params);
        return {
          model: "client-model-1",
          role: "assistant",
          content: {
            type: "text",
            text: decisionText("ask_user", { reasoning: "The report lacks a stack trace." }),
          },
        };
      }),
  });
  try {
    const start = await call<StepResponse>(server.client, "start_workflow", {
      workflow_name: "TRIAGE",
    });
    const next = await call<StepResponse>(
      server.client,
      "advance_workflow",
      inspected(start.instance_id),
    );
    assert.equal(next.next_step.step_name, "ask_user");
    assert.deepEqual(next.decision, {
      source: "ai",
      reasoning: "The report lacks a stack trace.",
    });
    assert.equal(asked.length, 1);
    assert.match(asked[0]!.systemPrompt ?? "", /orchestrator of a multi-step workflow/);
    assert.match(JSON.stringify(asked[0]!.messages), new RegExp(GUIDANCE_MARK));
    const history = await call<{ entries: { decision: { model?: string } }[] }>(
      server.client,
      "get_workflow_history",
      { instance_id: start.instance_id },
    );
    assert.equal(history.entries.at(-1)!.decision.model, "client-model-1");
  } finally {
    await server.close();
  }
});

Deno.test("sampling: a client without the capability gets a clear error; nothing is written", async () => {
  const server = await connect({ workflowsDir: triageWorkflows(), ai: { provider: "sampling" } });
  try {
    const start = await call<StepResponse>(server.client, "start_workflow", {
      workflow_name: "TRIAGE",
    });
    const result = await server.client.callTool({
      name: "advance_workflow",
      arguments: inspected(start.instance_id),
    });
    assert.ok(result.isError);
    assert.match(
      (result.content as { text: string }[])[0]!.text,
      /did not declare the 'sampling' capability.*Nothing was changed/s,
    );
    const status = await call<{ history_length: number; current_step_name: string }>(
      server.client,
      "get_workflow_status",
      { instance_id: start.instance_id },
    );
    assert.deepEqual([status.history_length, status.current_step_name], [1, "inspect"]);
  } finally {
    await server.close();
  }
});
