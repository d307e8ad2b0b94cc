/**
 * `start_workflow` with a client-chosen `request_id`: a repeated start (a lost answer, a client
 * restart, a server restart in between) returns the run the first call started, never a second
 * run; the same key with other arguments is refused.
 */
import assert from "node:assert/strict";
import type { StepResponse } from "../../src/engine/responses.ts";
import { call, callError, connect, tempDbPath } from "../helpers/server.ts";

Deno.test("a repeated start with the same request_id returns the same run, also after a restart", async () => {
  const dbPath = tempDbPath();
  const args = { workflow_name: "JOKE_GENERATOR", context: { who: "Ada" }, request_id: "r-1" };
  const first = await connect({ dbPath });
  let started: StepResponse;
  try {
    started = await call<StepResponse>(first.client, "start_workflow", args);
    const again = await call<StepResponse>(first.client, "start_workflow", args);
    assert.equal(again.instance_id, started.instance_id);
    assert.equal(again.next_step.step_name, "greet");
    await call(first.client, "advance_workflow", {
      instance_id: started.instance_id,
      report: { step_id: "greet", status: "success" },
    });
  } finally {
    await first.close();
  }

  // A new server process on the same database: the repeated start finds the run where it is now.
  const second = await connect({ dbPath });
  try {
    const repeated = await call<StepResponse>(second.client, "start_workflow", args);
    assert.equal(repeated.instance_id, started.instance_id);
    assert.equal(repeated.status, "RUNNING");
    assert.equal(repeated.next_step.step_name, "ask_theme");
    assert.match(repeated.decision.reasoning ?? "", /already started run/);
    const listed = await call<{ total: number }>(second.client, "list_instances", {});
    assert.equal(listed.total, 1);

    const other = await callError(second.client, "start_workflow", {
      ...args,
      context: { who: "Grace" },
    });
    assert.match(other, /request_id 'r-1' already started run .* with other arguments/);
    const fresh = await call<StepResponse>(second.client, "start_workflow", {
      ...args,
      request_id: "r-2",
    });
    assert.notEqual(fresh.instance_id, started.instance_id);
    assert.equal((await call<{ total: number }>(second.client, "list_instances", {})).total, 2);
  } finally {
    await second.close();
  }
});
