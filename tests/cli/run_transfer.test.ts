/**
 * `show`, `export` and `import` through the real command line (the launcher's flags: the database,
 * and for `import` the file named): runs recorded by a real server are shown and exported as JSON
 * and Markdown; the JSON goes into PostgreSQL and into a new SQLite file (by stdin) and comes back
 * out byte for byte; a second import is skipped; bad files are refused in one line naming the
 * field.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { EnvVar } from "../../src/env_vars.ts";
import { runCli } from "../helpers/cli.ts";
import { recordRuns } from "../helpers/recorded_runs.ts";
import { BUILTIN_WORKFLOWS, tempDbPath } from "../helpers/server.ts";
import { freshSchema, POSTGRES_SKIP } from "../store/postgres_helpers.ts";
import { storedRun } from "../store/helpers.ts";
import { runMarkdown } from "../../src/cli/run_markdown.ts";

/** The command line on the SQLite file at `dbPath` (or on PostgreSQL with `env`). */
function cliOn(dbPath: string, env: Partial<Record<EnvVar, string>> = {}) {
  return async (args: string[], stdin?: string) => {
    const result = await runCli(args, { workflowsDir: BUILTIN_WORKFLOWS, dbPath }, env, stdin);
    return result;
  };
}

Deno.test("show prints a run's facts, context and history table", async () => {
  const runs = await recordRuns();
  const cli = cliOn(runs.dbPath);
  const { code, stdout, stderr } = await cli(["show", runs.completed]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, new RegExp(`^Run ${runs.completed}$`, "m"));
  assert.match(stdout, /^ {2}workflow {5}JOKE_GENERATOR$/m);
  assert.match(stdout, /^ {2}status {7}COMPLETED$/m);
  assert.match(stdout, /^ {2}current step FINISH$/m);
  assert.match(stdout, /^ {2}completed {4}\d{4}-\d\d-\d\dT[\d:.]+Z$/m);
  assert.match(stdout, /^Context:\n\{\n {2}"theme": "cats",\n {2}"user": \{\n {4}"name": "Ada"/m);
  assert.match(stdout, /^History \(6 entries\):$/m);
  assert.match(
    stdout,
    /^SEQ\s+STEP\s+REPORT\s+DECIDED BY\s+NEXT\s+MODEL\s+TOKENS\s+LATENCY\s+TIME$/m,
  );
  assert.match(stdout, /^1\s+-\s+-\s+start\s+greet\s+-\s+-\s+-\s+\d{4}-/m);
  assert.match(stdout, /^2\s+greet\s+success\s+route\s+ask_theme\s+/m);
  // No AI chose (the stub decision maker did): the label says so.
  assert.match(stdout, /^5\s+reveal_punchline\s+success\s+stub\s+congratulate\s+stub\s+/m);
  assert.match(stdout, /^6\s+congratulate\s+success\s+route\s+FINISH\s+/m);

  // The start of an id, as the dashboard and `instances` show it, names the run it begins.
  const short = await cli(["show", runs.completed.slice(0, 8)]);
  assert.equal(short.code, 0, short.stderr);
  assert.match(short.stdout, new RegExp(`^Run ${runs.completed}$`, "m"));
  const tooShort = await cli(["show", runs.completed.slice(0, 3)]);
  assert.match(tooShort.stderr, /No run with id/);

  const unknown = await cli(["show", "no-such-run"]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /No run with id 'no-such-run' in .*: 'instances' lists the runs/);
  const missing = await cli(["show"]);
  assert.match(missing.stderr, /Name the run: show ID\./);
});

Deno.test("export --format md is a readable report of the whole run", async () => {
  const runs = await recordRuns();
  const { code, stdout, stderr } = await cliOn(runs.dbPath)([
    "export",
    runs.completed,
    "--format",
    "md",
  ]);
  assert.equal(code, 0, stderr);
  assert.ok(stdout.startsWith(`# JOKE_GENERATOR run \`${runs.completed}\`\n\n| | |\n|---|---|\n`));
  assert.match(stdout, /^\| Status \| \*\*COMPLETED\*\* \|$/m);
  assert.match(stdout, /^\| History entries \| 6 \|$/m);
  assert.match(stdout, /^### 1\. Started → greet$/m);
  assert.match(stdout, /^### 2\. greet: success → ask_theme$/m);
  assert.match(stdout, /^decided by \*\*route\*\* · next step \*\*ask_theme\*\* · status after/m);
  // The client's text is quoted, its JSON fenced longer than the backticks inside it.
  assert.match(stdout, /\*\*Message\*\*\n\n> Said hello \| waved\n> and explained the game\./);
  assert.match(stdout, /\*\*Result\*\*\n\n````json\n\{\n {2}"greeted": true,[^]*\n````/);
  assert.match(stdout, /\*\*Context updates\*\*\n\n```json\n\{\n {2}"user"/);
  assert.match(stdout, /## Final context\n\n```json\n\{\n {2}"theme": "cats",[^]*\n```\n$/);
  const bad = await cliOn(runs.dbPath)(["export", runs.completed, "--format", "pdf"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--format 'pdf' is not an export format: use json .* or md/);
});

Deno.test("export --format md shows a client's or a model's HTML as text", () => {
  const run = storedRun("COMPLETED", { finishedDaysAgo: 1 });
  const entry = run.history[1]!;
  entry.report = { ...entry.report!, message: 'Done <img src=x onerror="alert(1)"> &amp; more' };
  entry.decision.reasoning = '<a href="javascript:alert(1)">next</a>';
  entry.step = "<b>step</b>";
  const markdown = runMarkdown(run);
  assert.doesNotMatch(markdown, /<img|<a |<b>/);
  assert.match(markdown, /> Done &lt;img src=x onerror="alert\(1\)"> &amp;amp; more/);
  assert.match(markdown, /> &lt;a href="javascript:alert\(1\)">next&lt;\/a>/);
  assert.match(markdown, /^### 2\. &lt;b>step&lt;\/b>/m);
});

Deno.test("export JSON imports into a new SQLite file by stdin and exports the same", async () => {
  const runs = await recordRuns();
  const source = cliOn(runs.dbPath);
  const exported = await source(["export", runs.completed]);
  assert.equal(exported.code, 0, exported.stderr);
  const file = JSON.parse(exported.stdout);
  assert.equal(file.format, "orchestrator-run");
  assert.equal(file.version, 1);
  assert.deepEqual(Object.keys(file), ["format", "version", "instance", "history", "definition"]);
  assert.equal(file.instance.id, runs.completed);
  assert.equal(file.history.length, 6);
  assert.equal(file.definition.hash, file.instance.definitionHash);

  const target = cliOn(tempDbPath());
  const imported = await target(["import", "-"], exported.stdout);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(
    imported.stdout,
    new RegExp(
      `^Imported run ${runs.completed} \\(JOKE_GENERATOR, COMPLETED, 6 history entries\\) into .*workflows\\.sqlite\\.$`,
      "m",
    ),
  );
  assert.equal((await target(["export", runs.completed])).stdout, exported.stdout);
  const again = await target(["import", "-"], exported.stdout);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^Run .* is already in .*; skipped \(nothing was changed\)\.$/m);
});

Deno.test("import refuses a bad file in one line naming the field, and imports nothing", async () => {
  const runs = await recordRuns();
  const exported = JSON.parse((await cliOn(runs.dbPath)(["export", runs.cancelled])).stdout);
  const dir = Deno.makeTempDirSync({ prefix: "import-test-" });
  const target = cliOn(tempDbPath());
  const refuse = async (name: string, text: string, message: RegExp) => {
    const path = join(dir, name);
    Deno.writeTextFileSync(path, text);
    const result = await target(["import", path]);
    assert.equal(result.code, 1, `${name}: ${result.stdout}`);
    assert.match(result.stderr, message, `${name}: ${result.stderr}`);
    assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
  };
  const edited = (edit: (file: typeof exported) => void) => {
    const copy = structuredClone(exported);
    edit(copy);
    return JSON.stringify(copy);
  };
  await refuse("not.json", "{", /not\.json is not JSON .*: give a file written by 'export ID'/);
  await refuse("other.json", "{}", /other\.json is not an exported run: its "format" is not/);
  await refuse(
    "seq.json",
    edited((f) => f.history[1].seq = "two"),
    /seq\.json: history\[1\]\.seq: Invalid input: expected number, received string\./,
  );
  await refuse(
    "status.json",
    edited((f) => f.instance.status = "DONE"),
    /status\.json: instance\.status: Invalid option: expected one of "RUNNING"\|/,
  );
  await refuse(
    "time.json",
    edited((f) => f.instance.completedAt = "yesterday"),
    /time\.json: instance\.completedAt: expected an ISO-8601 UTC timestamp/,
  );
  await refuse(
    "gap.json",
    edited((f) => f.history.splice(0, 1)),
    /gap\.json: Run '.*' cannot be imported: its history must hold entries 1 to 2/,
  );
  const missing = await target(["import", join(dir, "missing.json")]);
  assert.match(missing.stderr, /Cannot import .*missing\.json: no such file/);
  // Refused before the store was opened: not even the database file was created.
  const listed = await target(["instances"]);
  assert.match(listed.stderr, /No database at .*: no runs were recorded there yet/);
});

Deno.test({
  name: "a run exported from SQLite, imported into PostgreSQL, exports the same JSON",
  ignore: POSTGRES_SKIP !== undefined,
  async fn() {
    const runs = await recordRuns();
    const dir = Deno.makeTempDirSync({ prefix: "import-test-" });
    await using schema = await freshSchema();
    const postgres = cliOn(tempDbPath(), { WORKFLOW_DB_URL: schema.url });
    for (const id of [runs.completed, runs.cancelled, runs.running]) {
      const exported = await cliOn(runs.dbPath)(["export", id]);
      const path = join(dir, `${id}.json`);
      Deno.writeTextFileSync(path, exported.stdout);
      const imported = await postgres(["import", path]);
      assert.equal(imported.code, 0, imported.stderr);
      assert.match(imported.stdout, /^Imported run .* into postgres:\/\/.*$/m);
      assert.equal((await postgres(["export", id])).stdout, exported.stdout);
      assert.match((await postgres(["import", path])).stdout, /already in .*; skipped/);
    }
    const shown = await postgres(["show", runs.running]);
    assert.match(shown.stdout, /^ {2}status {7}RUNNING$/m);
  },
});
