/**
 * Compatibility: a client built on the older `@modelcontextprotocol/sdk` 1.x (what most MCP hosts
 * ship today) runs a workflow against our SDK v2 server, including the seed's `input_data` wrapper.
 */
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { BUILTIN_WORKFLOWS, serverArgs, tempDbPath } from "../helpers/server.ts";

Deno.test("an SDK 1.x client lists, starts and advances a workflow", async () => {
  const client = new Client({ name: "legacy-client", version: "1.0.0" });
  await client.connect(
    new StdioClientTransport({
      command: Deno.execPath(),
      args: serverArgs(BUILTIN_WORKFLOWS, tempDbPath()),
      env: { NO_COLOR: "1" },
      stderr: "ignore",
    }),
  );
  try {
    const { tools } = await client.listTools();
    assert.ok(tools.some((t: { name: string }) => t.name === "advance_workflow"));
    const started = await client.callTool({
      name: "start_workflow",
      arguments: { input_data: { workflow_name: "JOKE_GENERATOR" } },
    });
    assert.ok(!started.isError, JSON.stringify(started));
    // A host that shows the model only the text still gives it everything it needs to act.
    const step = started.structuredContent as {
      instance_id: string;
      status: string;
      next_step: { step_name: string; instructions: string };
    };
    assert.equal(step.status, "RUNNING");
    const text = (started.content as { type: string; text: string }[])[0]!.text;
    assert.ok(text.includes(step.instance_id), text);
    assert.ok(text.includes(`report.step_id = "${step.next_step.step_name}"`), text);
    assert.ok(text.endsWith(step.next_step.instructions), text);
    const next = await client.callTool({
      name: "advance_workflow",
      arguments: {
        input_data: {
          instance_id: step.instance_id,
          report: { step_id: step.next_step.step_name, status: "success" },
        },
      },
    });
    assert.ok(!next.isError, JSON.stringify(next));
    const moved = next.structuredContent as { next_step: { step_name: string } };
    assert.notEqual(moved.next_step.step_name, step.next_step.step_name);
  } finally {
    await client.close();
  }
});
