/**
 * Every built-in workflow validates and runs end to end through the real MCP client with the stub
 * decision maker, reporting `success` on each step.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { advanceToEnd, type StepResponse } from "./helpers/advance.ts";
import { BUILTIN_WORKFLOWS, call, connect } from "./helpers/server.ts";

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
      const first = await call<StepResponse>(server.client, "start_workflow", {
        workflow_name: name,
      });
      const responses = await advanceToEnd([server.client], first);
      // Every response but the last was reported on (RUNNING); the last ended the run.
      const reported = responses.slice(0, -1);
      const step = responses.at(-1)!;
      const visited = reported.map((r) => r.next_step.step_name);
      for (const r of reported) {
        assert.ok(r.next_step.instructions.length > 100, `${name}/${r.next_step.step_name}`);
        const own = guidance.get(r.next_step.step_name);
        assert.ok(own && !r.next_step.instructions.includes(own), "guidance stays server-side");
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
