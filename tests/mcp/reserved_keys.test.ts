/**
 * A `__proto__` key in client JSON is refused with the same error wherever it appears: at the top
 * of `start_workflow.context` or `context_updates` (where the tool schema's record parse would
 * silently drop it) as well as nested, and nothing is written.
 */
import assert from "node:assert/strict";
import { call, callError, connect } from "../helpers/server.ts";

/** `{ "__proto__": …, … }` as an own key, the way JSON.parse (and so a client) makes it. */
const withProto = (json: string) => JSON.parse(json) as Record<string, unknown>;

Deno.test("a __proto__ key is refused at the top of a context or patch, as it is nested", async () => {
  const c = await connect();
  try {
    const refusedStart = (context: Record<string, unknown>) =>
      callError(c.client, "start_workflow", { workflow_name: "JOKE_GENERATOR", context });
    const reserved =
      /^The context uses the reserved key '__proto__' \(at (a\.)?__proto__\)\. Rename that key\.$/;
    assert.match(
      await refusedStart(withProto('{"__proto__": {"x": 1}, "theme": "cats"}')),
      reserved,
    );
    assert.match(await refusedStart(withProto('{"a": {"__proto__": {"x": 1}}}')), reserved);
    const { total } = await call<{ total: number }>(c.client, "list_instances");
    assert.equal(total, 0, "a refused start creates no run");

    const started = await call<{ instance_id: string }>(c.client, "start_workflow", {
      workflow_name: "JOKE_GENERATOR",
    });
    const patch = withProto('{"__proto__": {"polluted": true}}');
    const report = { step_id: "greet", status: "success" };
    const patchRefused = /^context_updates uses the reserved key '__proto__' \(at __proto__\)/;
    assert.match(
      await callError(c.client, "advance_workflow", {
        instance_id: started.instance_id,
        report,
        context_updates: patch,
      }),
      patchRefused,
    );
    assert.match(
      await callError(c.client, "resume_workflow", {
        instance_id: started.instance_id,
        assumed_current_step_name: "greet",
        report,
        context_updates: patch,
      }),
      patchRefused,
    );
    const status = await call<{ current_step_name: string; history_length: number }>(
      c.client,
      "get_workflow_status",
      { instance_id: started.instance_id },
    );
    assert.deepEqual([status.current_step_name, status.history_length], ["greet", 1]);
  } finally {
    await c.close();
  }
});
