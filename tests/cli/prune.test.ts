/**
 * `prune` through the real command line (the launcher's permission flags: the database only), on
 * SQLite and on PostgreSQL: a dry run lists the old finished runs and deletes nothing, the filters
 * narrow it, unfinished statuses are refused, `--limit` deletes only the oldest it names, and the
 * real prune deletes exactly the old finished runs and says what became of the space.
 */
import assert from "node:assert/strict";
import type { EnvVar } from "../../src/env_vars.ts";
import { openPostgresStore } from "../../src/store/postgres/store.ts";
import { openSqliteStore } from "../../src/store/sqlite/store.ts";
import type { Store } from "../../src/store/types.ts";
import { runCli } from "../helpers/cli.ts";
import type { RunResult } from "../helpers/processes.ts";
import { BUILTIN_WORKFLOWS, tempDbPath } from "../helpers/server.ts";
import { storedRun } from "../store/helpers.ts";
import { freshSchema, POSTGRES_SKIP } from "../store/postgres_helpers.ts";

/**
 * The runs of each test: two old finished ones (with 100 KB of context each, so deleting them
 * frees whole pages), a recent one, an old unfinished one.
 */
async function fill(store: Store): Promise<Record<string, string>> {
  const context = { notes: "x".repeat(100_000) };
  const runs = {
    oldCompleted: storedRun("COMPLETED", {
      finishedDaysAgo: 40,
      workflowName: "JOKE_GENERATOR",
      context,
    }),
    oldFailed: storedRun("FAILED", { finishedDaysAgo: 50, workflowName: "SAVE", context }),
    recent: storedRun("COMPLETED", { finishedDaysAgo: 1, workflowName: "SAVE" }),
    running: storedRun("RUNNING", { workflowName: "SAVE" }),
  };
  try {
    for (const run of Object.values(runs)) assert.equal(await store.importRun(run), true);
  } finally {
    await store.close();
  }
  return Object.fromEntries(Object.entries(runs).map(([name, run]) => [name, run.instance.id]));
}

/** The run ids `instances` lists. */
async function listed(cli: (args: string[]) => Promise<RunResult>): Promise<string[]> {
  const { code, stdout, stderr } = await cli(["instances", "--json"]);
  assert.equal(code, 0, stderr);
  return (JSON.parse(stdout) as { instances: { instance_id: string }[] }).instances
    .map((i) => i.instance_id).sort();
}

async function pruneScenario(
  cli: (args: string[]) => Promise<RunResult>,
  ids: Record<string, string>,
  space: RegExp,
): Promise<void> {
  const all = Object.values(ids).sort();
  const dry = await cli(["prune", "--older-than", "30d", "--dry-run"]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(
    dry.stdout,
    /^Dry run: 2 COMPLETED, FAILED or CANCELLED runs of every workflow that finished before \d{4}-\d\d-\d\dT[\d:.]+Z would be deleted with their history:$/m,
  );
  const rows = dry.stdout.split("\n").filter((line) => /^[0-9a-f]{8}-/.test(line));
  assert.deepEqual(rows.map((row) => row.split(/\s+/).slice(0, 3)), [
    [ids.oldFailed, "SAVE", "FAILED"],
    [ids.oldCompleted, "JOKE_GENERATOR", "COMPLETED"],
  ]);
  assert.match(dry.stdout, /^ID\s+WORKFLOW\s+STATUS\s+COMPLETED$/m);
  assert.match(dry.stdout, /Nothing was deleted\. Run again without --dry-run/);
  const capped = await cli(["prune", "--older-than", "30d", "--dry-run", "--limit", "1"]);
  assert.match(
    capped.stdout,
    /^Dry run: 2 .* runs .*; the 1 oldest \(--limit 1\) would be deleted/m,
  );
  assert.deepEqual(capped.stdout.match(/^[0-9a-f]{8}-\S+/gm), [ids.oldFailed]);
  assert.match(capped.stdout, /Run again with --limit 1 but without --dry-run to delete them\.$/m);
  const narrowed = await cli([
    "prune",
    "--older-than=2000-01-01",
    "--status=completed,failed",
    "--workflow=SAVE",
    "--dry-run",
  ]);
  assert.match(
    narrowed.stdout,
    /^Dry run: no COMPLETED or FAILED runs of SAVE that finished before 2000-01-01T00:00:00.000Z; nothing would be deleted\.$/m,
  );
  assert.deepEqual(await listed(cli), all);

  const refused = await cli(["prune", "--older-than", "30d", "--status", "RUNNING"]);
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /--status RUNNING: prune deletes finished runs only .* never a RUNNING one/,
  );
  assert.equal(refused.stderr.trim().split("\n").length, 1, refused.stderr);
  const noCutoff = await cli(["prune"]);
  assert.equal(noCutoff.code, 1);
  assert.match(noCutoff.stderr, /prune needs --older-than AGE or DATE/);

  // --limit deletes what the dry run with it listed, and says that more are left.
  const oldest = await cli(["prune", "--older-than", "30d", "--limit", "1"]);
  assert.equal(oldest.code, 0, oldest.stderr);
  assert.match(
    oldest.stdout,
    /^Deleted 1 COMPLETED, FAILED or CANCELLED run of every workflow .* with their history \(1 transaction\)\.\n1 more left \(--limit 1\): run again to delete them\.$/m,
  );
  assert.deepEqual(await listed(cli), all.filter((id) => id !== ids.oldFailed));
  const pruned = await cli(["prune", "--older-than", "30d"]);
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.match(
    pruned.stdout,
    /^Deleted 1 COMPLETED, FAILED or CANCELLED run .* with their history \(1 transaction\)\.$/m,
  );
  assert.doesNotMatch(pruned.stdout, /more left/);
  assert.match(pruned.stdout, space);
  assert.deepEqual(await listed(cli), [ids.recent!, ids.running!].sort());
  const again = await cli(["prune", "--older-than", "30d"]);
  assert.match(again.stdout, /^Nothing was deleted: no COMPLETED, FAILED or CANCELLED runs/m);
}

Deno.test("prune on SQLite: a dry run lists, the real one deletes old finished runs only", async () => {
  const dbPath = tempDbPath();
  const ids = await fill(openSqliteStore(dbPath));
  const paths = { workflowsDir: BUILTIN_WORKFLOWS, dbPath };
  await pruneScenario(
    (args) => runCli(args, paths),
    ids,
    /of free pages stay in .*workflows\.sqlite for new runs; to shrink the file, stop the servers and run: sqlite3 '.*' 'VACUUM'/,
  );
});

Deno.test({
  name: "prune on PostgreSQL: a dry run lists, the real one deletes old finished runs only",
  ignore: POSTGRES_SKIP !== undefined,
  async fn() {
    await using schema = await freshSchema();
    const ids = await fill(await openPostgresStore(schema.url, { poolSize: 1 }));
    const env: Partial<Record<EnvVar, string>> = { WORKFLOW_DB_URL: schema.url };
    const paths = { workflowsDir: BUILTIN_WORKFLOWS, dbPath: tempDbPath() };
    await pruneScenario(
      (args) => runCli(args, paths, env),
      ids,
      /autovacuum makes their space reusable/,
    );
  },
});

Deno.test("prune without a database says where it looked", async () => {
  const dbPath = tempDbPath();
  const result = await runCli(["prune", "--older-than", "30d"], {
    workflowsDir: BUILTIN_WORKFLOWS,
    dbPath,
  });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /No database at .*workflows\.sqlite: no runs were recorded there yet/,
  );
});
