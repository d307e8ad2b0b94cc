/**
 * End to end over stdio: the official SDK v2 client against main.ts spawned with the launcher's
 * permission flags, on real SQLite files in temp dirs.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { call, callError, connect, MODERN_CLIENT, tempDbPath } from "../helpers/server.ts";
import { writeWorkflow } from "../helpers/workflows.ts";
import { advanceToEnd, type StepResponse } from "../helpers/advance.ts";

interface Status {
  status: string;
  current_step_name: string;
  history_length: number;
  context: Record<string, unknown>;
  completed_at: string | null;
}

function dbCounts(dbPath: string): { instances: number; history: number } {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      instances: one("SELECT count(*) AS n FROM workflow_instances"),
      history: one("SELECT count(*) AS n FROM workflow_history"),
    };
  } finally {
    db.close();
  }
}

Deno.test("list, start and advance JOKE_GENERATOR to COMPLETED; state survives a restart", async () => {
  const first = await connect();
  let finalResponse: StepResponse;
  let instanceId: string;
  let steps: string[];
  try {
    const listed = await call<{ workflows: { name: string; valid: boolean; steps: string[] }[] }>(
      first.client,
      "list_workflows",
    );
    const joke = listed.workflows.find((w) => w.name === "JOKE_GENERATOR");
    assert.ok(joke?.valid, "JOKE_GENERATOR is listed as valid");
    assert.ok(listed.workflows.every((w) => w.valid), JSON.stringify(listed.workflows));

    const start = await call<StepResponse>(first.client, "start_workflow", {
      workflow_name: "JOKE_GENERATOR",
    });
    assert.equal(start.status, "RUNNING");
    assert.equal(start.next_step.step_name, joke.steps[0]);
    assert.equal(start.decision.source, "start");
    assert.ok(start.next_step.instructions.length > 20);
    assert.doesNotMatch(start.next_step.instructions, /Orchestrator Guidance/i);

    const responses = await advanceToEnd([first.client], start);
    finalResponse = responses.at(-1)!;
    assert.equal(finalResponse.status, "COMPLETED");
    assert.equal(finalResponse.next_step.step_name, "FINISH");
    instanceId = start.instance_id;
    steps = responses.map((r) => r.next_step.step_name);
  } finally {
    await first.close();
  }

  // A new server process on the same DB file sees everything that was acknowledged.
  const second = await connect({ dbPath: first.dbPath });
  try {
    const status = await call<Status>(second.client, "get_workflow_status", {
      instance_id: instanceId,
    });
    assert.equal(status.status, "COMPLETED");
    assert.equal(status.current_step_name, "FINISH");
    assert.ok(status.completed_at);
    assert.equal(status.history_length, steps.length);

    const history = await call<{
      entries: { seq: number; step_name: string | null; decision: { next_step: string } }[];
      total: number;
    }>(second.client, "get_workflow_history", { instance_id: instanceId, limit: 500 });
    assert.equal(history.total, steps.length);
    assert.deepEqual(history.entries.map((e) => e.decision.next_step), steps);
    assert.deepEqual(history.entries.map((e) => e.seq), steps.map((_, i) => i + 1));
    assert.equal(history.entries[0]!.step_name, null);
    assert.deepEqual(history.entries.slice(1).map((e) => e.step_name), steps.slice(0, -1));

    const finished = await callError(second.client, "advance_workflow", {
      instance_id: instanceId,
      report: { step_id: "FINISH", status: "success", message: "again" },
    });
    assert.match(finished, /already COMPLETED/);

    // resume_workflow on the finished run: the report that finished it, sent again, is answered
    // as a retry; any other report, or a context change, is refused as advance_workflow refuses it.
    const lastStep = steps.at(-2)!;
    const retried = await call<
      StepResponse & { reconciliation: { action: string; matched: boolean } }
    >(
      second.client,
      "resume_workflow",
      {
        instance_id: instanceId,
        assumed_current_step_name: lastStep,
        report: { step_id: lastStep, status: "success" },
      },
    );
    assert.equal(retried.status, "COMPLETED");
    assert.equal(retried.next_step.step_name, "FINISH");
    assert.match(retried.reconciliation.action, /already applied; the run ended/);
    const otherReport = await callError(second.client, "resume_workflow", {
      instance_id: instanceId,
      assumed_current_step_name: lastStep,
      report: { step_id: lastStep, status: "failure" },
    });
    assert.match(otherReport, /already COMPLETED; it accepts no more reports/);
    const contextChange = await callError(second.client, "resume_workflow", {
      instance_id: instanceId,
      assumed_current_step_name: "FINISH",
      context_updates: { late: true },
    });
    assert.match(contextChange, /already COMPLETED; its context can no longer change/);
    const status2 = await call<Status>(second.client, "get_workflow_status", {
      instance_id: instanceId,
    });
    assert.equal(status2.history_length, steps.length);
    assert.equal("late" in status2.context, false);
  } finally {
    await second.close();
  }
});

Deno.test("a 2026-07-28 client (server/discover, no initialize) runs JOKE_GENERATOR over stdio", async () => {
  const server = await connect({ client: MODERN_CLIENT });
  try {
    assert.equal(server.client.getProtocolEra(), "modern");
    const start = await call<StepResponse>(server.client, "start_workflow", {
      workflow_name: "JOKE_GENERATOR",
    });
    const last = (await advanceToEnd([server.client], start)).at(-1)!;
    assert.equal(last.status, "COMPLETED");
  } finally {
    await server.close();
  }
});

Deno.test("resume after a restart: matching step, mismatching step, unknown instance", async () => {
  const dbPath = tempDbPath();
  const a = await connect({ dbPath });
  let start: StepResponse;
  let second: StepResponse;
  try {
    start = await call<StepResponse>(a.client, "start_workflow", {
      workflow_name: "JOKE_GENERATOR",
    });
    second = await call<StepResponse>(a.client, "advance_workflow", {
      instance_id: start.instance_id,
      report: { step_id: start.next_step.step_name, status: "success" },
    });
  } finally {
    await a.close();
  }
  const b = await connect({ dbPath });
  try {
    const matched = await call<StepResponse & { reconciliation: Record<string, unknown> }>(
      b.client,
      "resume_workflow",
      { instance_id: start.instance_id, assumed_current_step_name: second.next_step.step_name },
    );
    assert.equal(matched.reconciliation.matched, true);
    assert.equal(matched.next_step.step_name, second.next_step.step_name);
    assert.equal(matched.decision.source, "resume");
    assert.equal(matched.next_step.instructions, second.next_step.instructions);

    const mismatched = await call<StepResponse & { reconciliation: Record<string, unknown> }>(
      b.client,
      "resume_workflow",
      {
        instance_id: start.instance_id,
        assumed_current_step_name: start.next_step.step_name,
        report: { step_id: start.next_step.step_name, status: "success" },
      },
    );
    assert.equal(mismatched.reconciliation.matched, false);
    assert.equal(mismatched.reconciliation.actual_step, second.next_step.step_name);
    assert.equal(mismatched.reconciliation.assumed_step, start.next_step.step_name);
    assert.match(String(mismatched.reconciliation.action), /authoritative/);
    assert.match(String(mismatched.reconciliation.action), /not applied/);
    assert.equal(mismatched.next_step.step_name, second.next_step.step_name);

    // A matching resume with a report applies it like advance_workflow.
    const applied = await call<StepResponse & { reconciliation: Record<string, unknown> }>(
      b.client,
      "resume_workflow",
      {
        instance_id: start.instance_id,
        assumed_current_step_name: second.next_step.step_name,
        report: { step_id: second.next_step.step_name, status: "success" },
      },
    );
    assert.equal(applied.reconciliation.matched, true);
    assert.notEqual(applied.next_step.step_name, second.next_step.step_name);

    const unknown = await callError(b.client, "resume_workflow", {
      instance_id: "00000000-0000-0000-0000-000000000000",
      assumed_current_step_name: "greet",
    });
    assert.match(unknown, /No run with id '00000000-0000-0000-0000-000000000000'/);
  } finally {
    await b.close();
  }
});

Deno.test("bad input gets a clear error and changes nothing", async () => {
  const workflowsDir = Deno.makeTempDirSync({ prefix: "orch-wf-" });
  writeWorkflow(workflowsDir, "GOOD", {
    "index.md":
      "# Good\n\nA good workflow.\n\n# Steps\n\n- [one](steps/one.md)\n- [two](steps/two.md)\n",
    "steps/one.md": "# Orchestrator Guidance\nGo on.\n\n# Client Instructions\nDo one.\n",
    "steps/two.md": "# Orchestrator Guidance\nEnd.\n\n# Client Instructions\nDo two.\n",
  });
  writeWorkflow(workflowsDir, "BROKEN", {
    "index.md": "# Broken\n\n# Steps\n\n- [one](steps/one.md)\n- [missing](steps/missing.md)\n",
    "steps/one.md": "# Orchestrator Guidance\nGo on.\n",
  });
  const c = await connect({ workflowsDir });
  try {
    const listed = await call<{
      workflows: { name: string; valid: boolean; errors?: { file: string; message: string }[] }[];
    }>(c.client, "list_workflows");
    const broken = listed.workflows.find((w) => w.name === "BROKEN")!;
    assert.equal(broken.valid, false);
    assert.ok(
      broken.errors!.some((e) =>
        e.file.includes("steps/one.md") && /Client Instructions/.test(e.message)
      ),
    );
    assert.ok(broken.errors!.some((e) => /missing\.md/.test(e.file + e.message)));
    assert.equal(listed.workflows.find((w) => w.name === "GOOD")!.valid, true);

    const start = await call<StepResponse>(c.client, "start_workflow", { workflow_name: "GOOD" });
    const before = dbCounts(c.dbPath);

    assert.match(
      await callError(c.client, "start_workflow", { workflow_name: "NOPE" }),
      /Unknown workflow 'NOPE'.*GOOD/s,
    );
    assert.match(
      await callError(c.client, "start_workflow", { workflow_name: "../etc" }),
      /Unknown workflow '\.\.\/etc'/,
    );
    assert.match(
      await callError(c.client, "start_workflow", { workflow_name: "BROKEN" }),
      /BROKEN.*invalid.*steps\/one\.md/s,
    );
    assert.match(
      await callError(c.client, "advance_workflow", { instance_id: start.instance_id }),
      /report/,
    );
    assert.match(
      await callError(c.client, "advance_workflow", {
        instance_id: start.instance_id,
        report: { step_id: 42, status: "success" },
      }),
      /step_id/,
    );
    assert.match(
      await callError(c.client, "advance_workflow", {
        instance_id: start.instance_id,
        report: { step_id: "two", status: "success" },
      }),
      /Stale report.*current step is 'one'/,
    );
    assert.match(
      await callError(c.client, "get_workflow_status", { instance_id: "nope" }),
      /No run with id/,
    );
    assert.deepEqual(dbCounts(c.dbPath), before);
    const status = await call<Status>(c.client, "get_workflow_status", {
      instance_id: start.instance_id,
    });
    assert.equal(status.current_step_name, "one");
    assert.equal(status.history_length, 1);
  } finally {
    await c.close();
  }
});

Deno.test("declared routes, context merge patches, placeholders, idempotent retry, input_data", async () => {
  const workflowsDir = Deno.makeTempDirSync({ prefix: "orch-wf-" });
  writeWorkflow(workflowsDir, "ROUTED", {
    "index.md": "---\ndescription: Routed demo\ninputs:\n  target:\n    type: string\n" +
      "    default: main.ts\n---\n# Routed\n\n# Steps\n\n- [check](steps/check.md)\n" +
      "- [fix](steps/fix.md)\n- [done](steps/done.md)\n",
    "steps/check.md": "---\ndescription: Check it\non:\n  success: done\n  failure: fix\n---\n" +
      "# Orchestrator Guidance\nRoute.\n\n# Client Instructions\nCheck {{context.target}} " +
      "for {{context.meta.owner}} and {{context.unknown}}.\n",
    "steps/fix.md":
      "---\nnext: check\n---\n# Orchestrator Guidance\nFix.\n\n# Client Instructions\nFix it.\n",
    "steps/done.md":
      "---\nterminal: true\n---\n# Orchestrator Guidance\nEnd.\n\n# Client Instructions\nDone.\n",
    "steps/FINISH.md":
      "# Orchestrator Guidance\nFinal.\n\n# Client Instructions\nAll good, {{context.meta.owner}}.\n",
  });
  const c = await connect({ workflowsDir });
  try {
    const start = await call<StepResponse>(c.client, "start_workflow", {
      input_data: { workflow_name: "ROUTED", context: { meta: { owner: "ana", team: "x" } } },
    });
    assert.equal(start.next_step.instructions, "Check main.ts for ana and {{context.unknown}}.");
    const advance = {
      instance_id: start.instance_id,
      report: { step_id: "check", status: "failure", error: { code: 1 } },
      context_updates: { meta: { team: null, tries: 1 } },
    };
    const fix = await call<StepResponse>(c.client, "advance_workflow", advance);
    assert.equal(fix.next_step.step_name, "fix");
    assert.equal(fix.decision.source, "route");
    assert.deepEqual(fix.current_context, { target: "main.ts", meta: { owner: "ana", tries: 1 } });
    // The identical retry returns the same response and records nothing new.
    assert.deepEqual(await call<StepResponse>(c.client, "advance_workflow", advance), fix);
    const again = await call<StepResponse>(c.client, "advance_workflow", {
      input_data: { instance_id: start.instance_id, report: { step_id: "fix", status: "success" } },
    });
    assert.equal(again.next_step.step_name, "check");
    const done = await call<StepResponse>(c.client, "advance_workflow", {
      instance_id: start.instance_id,
      report: { step_id: "check", status: "success" },
    });
    assert.equal(done.next_step.step_name, "done");
    const end = await call<StepResponse>(c.client, "advance_workflow", {
      instance_id: start.instance_id,
      report: { step_id: "done", status: "anything" },
    });
    assert.equal(end.status, "COMPLETED");
    assert.equal(end.decision.source, "route");
    assert.equal(end.next_step.instructions, "All good, ana.");
    const status = await call<Status>(c.client, "get_workflow_status", {
      instance_id: start.instance_id,
    });
    assert.equal(status.history_length, 5);
  } finally {
    await c.close();
  }
});

Deno.test("two concurrent advances of one instance from two processes: exactly one applies", async () => {
  const dbPath = tempDbPath();
  const a = await connect({ dbPath });
  const b = await connect({ dbPath });
  try {
    for (let round = 0; round < 5; round++) {
      const start = await call<StepResponse>(a.client, "start_workflow", {
        workflow_name: "JOKE_GENERATOR",
      });
      const report = (message: string) => ({
        instance_id: start.instance_id,
        report: { step_id: start.next_step.step_name, status: "success", message },
      });
      const results = await Promise.all([
        a.client.callTool({ name: "advance_workflow", arguments: report("from a") }),
        b.client.callTool({ name: "advance_workflow", arguments: report("from b") }),
      ]);
      const ok = results.filter((r) => !r.isError);
      const failed = results.filter((r) => r.isError);
      assert.equal(ok.length, 1, JSON.stringify(results));
      assert.equal(failed.length, 1);
      const text = (failed[0]!.content as { text: string }[])[0]!.text;
      assert.match(text, /Conflict|Stale report/);
      const status = await call<Status>(b.client, "get_workflow_status", {
        instance_id: start.instance_id,
      });
      assert.equal(status.history_length, 2);
    }
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("a workflow folder written for the seed loads and runs unchanged", async () => {
  const workflowsDir = Deno.makeTempDirSync({ prefix: "orch-wf-" });
  writeWorkflow(workflowsDir, "SEED_STYLE", {
    "index.md":
      "# Seed Workflow\n\nThis workflow was written for the original server.\n\n# Steps\n\n" +
      "1. [Get Issue Content](steps/get_issue_content.md)\n2. [Analyze Issue](steps/analyze.md)\n" +
      "3. [Finish](steps/finish.md)\n",
    "steps/get_issue_content.md": "# Goal\nFetch the issue.\n\n# Orchestrator Guidance\n" +
      "Move on when fetched.\n\n# Client Instructions\nFetch the issue text.\n{{file:../shared/note.md}}\n",
    "steps/analyze.md": "# Goal\nAnalyze.\n\n# orchestrator guidance  \nDecide.\n\n" +
      "# CLIENT INSTRUCTIONS\nAnalyze it.\n",
    "steps/finish.md":
      "# Goal\nConclude the workflow.\n\n# Orchestrator Guidance\nThis is the final step.\n\n" +
      "# Client Instructions\nReport the completion of the workflow.\n",
    "shared/note.md": "Remember to be thorough.",
  });
  const c = await connect({ workflowsDir });
  try {
    const start = await call<StepResponse>(c.client, "start_workflow", {
      input_data: { workflow_name: "SEED_STYLE" },
    });
    assert.equal(start.next_step.step_name, "Get Issue Content");
    assert.match(start.next_step.instructions, /Fetch the issue text\.\nRemember to be thorough\./);
    const responses = await advanceToEnd([c.client], start);
    assert.deepEqual(responses.map((r) => r.next_step.step_name), [
      "Get Issue Content",
      "Analyze Issue",
      "Finish",
      "FINISH",
    ]);
    assert.equal(responses.at(-1)!.status, "COMPLETED");
    assert.equal(responses.at(-1)!.next_step.instructions, "Workflow completed.");
  } finally {
    await c.close();
  }
});

Deno.test("without a route, the stub ends a failed step's run as FAILED", async () => {
  const workflowsDir = Deno.makeTempDirSync({ prefix: "orch-wf-" });
  writeWorkflow(workflowsDir, "PLAIN", {
    "index.md": "# Plain\n\n# Steps\n\n- [one](steps/one.md)\n- [two](steps/two.md)\n",
    "steps/one.md": "# Orchestrator Guidance\nGo on.\n\n# Client Instructions\nDo one.\n",
    "steps/two.md": "# Orchestrator Guidance\nEnd.\n\n# Client Instructions\nDo two.\n",
  });
  const c = await connect({ workflowsDir });
  try {
    const start = await call<StepResponse>(c.client, "start_workflow", { workflow_name: "PLAIN" });
    const failed = await call<StepResponse>(c.client, "advance_workflow", {
      instance_id: start.instance_id,
      report: { step_id: "one", status: "failure", error: "user left" },
    });
    assert.equal(failed.decision.source, "ai");
    assert.equal(failed.status, "FAILED");
    assert.equal(failed.next_step.step_name, "FINISH");
    assert.match(failed.next_step.instructions, /FAILED/);
    assert.match(
      await callError(c.client, "cancel_workflow", { instance_id: start.instance_id }),
      /already FAILED/,
    );
  } finally {
    await c.close();
  }
});

Deno.test("list_instances filters and pages; cancel_workflow ends a run", async () => {
  const c = await connect();
  try {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await call<StepResponse>(c.client, "start_workflow", {
        workflow_name: "JOKE_GENERATOR",
      });
      ids.push(r.instance_id);
    }
    const cancelled = await call<Status>(c.client, "cancel_workflow", {
      instance_id: ids[0],
      reason: "changed my mind",
    });
    assert.equal(cancelled.status, "CANCELLED");
    const page1 = await call<
      { instances: { instance_id: string }[]; total: number; next_offset?: number }
    >(
      c.client,
      "list_instances",
      { status: "RUNNING", limit: 1 },
    );
    assert.equal(page1.total, 2);
    assert.equal(page1.instances.length, 1);
    assert.equal(page1.next_offset, 1);
    const all = await call<{ total: number }>(c.client, "list_instances", {
      workflow_name: "JOKE_GENERATOR",
    });
    assert.equal(all.total, 3);
    const howto = await call<{ content: string }>(c.client, "get_howto_create_workflow_content");
    assert.match(howto.content, /Client Instructions/);
  } finally {
    await c.close();
  }
});

Deno.test("the tools declare schemas and annotations", async () => {
  const c = await connect();
  try {
    const { tools } = await c.client.listTools();
    const names = tools.map((t) => t.name).sort();
    assert.deepEqual(names, [
      "advance_workflow",
      "cancel_workflow",
      "get_howto_create_workflow_content",
      "get_workflow_history",
      "get_workflow_status",
      "list_instances",
      "list_workflows",
      "resume_workflow",
      "start_workflow",
      "suspend_workflow",
    ]);
    for (const tool of tools) {
      assert.ok(tool.description && tool.description.length > 40, tool.name);
      assert.equal(tool.inputSchema.type, "object");
      assert.equal(tool.outputSchema?.type, "object", tool.name);
      assert.equal(typeof tool.annotations?.readOnlyHint, "boolean", tool.name);
    }
    assert.equal(
      tools.find((t) => t.name === "get_workflow_status")!.annotations!.readOnlyHint,
      true,
    );
    assert.equal(
      tools.find((t) => t.name === "cancel_workflow")!.annotations!.destructiveHint,
      true,
    );
  } finally {
    await c.close();
  }
});

Deno.test("the server writes nothing outside its DB folder", async () => {
  const root = Deno.makeTempDirSync({ prefix: "orch-db-" });
  const c = await connect({ dbPath: join(root, "nested", "state.sqlite") });
  try {
    await call(c.client, "start_workflow", { workflow_name: "JOKE_GENERATOR" });
  } finally {
    await c.close();
  }
  const entries = [...Deno.readDirSync(root)].map((e) => e.name);
  assert.deepEqual(entries, ["nested"]);
});
