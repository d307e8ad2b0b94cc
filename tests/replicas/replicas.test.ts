/**
 * Three replicas (`serve --http`, launcher flags, one WORKFLOW_DB_URL, one token) serve one run
 * in turns: a run started on A is advanced on B, then C, then A, and every read on any replica
 * sees the others' writes at once. Replica B's files differ from A's and C's: a run started on A
 * continues on B with A's definition (pinned in the database), and B says so. Racing advances
 * of one run from the three replicas: exactly one applied per step, the others refused clearly;
 * identical racers all get the winner's answer.
 * @module
 */
import assert from "node:assert/strict";
import type { Client } from "@modelcontextprotocol/client";
import { call } from "../helpers/server.ts";
import type { StepResponse } from "../helpers/advance.ts";
import { writeWorkflow } from "../helpers/workflows.ts";
import { adminConnection, freshSchema } from "../store/postgres_helpers.ts";
import { attempt, ignore, type Replica, startReplicas } from "./helpers.ts";

/** Steps of the RACE workflow; every other one has a declared route, the rest the stub's order. */
const RACE_STEPS = 20;

/** A step file routed to `next` (or by a status map) with these client instructions. */
const step = (next: string, instructions: string) =>
  `---\n${next.startsWith("{") ? "on" : "next"}: ${next}\n---\n# Orchestrator Guidance\n` +
  `Go on.\n\n# Client Instructions\n${instructions}\n`;

/**
 * Two workflows folders: HANDOFF the same in both; PINNED's first step changed in the second
 * (other instructions, and `success` routed to `done` instead of `check`).
 */
function workflowFolders(): [string, string] {
  const folders = [0, 1].map(() => Deno.makeTempDirSync({ prefix: "orch-replica-wf-" }));
  for (const [i, dir] of folders.entries()) {
    writeWorkflow(dir, "HANDOFF", {
      "index.md": "# Handoff\n\n# Steps\n\n- one\n- two\n- three\n- four\n",
      "steps/one.md": step("two", "Do one."),
      "steps/two.md": step("three", "Do two."),
      "steps/three.md": step("four", "Do three."),
      "steps/four.md": step("FINISH", "Do four."),
    });
    writeWorkflow(dir, "PINNED", {
      "index.md": "# Pinned\n\n# Steps\n\n- intro\n- check\n- done\n",
      "steps/intro.md": i === 0
        ? step("check", "Introduce yourself (version 1).")
        : step("{success: done, failure: check}", "Introduce yourself (version 2)."),
      "steps/check.md": step("done", "Check the work (version 1)."),
      "steps/done.md": step("FINISH", "Wrap up."),
    });
    const races = Array.from({ length: RACE_STEPS }, (_, n) => `s${n + 1}`);
    writeWorkflow(dir, "RACE", {
      "index.md": `# Race\n\n# Steps\n\n${races.map((name) => `- ${name}\n`).join("")}`,
      ...Object.fromEntries(races.map((name, n) => [
        `steps/${name}.md`,
        n % 2 === 0
          ? step(races[n + 1] ?? "FINISH", `Do ${name}.`)
          : `# Orchestrator Guidance\nGo on.\n\n# Client Instructions\nDo ${name}.\n`,
      ])),
    });
  }
  return folders as [string, string];
}

/** Report `success` on `step` of run `id` through `client`. */
const reportSuccess = (client: Client, id: string, step: string, message?: string) =>
  call<StepResponse>(client, "advance_workflow", {
    instance_id: id,
    report: { step_id: step, status: "success", message },
  });

interface Status {
  status: string;
  current_step_name: string;
  history_length: number;
}

/** What one replica says about a run: its status, its history and the instance listing. */
async function viewFrom(client: Client, id: string) {
  const status = await call<Status>(client, "get_workflow_status", { instance_id: id });
  const history = await call<{ total: number; entries: { step_name: string | null }[] }>(
    client,
    "get_workflow_history",
    { instance_id: id },
  );
  const listed = await call<{ total: number; instances: { instance_id: string }[] }>(
    client,
    "list_instances",
    { workflow_name: "HANDOFF" },
  );
  return {
    status: [status.status, status.current_step_name, status.history_length],
    history: [history.total, history.entries.map((e) => e.step_name)],
    listed: [listed.total, listed.instances.map((i) => i.instance_id)],
  };
}

/** Every replica's view of the run, which must all be the same; returns it. */
async function sameEverywhere(replicas: readonly Replica[], id: string) {
  const views = await Promise.all(replicas.map((r) => viewFrom(r.client, id)));
  for (const [i, view] of views.entries()) {
    assert.deepEqual(view, views[0], `replica ${replicas[i]!.name} disagrees`);
  }
  return views[0]!;
}

