/**
 * `suspend_workflow`: a suspended run keeps its step, refuses reports from any client until
 * `resume_workflow` continues it, shows as SUSPENDED in status and listings, and can still be
 * cancelled.
 */
import assert from "node:assert/strict";
import type { StepResponse } from "../../src/engine/responses.ts";
import { call, callError, connect, tempDbPath } from "../helpers/server.ts";

interface Status {
  status: string;
  current_step_name: string;
  history_length: number;
}

Deno.test("a suspended run refuses reports until resume_workflow continues it", async () => {
  const dbPath = tempDbPath();
  const a = await connect({ dbPath });
  const b = await connect({ dbPath });
  try {
    const run = await call<StepResponse>(a.client, "start_workflow", {
      workflow_name: "JOKE_GENERATOR",
    });
    const id = run.instance_id;
    const suspended = await call<Status>(a.client, "suspend_workflow", {
      instance_id: id,
      reason: "lunch",
    });
    assert.deepEqual([suspended.status, suspended.current_step_name], ["SUSPENDED", "greet"]);
    // Idempotent: suspending again records nothing.
    const again = await call<Status>(b.client, "suspend_workflow", { instance_id: id });
    assert.equal(again.history_length, suspended.history_length);

    const refused = await callError(b.client, "advance_workflow", {
      instance_id: id,
      report: { step_id: "greet", status: "success" },
    });
    assert.match(refused, /is suspended at step 'greet'.*resume_workflow/);
    const listed = await call<{ total: number }>(b.client, "list_instances", {
      status: "SUSPENDED",
    });
    assert.equal(listed.total, 1);

    const resumed = await call<StepResponse & { reconciliation: { action: string } }>(
      b.client,
      "resume_workflow",
      {
        instance_id: id,
        assumed_current_step_name: "greet",
        report: { step_id: "greet", status: "success" },
      },
    );
    assert.equal(resumed.status, "RUNNING");
    assert.equal(resumed.next_step.step_name, "greet");
    assert.match(resumed.reconciliation.action, /was suspended; it is running again/);
    assert.match(resumed.reconciliation.action, /recorded in the history but not applied/);
    const next = await call<StepResponse>(a.client, "advance_workflow", {
      instance_id: id,
      report: { step_id: "greet", status: "success" },
    });
    assert.equal(next.next_step.step_name, "ask_theme");

    const history = await call<{ entries: { decision: { source: string; reasoning?: string } }[] }>(
      a.client,
      "get_workflow_history",
      { instance_id: id },
    );
    assert.deepEqual(
      history.entries.map((e) => e.decision.source),
      ["start", "suspend", "resume", "route"],
    );
    assert.equal(history.entries[1]!.decision.reasoning, "Suspended: lunch");

    // A suspended run can still be cancelled; a finished one cannot be suspended.
    await call(a.client, "suspend_workflow", { instance_id: id });
    const cancelled = await call<Status>(a.client, "cancel_workflow", { instance_id: id });
    assert.equal(cancelled.status, "CANCELLED");
    assert.match(
      await callError(a.client, "suspend_workflow", { instance_id: id }),
      /already CANCELLED/,
    );
  } finally {
    await a.close();
    await b.close();
  }
});
