/**
 * The database restarts under a replica serving HTTP (a private password-checking cluster, so it
 * can be restarted): while idle, while advances are in flight, and while it stays down for a
 * moment. Calls that meet it away get the store's retryable "unreachable … Retry once it is back"
 * error at once (never a hang, never the password), the pool reconnects by itself (same server
 * process), nothing acknowledged is lost, nothing is applied twice, and every run completes.
 * @module
 */
import assert from "node:assert/strict";
import type { Client } from "@modelcontextprotocol/client";
import type { StepResponse } from "../helpers/advance.ts";
import { sleep } from "../helpers/wait.ts";
import { writeWorkflow } from "../helpers/workflows.ts";
import type { Acknowledged } from "../reliability/db_invariants.ts";
import { startScramCluster } from "../store/postgres_scram_cluster.ts";
import { attempt, ignore, startReplicas } from "./helpers.ts";
import { checkDatabase } from "./invariants.ts";

const PASSWORD = "restart-p@ss word";
/** Steps of each run: enough that runs are still going when the database restarts. */
const STEPS = 30;
/** What the store says when the database is away (`DatabaseUnavailableError`). */
const UNREACHABLE =
  /^The database postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres is unreachable \(.+\) while .+ Retry once it is back\.$/s;

/** A linear workflow of `STEPS` routed steps. */
function workflowsDir(): string {
  const dir = Deno.makeTempDirSync({ prefix: "orch-db-restart-" });
  const names = Array.from({ length: STEPS }, (_, n) => `s${n + 1}`);
  writeWorkflow(dir, "LONG", {
    "index.md": `# Long\n\n# Steps\n\n${names.map((name) => `- ${name}\n`).join("")}`,
    ...Object.fromEntries(names.map((name, n) => [
      `steps/${name}.md`,
      `---\nnext: ${names[n + 1] ?? "FINISH"}\n---\n# Orchestrator Guidance\nGo on.\n\n` +
      `# Client Instructions\nDo ${name}.\n`,
    ])),
  });
  return dir;
}

/** A client's runs: what it was told, and every database error it met on the way. */
class Driver {
  readonly acks: Acknowledged[] = [];
  /** When each acknowledgement arrived (`performance.now()`). */
  readonly ackedAt: number[] = [];
  readonly errors: string[] = [];
  constructor(readonly client: Client) {}

  /** Call until the database answers; an error must be the retryable "unreachable" one. */
  async call(name: string, args: Record<string, unknown>): Promise<StepResponse> {
    for (;;) {
      const outcome = await attempt(this.client, name, args);
      if (outcome.ok) return outcome.content as unknown as StepResponse;
      assert.ok(!outcome.thrown, `the replica failed the request: ${outcome.error}`);
      assert.match(outcome.error, UNREACHABLE);
      this.errors.push(outcome.error);
      await sleep(50);
    }
  }

  async start(): Promise<StepResponse> {
    const first = await this.call("start_workflow", { workflow_name: "LONG" });
    this.#acknowledge(first, null, 1);
    return first;
  }

  /** Report success on the current step (sent again identically after an error). */
  async advance(run: StepResponse, seq: number): Promise<StepResponse> {
    const step = run.next_step.step_name;
    const next = await this.call("advance_workflow", {
      instance_id: run.instance_id,
      report: { step_id: step, status: "success", message: `${run.instance_id} ${step}` },
    });
    this.#acknowledge(next, step, seq);
    return next;
  }

  /** Advance `run` (at history length `seq`) until it ends, `pauseMs` between steps. */
  async finish(run: StepResponse, seq: number, pauseMs = 0): Promise<StepResponse> {
    while (run.status === "RUNNING") {
      run = await this.advance(run, ++seq);
      await sleep(pauseMs);
    }
    return run;
  }

  #acknowledge(response: StepResponse, step: string | null, seq: number): void {
    const nextStep = response.next_step.step_name;
    this.acks.push({ instanceId: response.instance_id, seq, step, nextStep });
    this.ackedAt.push(performance.now());
  }

  /** How long after `since` the first call succeeded, in ms. */
  firstAnswerAfter(since: number): number {
    return Math.round(Math.min(...this.ackedAt.filter((at) => at > since)) - since);
  }
}

