/**
 * Concurrency end to end: several server processes (one MCP client each) on one SQLite file.
 * Many instances advanced at once must all finish with no error reaching a client (no SQLITE_BUSY,
 * no lock timeout); many calls racing on one step must apply exactly once, every other racer
 * getting a clear conflict or stale-report error.
 */
import assert from "node:assert/strict";
import type { Client } from "@modelcontextprotocol/client";
import { call, connect, type Connected, tempDbPath, toolText } from "../helpers/server.ts";
import { checkDatabaseFile } from "./db_invariants.ts";
import type { StepResponse } from "../../src/engine/responses.ts";

const SERVERS = 4;

async function servers(dbPath: string): Promise<Connected[]> {
  return await Promise.all(Array.from({ length: SERVERS }, () => connect({ dbPath })));
}

Deno.test("4 processes advance 24 instances at once: all finish, no error reaches a client", async () => {
  const dbPath = tempDbPath();
  const all = await servers(dbPath);
  let slowestMs = 0;
  let calls = 0;
  try {
    const started = await Promise.all(
      Array.from(
        { length: 24 },
        (_, i) =>
          call<StepResponse>(all[i % SERVERS]!.client, "start_workflow", {
            workflow_name: i % 2 ? "JOKE_GENERATOR" : "REFACTOR_WITH_TESTS",
            context: { n: i },
          }),
      ),
    );
    // Each instance is driven by a different process at every step, all instances in parallel.
    const finals = await Promise.all(started.map(async (first, i) => {
      let current = first;
      for (let k = 0; current.status === "RUNNING"; k++) {
        const client = all[(i + k) % SERVERS]!.client;
        const began = performance.now();
        current = await call<StepResponse>(client, "advance_workflow", {
          instance_id: current.instance_id,
          report: { step_id: current.next_step.step_name, status: "success", message: `${k}` },
          context_updates: { [`by_${k}`]: (i + k) % SERVERS },
        });
        slowestMs = Math.max(slowestMs, performance.now() - began);
        calls += 1;
      }
      return current;
    }));
    assert.deepEqual(new Set(finals.map((f) => f.status)), new Set(["COMPLETED"]));
  } finally {
    await Promise.all(all.map((c) => c.close()));
  }
  console.log(
    `concurrency: ${calls} advances from ${SERVERS} processes, 0 errors, slowest call ` +
      `${Math.round(slowestMs)} ms (busy_timeout 5000 ms)`,
  );
  assert.deepEqual(checkDatabaseFile(dbPath), []);
});

/** Send `reports` concurrently, spread over the clients; returns the raw results. */
function race(clients: Client[], instanceId: string, reports: Record<string, unknown>[]) {
  return Promise.all(reports.map((report, i) =>
    clients[i % clients.length]!.callTool({
      name: "advance_workflow",
      arguments: { instance_id: instanceId, report },
    })
  ));
}

Deno.test("8 racers per step on one instance: exactly one applies, 7 get conflict or stale", async () => {
  const dbPath = tempDbPath();
  const all = await servers(dbPath);
  const clients = all.map((c) => c.client);
  let conflicts = 0;
  let stale = 0;
  let expected = 0;
  let steps = 0;
  try {
    for (let run = 0; run < 4; run++) {
      let current = await call<StepResponse>(clients[run % SERVERS]!, "start_workflow", {
        workflow_name: "JOKE_GENERATOR",
      });
      const winners: string[] = [];
      while (current.status === "RUNNING") {
        const step = current.next_step.step_name;
        const reports = Array.from({ length: 8 }, (_, r) => ({
          step_id: step,
          status: "success",
          message: `racer ${r}`,
        }));
        const results = await race(clients, current.instance_id, reports);
        const applied = results.flatMap((result, r) => result.isError ? [] : [r]);
        assert.equal(applied.length, 1, `step ${step}: ${applied.length} racers applied`);
        for (const result of results.filter((x) => x.isError)) {
          const text = toolText(result);
          if (/^Conflict: run '.*' was changed by another call/.test(text)) {
            conflicts += 1;
          } else if (
            /^Stale report for run '.*': it reports on step/.test(text) ||
            // The winner of the last step ended the run.
            /^Run '.*' is already COMPLETED; it accepts no more reports/.test(text)
          ) {
            stale += 1;
          } else assert.fail(`unexpected error for a racer: ${text}`);
        }
        expected += reports.length - 1;
        steps += 1;
        winners.push(`racer ${applied[0]}`);
        current = results[applied[0]!]!.structuredContent as unknown as StepResponse;
      }
      // The history holds exactly the winners' reports, one per step, in order.
      const history = await call<{ entries: { report: { message: string } | null }[] }>(
        clients[0]!,
        "get_workflow_history",
        { instance_id: current.instance_id },
      );
      assert.deepEqual(history.entries.slice(1).map((e) => e.report?.message), winners);
    }
  } finally {
    await Promise.all(all.map((c) => c.close()));
  }
  console.log(
    `race: ${steps} contested steps, ${expected} losing racers expected, ` +
      `${conflicts + stale} rejected (${conflicts} conflict, ${stale} stale), 0 double-applied`,
  );
  assert.equal(conflicts + stale, expected);
  assert.deepEqual(checkDatabaseFile(dbPath), []);
});

Deno.test("identical retries racing: one applies, the others replay it or conflict", async () => {
  const dbPath = tempDbPath();
  const all = await servers(dbPath);
  const clients = all.map((c) => c.client);
  try {
    const first = await call<StepResponse>(clients[0]!, "start_workflow", {
      workflow_name: "JOKE_GENERATOR",
    });
    const report = { step_id: first.next_step.step_name, status: "success", message: "same" };
    const results = await race(clients, first.instance_id, Array(8).fill(report));
    const answers = results.filter((r) => !r.isError).map((r) =>
      JSON.stringify(r.structuredContent)
    );
    assert.ok(answers.length >= 1);
    assert.equal(new Set(answers).size, 1, "every successful racer got the same response");
    for (const result of results.filter((r) => r.isError)) {
      assert.match(toolText(result), /^Conflict: /);
      // A conflict is retryable: the same call now replays the applied response.
      const retried = await clients[0]!.callTool({
        name: "advance_workflow",
        arguments: { instance_id: first.instance_id, report },
      });
      assert.equal(JSON.stringify(retried.structuredContent), answers[0]);
    }
    const status = await call<{ history_length: number }>(clients[1]!, "get_workflow_status", {
      instance_id: first.instance_id,
    });
    assert.equal(status.history_length, 2);
  } finally {
    await Promise.all(all.map((c) => c.close()));
  }
  assert.deepEqual(checkDatabaseFile(dbPath), []);
});