Deno.test({
  name: "replicas: a run moves A -> B -> C -> A; every replica sees every change at once",
  ignore,
  async fn(t) {
    await using db = await freshSchema();
    const [x, y] = workflowFolders();
    await using replicas = await startReplicas(db.url, [
      { workflowsDir: x },
      { workflowsDir: y },
      { workflowsDir: x },
    ]);
    const [a, b, c] = replicas.all as [Replica, Replica, Replica];

    await t.step("hand-off: started on A, advanced on B, C, then A", async () => {
      // Another run first, so that the listing has more than one entry to agree on.
      await call(c.client, "start_workflow", { workflow_name: "HANDOFF" });
      let current = await call<StepResponse>(a.client, "start_workflow", {
        workflow_name: "HANDOFF",
      });
      const id = current.instance_id;
      const seen = await sameEverywhere(replicas.all, id);
      assert.deepEqual(seen.status, ["RUNNING", "one", 1]);
      assert.equal(seen.listed[0], 2);
      const expected = [["two", 2], ["three", 3], ["four", 4], ["FINISH", 5]] as const;
      for (const [turn, replica] of [b, c, a, b].entries()) {
        current = await reportSuccess(
          replica.client,
          id,
          current.next_step.step_name,
          replica.name,
        );
        const [next, length] = expected[turn]!;
        assert.equal(current.next_step.step_name, next);
        // No replica lags: the one that wrote and the two others answer the same, at once.
        const view = await sameEverywhere(replicas.all, id);
        assert.deepEqual(view.status, [current.status, next, length]);
        assert.equal(view.history[0], length);
      }
      assert.equal(current.status, "COMPLETED");
      const final = await sameEverywhere(replicas.all, id);
      assert.deepEqual(final.history[1], [null, "one", "two", "three", "four"]);
      const completed = await Promise.all(
        replicas.all.map((r) =>
          call<{ total: number }>(r.client, "list_instances", { status: "COMPLETED" })
        ),
      );
      assert.deepEqual(completed.map((l) => l.total), [1, 1, 1]);
      await using admin = adminConnection();
      const [row] = await admin.unsafe(
        `SELECT count(*)::int AS n FROM ${db.role}.workflow_instances WHERE status = 'RUNNING'`,
      );
      const running = await call<{ total: number }>(b.client, "list_instances", {
        status: "RUNNING",
      });
      assert.equal(running.total, row?.n);
    });

    await t.step("a run started on A continues on B with A's definition", async () => {
      const first = await call<StepResponse>(a.client, "start_workflow", {
        workflow_name: "PINNED",
      });
      assert.equal(first.next_step.instructions, "Introduce yourself (version 1).");
      assert.equal(first.definition_notice, undefined);
      const onB = await reportSuccess(b.client, first.instance_id, "intro");
      // B's files route intro -> done; the run follows A's version: intro -> check.
      assert.equal(onB.next_step.step_name, "check");
      assert.equal(onB.next_step.instructions, "Check the work (version 1).");
      assert.match(onB.definition_notice ?? "", /changed on disk since this run started/);
      const resumed = await call<StepResponse>(b.client, "resume_workflow", {
        instance_id: first.instance_id,
        assumed_current_step_name: "check",
      });
      assert.equal(resumed.next_step.instructions, "Check the work (version 1).");
      const onA = await reportSuccess(a.client, first.instance_id, "check");
      assert.equal(onA.next_step.step_name, "done");
      assert.equal(onA.definition_notice, undefined);
      // A run started on B uses B's own version, and C (A's files) continues it on that.
      const fromB = await call<StepResponse>(b.client, "start_workflow", {
        workflow_name: "PINNED",
      });
      assert.equal(fromB.next_step.instructions, "Introduce yourself (version 2).");
      const onC = await reportSuccess(c.client, fromB.instance_id, "intro");
      assert.equal(onC.next_step.step_name, "done");
      assert.match(onC.definition_notice ?? "", /changed on disk/);
    });

    await t.step("racing advances from three replicas: one applied per step", async () => {
      const first = await call<StepResponse>(a.client, "start_workflow", { workflow_name: "RACE" });
      const id = first.instance_id;
      let step = first.next_step.step_name;
      for (let round = 1; round <= RACE_STEPS; round++) {
        const outcomes = await Promise.all(
          replicas.all.map((r) =>
            attempt(r.client, "advance_workflow", {
              instance_id: id,
              report: { step_id: step, status: "success", message: `${r.name} in round ${round}` },
            })
          ),
        );
        const won = outcomes.flatMap((o) => o.ok ? [o.content as unknown as StepResponse] : []);
        assert.equal(won.length, 1, `round ${round}: ${JSON.stringify(outcomes)}`);
        for (const lost of outcomes.filter((o) => !o.ok)) {
          assert.ok(!lost.ok && !lost.thrown, JSON.stringify(lost));
          // A loser that comes after the winner finished the run is told the run has ended.
          const refusal = round === RACE_STEPS
            ? /Stale report|Conflict|is already COMPLETED/
            : /Stale report|Conflict/;
          assert.match(lost.error, refusal);
        }
        step = won[0]!.next_step.step_name;
      }
      assert.equal(step, "FINISH");
      await using admin = adminConnection();
      const rows = await admin.unsafe(
        `SELECT seq, step_name FROM ${db.role}.workflow_history WHERE instance_id = $1 ORDER BY seq`,
        [id],
      );
      const steps = Array.from({ length: RACE_STEPS }, (_, n) => `s${n + 1}`);
      assert.deepEqual(rows.map((r) => r.seq), [...steps.keys(), RACE_STEPS].map((n) => n + 1));
      assert.deepEqual(rows.map((r) => r.step_name), [null, ...steps]);
    });

    await t.step("identical racers on three replicas all get the same answer", async () => {
      const first = await call<StepResponse>(b.client, "start_workflow", { workflow_name: "RACE" });
      let step = first.next_step.step_name;
      for (let round = 1; round <= RACE_STEPS / 2; round++) {
        const args = {
          instance_id: first.instance_id,
          report: { step_id: step, status: "success", message: `everyone in round ${round}` },
        };
        const answers = await Promise.all(
          replicas.all.map((r) => call<StepResponse>(r.client, "advance_workflow", args)),
        );
        for (const answer of answers) assert.deepEqual(answer, answers[0]);
        step = answers[0]!.next_step.step_name;
        assert.equal(step, `s${round + 1}`);
      }
      const status = await call<Status>(c.client, "get_workflow_status", {
        instance_id: first.instance_id,
      });
      assert.equal(status.history_length, RACE_STEPS / 2 + 1);
    });
  },
});
