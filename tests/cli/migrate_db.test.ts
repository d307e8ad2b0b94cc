/**
 * `migrate-db` end to end: runs recorded by a real server in a SQLite file are copied by the real
 * command line (with the launcher's permission flags) into a PostgreSQL database, where a server
 * on PostgreSQL continues them; running it again copies nothing twice.
 */
import assert from "node:assert/strict";
import type { StepResponse } from "../../src/engine/responses.ts";
import { runCli } from "../helpers/cli.ts";
import { BUILTIN_WORKFLOWS, call, connect, tempDbPath } from "../helpers/server.ts";
import { freshSchema, POSTGRES_SKIP } from "../store/postgres_helpers.ts";

Deno.test({
  name: "migrate-db copies every run of a SQLite file into PostgreSQL, where they go on",
  ignore: POSTGRES_SKIP !== undefined,
  async fn() {
    const dbPath = tempDbPath();
    const sqlite = await connect({ dbPath });
    const runs: StepResponse[] = [];
    try {
      for (const workflow_name of ["JOKE_GENERATOR", "SAVE"]) {
        runs.push(await call<StepResponse>(sqlite.client, "start_workflow", { workflow_name }));
      }
      const [joke] = runs;
      runs[0] = await call<StepResponse>(sqlite.client, "advance_workflow", {
        instance_id: joke!.instance_id,
        report: { step_id: "greet", status: "success" },
        context_updates: { user: { name: "Ada" } },
      });
      await call(sqlite.client, "cancel_workflow", { instance_id: runs[1]!.instance_id });
    } finally {
      await sqlite.close();
    }

    await using schema = await freshSchema();
    const env = { WORKFLOW_DB_URL: schema.url };
    const paths = { workflowsDir: BUILTIN_WORKFLOWS, dbPath };
    const first = await runCli(["migrate-db"], paths, env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Copied 2 runs \(4 history entries\) .* 0 were already there/);
    const again = await runCli(["migrate-db"], paths, env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Copied 0 runs \(0 history entries\) .* 2 were already there/);

    const listed = await runCli(["instances", "--json"], paths, env);
    assert.equal(listed.code, 0, listed.stderr);
    const { instances } = JSON.parse(listed.stdout) as {
      instances: { instance_id: string; status: string; history_length: number }[];
    };
    assert.deepEqual(
      instances.map((i) => [i.instance_id, i.status, i.history_length]).sort(),
      [
        [runs[0]!.instance_id, "RUNNING", 2],
        [runs[1]!.instance_id, "CANCELLED", 2],
      ].sort(),
    );

    // A server on PostgreSQL continues the copied run from where SQLite left it.
    const postgres = await connect({ dbPath, env });
    try {
      const next = await call<StepResponse>(postgres.client, "advance_workflow", {
        instance_id: runs[0]!.instance_id,
        report: { step_id: "ask_theme", status: "success" },
      });
      assert.equal(next.next_step.step_name, "tell_joke");
      assert.deepEqual(next.current_context.user, { name: "Ada" });
    } finally {
      await postgres.close();
    }
  },
});

Deno.test("migrate-db without a PostgreSQL URL says what to set", async () => {
  const result = await runCli(["migrate-db"], {
    workflowsDir: BUILTIN_WORKFLOWS,
    dbPath: tempDbPath(),
  });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /set the destination with --db-url or WORKFLOW_DB_URL/);
});
