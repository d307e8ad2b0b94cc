/**
 * A report with status `FINISH` ends the run as COMPLETED by declared route, whatever `next:` says;
 * only an `on:` entry for the status `FINISH` itself routes it elsewhere.
 */
import assert from "node:assert/strict";
import type { StepResponse } from "../helpers/advance.ts";
import { call, connect } from "../helpers/server.ts";
import { writeWorkflow } from "../helpers/workflows.ts";

const step = (frontMatter: string) =>
  `---\n${frontMatter}\n---\n# Orchestrator Guidance\nGo on.\n\n# Client Instructions\nDo it.\n`;

Deno.test("a FINISH report completes the run despite next:, unless on: routes FINISH", async () => {
  const workflowsDir = Deno.makeTempDirSync({ prefix: "orch-finish-" });
  writeWorkflow(workflowsDir, "FINISHING", {
    "index.md": "# Finishing\n\n# Steps\n\n- [a](steps/a.md)\n- [b](steps/b.md)\n" +
      "- [c](steps/c.md)\n",
    "steps/a.md": step("next: b"),
    "steps/b.md": step("on:\n  FINISH: c\nnext: FINISH"),
    "steps/c.md": step("terminal: true"),
  });
  const c = await connect({ workflowsDir });
  const advance = (instance_id: string, step_id: string) =>
    call<StepResponse>(c.client, "advance_workflow", {
      instance_id,
      report: { step_id, status: "FINISH" },
    });
  try {
    const first = await call<StepResponse>(c.client, "start_workflow", {
      workflow_name: "FINISHING",
    });
    const ended = await advance(first.instance_id, "a");
    assert.equal(ended.status, "COMPLETED");
    assert.equal(ended.next_step.step_name, "FINISH");
    assert.equal(ended.decision.source, "route");

    const second = await call<StepResponse>(c.client, "start_workflow", {
      workflow_name: "FINISHING",
    });
    await call(c.client, "advance_workflow", {
      instance_id: second.instance_id,
      report: { step_id: "a", status: "success" },
    });
    const routed = await advance(second.instance_id, "b");
    assert.equal(routed.status, "RUNNING");
    assert.equal(routed.next_step.step_name, "c");
  } finally {
    await c.close();
  }
});
