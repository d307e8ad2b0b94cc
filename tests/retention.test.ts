/**
 * The retention setting: `startRetention` prunes at once and again at every interval, finished
 * runs only; and a real server started with `WORKFLOW_RETENTION_DAYS` (on SQLite and on
 * PostgreSQL) deletes, right after it starts, an old finished run imported from an exported file
 * whose timestamps were moved back, keeping old unfinished and recent finished runs.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import type { EnvVar } from "../src/env_vars.ts";
import { ConfigError } from "../src/errors.ts";
import { startRetention } from "../src/retention.ts";
import { openSqliteStore } from "../src/store/sqlite/store.ts";
import { runCli } from "./helpers/cli.ts";
import { recordRuns } from "./helpers/recorded_runs.ts";
import { BUILTIN_WORKFLOWS, call, callError, connect, tempDbPath } from "./helpers/server.ts";
import { eventually } from "./helpers/wait.ts";
import { asyncDisposable, storedRun } from "./store/helpers.ts";
import { freshSchema, POSTGRES_SKIP } from "./store/postgres_helpers.ts";

Deno.test("startRetention prunes finished runs at start and at every interval", async () => {
  await using store = asyncDisposable(openSqliteStore(":memory:"));
  const old = storedRun("COMPLETED", { finishedDaysAgo: 40 });
  const recent = storedRun("FAILED", { finishedDaysAgo: 10 });
  const running = storedRun("RUNNING");
  for (const run of [old, recent, running]) await store.importRun(run);
  const retention = startRetention(store, 30, 100);
  try {
    const gone = (id: string) => async () =>
      (await store.getInstance(id)) === undefined ? true : undefined;
    await eventually(gone(old.instance.id), "the first prune");
    const later = storedRun("CANCELLED", { finishedDaysAgo: 31 });
    await store.importRun(later);
    await eventually(gone(later.instance.id), "the prune of the next interval");
    assert.ok(await store.getInstance(recent.instance.id));
    assert.ok(await store.getInstance(running.instance.id));
  } finally {
    await retention.stop();
  }
});

/** `instant` moved `days` days back. */
function moveBack(instant: string | null, days: number): string | null {
  return instant === null ? null : new Date(Date.parse(instant) - days * 86_400_000).toISOString();
}

/**
 * Record runs with a real server, import them into the database of `env` (or a new SQLite file)
 * with the completed and the running run's timestamps moved 100 days back, then start a server
 * there with WORKFLOW_RETENTION_DAYS=30: only the old completed run goes.
 */
async function retentionAtStartUp(env: Partial<Record<EnvVar, string>>): Promise<void> {
  const runs = await recordRuns();
  const dbPath = tempDbPath();
  const dir = Deno.makeTempDirSync({ prefix: "retention-test-" });
  for (const id of [runs.completed, runs.running, runs.cancelled]) {
    const exported = await runCli(["export", id], { workflowsDir: BUILTIN_WORKFLOWS, ...runs });
    const file = JSON.parse(exported.stdout);
    const days = id === runs.cancelled ? 0 : 100;
    for (const key of ["createdAt", "updatedAt", "completedAt"]) {
      file.instance[key] = moveBack(file.instance[key], days);
    }
    for (const entry of file.history) entry.createdAt = moveBack(entry.createdAt, days);
    const path = join(dir, `${id}.json`);
    Deno.writeTextFileSync(path, JSON.stringify(file));
    const imported = await runCli(
      ["import", path],
      { workflowsDir: BUILTIN_WORKFLOWS, dbPath },
      env,
    );
    assert.equal(imported.code, 0, imported.stderr);
  }

  const server = await connect({ dbPath, env: { ...env, WORKFLOW_RETENTION_DAYS: "30" } });
  try {
    await eventually(
      () =>
        /retention \(WORKFLOW_RETENTION_DAYS=30\): pruned 1 finished run that finished before/.test(
          server.stderr(),
        ) || undefined,
      "the retention line on stderr",
    );
    const status = (id: string) =>
      call<{ status: string }>(server.client, "get_workflow_status", { instance_id: id });
    assert.match(
      await callError(server.client, "get_workflow_status", { instance_id: runs.completed }),
      /No run with id/,
    );
    assert.equal((await status(runs.running)).status, "RUNNING");
    assert.equal((await status(runs.cancelled)).status, "CANCELLED");
    const listed = await call<{ total: number }>(server.client, "list_instances", {});
    assert.equal(listed.total, 2);
  } finally {
    await server.close();
  }
}

Deno.test("a server with WORKFLOW_RETENTION_DAYS prunes an old finished run at start (SQLite)", () =>
  retentionAtStartUp({}));

Deno.test({
  name: "a server with WORKFLOW_RETENTION_DAYS prunes an old finished run at start (PostgreSQL)",
  ignore: POSTGRES_SKIP !== undefined,
  async fn() {
    await using schema = await freshSchema();
    await retentionAtStartUp({ WORKFLOW_DB_URL: schema.url });
  },
});

Deno.test("WORKFLOW_RETENTION_DAYS is whole days from 1 to 36500, also --retention-days", () => {
  assert.equal(loadConfig({}).retentionDays, undefined);
  assert.equal(loadConfig({ WORKFLOW_RETENTION_DAYS: "30" }).retentionDays, 30);
  assert.equal(
    loadConfig({ WORKFLOW_RETENTION_DAYS: "30" }, { "retention-days": "7" }).retentionDays,
    7,
  );
  for (const days of ["0", "36501", "1.5", "two"]) {
    assert.throws(
      () => loadConfig({ WORKFLOW_RETENTION_DAYS: days }),
      (error) =>
        error instanceof ConfigError &&
        error.message.startsWith(
          `Invalid configuration: WORKFLOW_RETENTION_DAYS (--retention-days)="${days}": `,
        ),
      days,
    );
  }
});
