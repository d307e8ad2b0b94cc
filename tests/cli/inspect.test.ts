/**
 * `list`, `graph` and `instances` as subprocesses with the launcher's flags: the Mermaid output
 * has the lines a renderer needs, `--instance` numbers the path a real run took (recorded through
 * the MCP client), and the run table filters.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../helpers/cli.ts";
import { BUILTIN_WORKFLOWS, call, connect, tempDbPath } from "../helpers/server.ts";
import { writeWorkflow } from "../helpers/workflows.ts";

const NODE = (id: string, name: string) => new RegExp(`^  ${id}\\["${name}(<br/>|")`, "m");

Deno.test("list prints every workflow with steps and validity", async () => {
  const paths = { workflowsDir: BUILTIN_WORKFLOWS, dbPath: tempDbPath() };
  const table = await runCli(["list"], paths);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^NAME\s+STEPS\s+VALID\s+DESCRIPTION$/m);
  assert.match(table.stdout, /^JOKE_GENERATOR\s+5\s+yes\s+A playful/m);
  const json = await runCli(["list", "--json"], paths);
  const { workflows } = JSON.parse(json.stdout) as {
    workflows: { name: string; steps: string[] }[];
  };
  assert.equal(workflows.length, 9);
  assert.deepEqual(workflows.find((w) => w.name === "SAVE")?.steps, [
    "gather_context",
    "write_progress_file",
    "verify_progress_file",
    "confirm_with_user",
  ]);
});

Deno.test("graph prints a Mermaid flowchart: nodes, solid routes, dashed AI edges", async () => {
  const paths = { workflowsDir: BUILTIN_WORKFLOWS, dbPath: tempDbPath() };
  const { code, stdout, stderr } = await runCli(["graph", "COMMIT_SUGGESTER"], paths);
  assert.equal(code, 0, stderr);
  const lines = stdout.trimEnd().split("\n");
  assert.equal(lines[0], "flowchart TD");
  for (
    const step of [
      "inspect_staged_changes",
      "suggest_message",
      "review_with_user",
      "refine_message",
      "commit_changes",
      "stage_changes",
      "handle_commit_failure",
    ]
  ) {
    assert.equal(lines.filter((l) => NODE(step, step).test(l)).length, 1, step);
  }
  for (
    const edge of [
      "  START --> inspect_staged_changes",
      "  FINISH([FINISH])",
      "  inspect_staged_changes -->|success| suggest_message",
      "  inspect_staged_changes -->|nothing_staged| stage_changes",
      '  review_with_user -->|"approved / success"| commit_changes',
      "  review_with_user -->|cancelled| FINISH",
      "  suggest_message --> review_with_user",
      "  commit_changes -->|otherwise| FINISH",
      // AI-decided: the steps the guidance names and no declared route covers.
      "  review_with_user -.-> stage_changes",
      "  handle_commit_failure -.-> commit_changes",
      "  handle_commit_failure -.-> FINISH",
    ]
  ) {
    assert.ok(lines.includes(edge), `missing '${edge}' in:\n${stdout}`);
  }
  // Every edge line is "id arrow[|label|] id" with known ids.
  const ids = new Set([
    "START",
    "FINISH",
    ...lines.flatMap((l) => l.match(/^ {2}(\w+)\["/)?.[1] ?? []),
  ]);
  const edges = lines.filter((l) => /-->|-\.->|==>/.test(l));
  for (const edge of edges) {
    const match = edge.match(/^ {2}(\w+) (-->|-\.->|==>)(\|[^|]+\|)? (\w+)$/);
    assert.ok(match && ids.has(match[1]!) && ids.has(match[4]!), `bad edge line: ${edge}`);
  }

  const unknown = await runCli(["graph", "NOPE"], paths);
  assert.equal(unknown.code, 1);
  assert.match(
    unknown.stderr,
    /Unknown workflow 'NOPE'\. Available workflows: ANALYZE_GITLAB_ISSUE.*\. 'list' shows them\./,
  );
  assert.doesNotMatch(unknown.stderr, /list_workflows/, "the CLI names its own command");

  // `graph NAME DIR`, like `validate DIR`: DIR is the one folder it may read.
  const other = Deno.makeTempDirSync({ prefix: "orch-graph-dir-" });
  writeWorkflow(other, "ELSEWHERE", {
    "index.md": "# Elsewhere\n\nA goal.\n\n# Steps\n\n- [only](steps/only.md)\n",
    "steps/only.md":
      "---\nnext: FINISH\n---\n# Orchestrator Guidance\n\nDone.\n\n# Client Instructions\n\nDo it.\n",
  });
  const fromDir = await runCli(["graph", "ELSEWHERE", other], paths);
  assert.equal(fromDir.code, 0, fromDir.stderr);
  assert.match(fromDir.stdout, /^ {2}only\["only/m);
  const notThere = await runCli(["graph", "JOKE_GENERATOR", other], paths);
  assert.match(
    notThere.stderr,
    /Unknown workflow 'JOKE_GENERATOR'\. Available workflows: ELSEWHERE\./,
  );
});

Deno.test("graph --instance highlights the path taken; instances lists and filters runs", async () => {
  const dbPath = tempDbPath();
  const server = await connect({ dbPath });
  let joke: string;
  let save: string;
  try {
    const first = await call<{ instance_id: string }>(server.client, "start_workflow", {
      workflow_name: "JOKE_GENERATOR",
    });
    joke = first.instance_id;
    const steps = ["greet", "ask_theme", "tell_joke"];
    for (const step of steps) {
      await call(server.client, "advance_workflow", {
        instance_id: joke,
        report: { step_id: step, status: "success" },
      });
    }
    // reveal_punchline has no route: the stub decides (listed order) -> congratulate.
    await call(server.client, "advance_workflow", {
      instance_id: joke,
      report: { step_id: "reveal_punchline", status: "another_joke" },
    });
    const other = await call<{ instance_id: string }>(server.client, "start_workflow", {
      workflow_name: "SAVE",
    });
    save = other.instance_id;
    await call(server.client, "cancel_workflow", { instance_id: save });
  } finally {
    await server.close();
  }
  const paths = { workflowsDir: BUILTIN_WORKFLOWS, dbPath };

  const graph = await runCli(["graph", "JOKE_GENERATOR", `--instance=${joke}`], paths);
  assert.equal(graph.code, 0, graph.stderr);
  const lines = graph.stdout.trimEnd().split("\n");
  for (
    const line of [
      // Taken edges carry their order; labels with punctuation are quoted for Mermaid.
      '  START -->|"(1)"| greet',
      '  greet -->|"(2)"| ask_theme',
      '  ask_theme -->|"(3)"| tell_joke',
      '  tell_joke -->|"(4)"| reveal_punchline',
      '  reveal_punchline -.->|"(5)"| congratulate',
      "  linkStyle 0,1,2,3,6 stroke:#2e7d32,stroke-width:3px",
      "  class greet,ask_theme,tell_joke,reveal_punchline visited",
      "  class congratulate current",
    ]
  ) {
    assert.ok(lines.includes(line), `missing '${line}' in:\n${graph.stdout}`);
  }
  assert.ok(lines.some((l) => l.startsWith("  classDef current ")));

  const cancelled = await runCli(["graph", `--instance=${save}`], paths);
  assert.equal(cancelled.code, 0, cancelled.stderr);
  assert.ok(
    cancelled.stdout.includes('  gather_context ==>|"cancelled (2)"| FINISH'),
    cancelled.stdout,
  );
  assert.ok(cancelled.stdout.includes("  class FINISH failed"), cancelled.stdout);

  const wrong = await runCli(["graph", "SAVE", `--instance=${joke}`], paths);
  assert.equal(wrong.code, 1);
  assert.match(
    wrong.stderr,
    /Run '.*' belongs to JOKE_GENERATOR, not SAVE: run 'graph JOKE_GENERATOR --instance/,
  );

  const missing = await runCli(["graph", "--instance=no-such-run"], paths);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No run with id 'no-such-run' in .*: 'instances' lists the runs/);
  assert.doesNotMatch(missing.stderr, /list_instances|start_workflow/, "CLI commands, not tools");

  const all = await runCli(["instances"], paths);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, /^ID\s+WORKFLOW\s+STATUS\s+STEP\s+STEPS\s+UPDATED$/m);
  assert.match(
    all.stdout,
    new RegExp(`^${joke}\\s+JOKE_GENERATOR\\s+RUNNING\\s+congratulate\\s+5\\s`, "m"),
  );
  assert.match(all.stdout, new RegExp(`^${save}\\s+SAVE\\s+CANCELLED\\s+FINISH\\s+2\\s`, "m"));

  const filtered = await runCli(["instances", "--status=cancelled", "--json"], paths);
  const { instances, total } = JSON.parse(filtered.stdout) as {
    instances: { instance_id: string }[];
    total: number;
  };
  assert.deepEqual([instances.map((i) => i.instance_id), total], [[save], 1]);
  const byWorkflow = await runCli(["instances", "--workflow=JOKE_GENERATOR", "--json"], paths);
  assert.deepEqual(
    JSON.parse(byWorkflow.stdout).instances.map((i: { instance_id: string }) => i.instance_id),
    [joke],
  );

  const bad = await runCli(["instances", "--status=DONE"], paths);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--status 'DONE' is not a status: use one of RUNNING, SUSPENDED/);
  const two = await runCli(["instances", "--status=RUNNING", "--status=FAILED"], paths);
  assert.equal(two.code, 1);
  assert.match(two.stderr, /instances lists one status at a time; got --status RUNNING, --status/);

  const noDb = await runCli(["instances"], {
    ...paths,
    dbPath: join(tempDbPath(), "..", "none.sqlite"),
  });
  assert.equal(noDb.code, 1);
  assert.match(noDb.stderr, /No database at .*none\.sqlite: no runs were recorded there yet/);
});

Deno.test("a workflow name that differs only in case gets a 'did you mean'; help is a command", async () => {
  const paths = { workflowsDir: BUILTIN_WORKFLOWS, dbPath: tempDbPath() };
  const nearMiss = await runCli(["graph", "joke_generator"], paths);
  assert.equal(nearMiss.code, 1);
  assert.match(
    nearMiss.stderr,
    /Unknown workflow 'joke_generator'\. Did you mean 'JOKE_GENERATOR'\?/,
  );
  const help = await runCli(["help"], paths);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^Usage:/m);
  assert.match(help.stdout, /migrate-db/);
});
