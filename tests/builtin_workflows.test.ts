/**
 * Every built-in workflow validates and runs end to end through the real MCP client with the stub
 * decision maker, reporting `success` on each step.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { BUILTIN_WORKFLOWS, call, connect } from "./helpers/server.ts";
import type { StepResponse } from "../src/engine/types.ts";

const BUILTIN = [
  "ANALYZE_GITLAB_ISSUE",
  "COMMIT_SUGGESTER",
  "JOKE_GENERATOR",
  "README_FRESHNESS_CHECK",
  "REFACTOR_WITH_TESTS",
  "RESUME",
  "SAVE",
  "SUGGEST_REFACTORING",
  "WORKFLOW_CREATOR",
];

/** The Client Instructions of a workflow's steps/FINISH.md, as the server should send them. */
function finishText(workflow: string): string {
  const text = Deno.readTextFileSync(join(BUILTIN_WORKFLOWS, workflow, "steps", "FINISH.md"));
  return text.split(/^# Client Instructions\s*$/m)[1]!.trim().split(/\{\{/)[0]!;
}

Deno.test("all nine built-in workflows are valid and run to COMPLETED reporting success", async () => {
  const server = await connect();
  try {
    const { workflows } = await call<{ workflows: { name: string; valid: boolean }[] }>(
      server.client,
      "list_workflows",
    );
    assert.deepEqual(workflows.map((w) => [w.name, w.valid]), BUILTIN.map((n) => [n, true]));
    for (const name of BUILTIN) {
      const resource = await server.client.readResource({ uri: `workflow://${name}` });
      const json = resource.contents.find((c) => c.mimeType === "application/json");
      const definition = JSON.parse((json as { text: string }).text) as {
        steps: { name: string; guidance: string }[];
      };
      const guidance = new Map(definition.steps.map((s) => [s.name, s.guidance]));
      let step = await call<StepResponse>(server.client, "start_workflow", { workflow_name: name });
      const visited: string[] = [];
      while (step.status === "RUNNING" && visited.length < 50) {
        visited.push(step.next_step.step_name);
        assert.ok(step.next_step.instructions.length > 100, `${name}/${step.next_step.step_name}`);
        const own = guidance.get(step.next_step.step_name);
        assert.ok(own && !step.next_step.instructions.includes(own), "guidance stays server-side");
        step = await call<StepResponse>(server.client, "advance_workflow", {
          instance_id: step.instance_id,
          report: { step_id: step.next_step.step_name, status: "success" },
        });
      }
      assert.equal(step.status, "COMPLETED", `${name} after ${visited.join(" > ")}`);
      assert.equal(step.next_step.step_name, "FINISH");
      assert.ok(step.next_step.instructions.startsWith(finishText(name)), name);
      assert.ok(visited.length >= 3, `${name} visited ${visited.join(" > ")}`);
    }
  } finally {
    await server.close();
  }
});