Deno.test({
  name: "replicas: the database restarts idle, mid-call and stays down; the replica carries on",
  ignore,
  async fn(t) {
    await using cluster = await startScramCluster(PASSWORD);
    await using replicas = await startReplicas(cluster.url(PASSWORD), [{
      workflowsDir: workflowsDir(),
    }]);
    const replica = replicas.at(0);
    const driver = new Driver(replica.client);
    const runs = await Promise.all(Array.from({ length: 4 }, () => driver.start()));
    const lengths = runs.map(() => 1);
    const recoveries: number[] = [];
    let slowestWhileDown = 0;

    assert.ok(
      await t.step("an idle restart: the next calls simply work", async () => {
        for (const [i, run] of runs.entries()) runs[i] = await driver.advance(run, ++lengths[i]!);
        await cluster.restart();
        const back = performance.now();
        for (const [i, run] of runs.entries()) runs[i] = await driver.advance(run, ++lengths[i]!);
        recoveries.push(driver.firstAnswerAfter(back));
        assert.deepEqual(driver.errors, [], "no call after an idle restart fails");
      }),
    );

    assert.ok(
      await t.step("a restart with advances in flight: retryable errors, then on", async () => {
        const advancing = runs.map((run, i) =>
          (async () => {
            for (let n = 0; n < 8; n++) {
              runs[i] = run = await driver.advance(run, ++lengths[i]!);
              await sleep(20);
            }
          })()
        );
        await sleep(100);
        await cluster.restart();
        const back = performance.now();
        await Promise.all(advancing);
        recoveries.push(driver.firstAnswerAfter(back));
        assert.ok(driver.errors.length > 0, "the restart met calls in flight");
      }),
    );

    assert.ok(
      await t.step(
        "while the database is down, calls fail at once; then the runs finish",
        async () => {
          await cluster.stop();
          const run = runs[0]!;
          for (
            const [name, args] of [
              ["get_workflow_status", { instance_id: run.instance_id }],
              ["advance_workflow", {
                instance_id: run.instance_id,
                report: { step_id: run.next_step.step_name, status: "success" },
              }],
              ["start_workflow", { workflow_name: "LONG" }],
            ] as const
          ) {
            const began = performance.now();
            const outcome = await attempt(replica.client, name, args, 10_000);
            const took = performance.now() - began;
            assert.ok(!outcome.ok && !outcome.thrown, `${name}: ${JSON.stringify(outcome)}`);
            assert.match(outcome.error, UNREACHABLE);
            assert.match(outcome.error, /connection refused|ECONNREFUSED/i);
            assert.match(outcome.error, /This call changed nothing\./);
            assert.ok(took < 2_000, `${name} answered after ${took} ms`);
            slowestWhileDown = Math.max(slowestWhileDown, Math.round(took));
          }
          await cluster.start();
          const back = performance.now();
          const done = await Promise.all(runs.map((r, i) => driver.finish(r, lengths[i]!)));
          assert.deepEqual(done.map((r) => r.status), runs.map(() => "COMPLETED"));
          recoveries.push(driver.firstAnswerAfter(back));
        },
      ),
    );

    const found = await checkDatabase("public", driver.acks, cluster.url(PASSWORD));
    assert.deepEqual(found.problems, []);
    assert.equal(found.historyRows, runs.length * (STEPS + 1));
    assert.equal(driver.acks.length, found.historyRows);
    const said = [...driver.errors, replica.stderr()].join("\n");
    assert.ok(!said.includes(PASSWORD), "the password is never shown");
    assert.ok(!said.includes(encodeURIComponent(PASSWORD)), "not even URL-encoded");
    assert.ok(replica.listening, "the same replica process served throughout");
    const kinds = new Set(driver.errors.map((e) => /unreachable \((.*?)\) while/s.exec(e)?.[1]));
    console.log(
      `database restarts: ${driver.errors.length} retryable errors (${[...kinds].join("; ")}); ` +
        `slowest answer while down ${slowestWhileDown} ms; first answer after the database was ` +
        `back: ${recoveries.join(" ms, ")} ms`,
    );
  },
});
