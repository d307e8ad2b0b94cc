/**
 * `validate` as a subprocess with the launcher's flags (read access to DIR only): every error
 * class of SPEC §2 is reported with its file and line, text and JSON, exit code 1.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../helpers/cli.ts";
import { BUILTIN_WORKFLOWS } from "../helpers/server.ts";
import { writeWorkflow } from "../helpers/workflows.ts";

const STEP = (extra = "") =>
  `${extra}# Orchestrator Guidance\n\nDecide.\n\n# Client Instructions\n\nDo it.\n`;
const INDEX = (steps: string) => `# Flow\n\nThe goal.\n\n# Steps\n\n${steps}\n`;

/** One broken workflow per error class, plus a valid one. */
function brokenDefinitions(): string {
  const root = Deno.makeTempDirSync({ prefix: "orch-validate-" });
  writeWorkflow(root, "VALID", {
    "index.md": INDEX("- [a](steps/a.md)"),
    "steps/a.md": STEP(),
  });
  writeWorkflow(root, "MISSING_SECTION", {
    "index.md": INDEX("- [a](steps/a.md)"),
    "steps/a.md": "# Orchestrator Guidance\n\nDecide.\n",
  });
  writeWorkflow(root, "NO_FILE", {
    "index.md": INDEX("- [a](steps/a.md)\n- [b](steps/b.md)"),
    "steps/a.md": STEP(),
  });
  writeWorkflow(root, "NOT_LISTED", {
    "index.md": INDEX("- [a](steps/a.md)"),
    "steps/a.md": STEP(),
    "steps/extra.md": STEP(),
  });
  writeWorkflow(root, "UNKNOWN_ROUTE", {
    "index.md": INDEX("- [a](steps/a.md)"),
    "steps/a.md": STEP("---\ndescription: A.\non:\n  success: nowhere\n---\n"),
  });
  writeWorkflow(root, "UNREACHABLE", {
    "index.md": INDEX("- [a](steps/a.md)\n- [b](steps/b.md)\n- [c](steps/c.md)"),
    "steps/a.md": STEP("---\nnext: c\n---\n"),
    "steps/b.md": STEP(),
    "steps/c.md": STEP("---\nterminal: true\n---\n"),
  });
  writeWorkflow(root, "DUPLICATE", {
    "index.md": INDEX("- [a](steps/a.md)\n- [a](steps/a.md)"),
    "steps/a.md": STEP(),
  });
  writeWorkflow(root, "BAD_YAML", {
    "index.md": INDEX("- [a](steps/a.md)"),
    // The classic mistake: an unquoted colon inside a value.
    "steps/a.md": STEP("---\nnext: FINISH\ndescription: Fix: the thing\n---\n"),
  });
  return root;
}

interface Report {
  valid: boolean;
  workflows: {
    name: string;
    valid: boolean;
    errors: { file: string; path: string; line?: number; message: string }[];
  }[];
}

/** Expected per workflow: the file, the line and a fragment of the message. */
const EXPECTED: Record<string, { file: string; line?: number; message: RegExp }> = {
  MISSING_SECTION: {
    file: "MISSING_SECTION/steps/a.md",
    line: 1,
    message: /missing section '# Client Instructions'/,
  },
  NO_FILE: {
    file: "NO_FILE/index.md",
    line: 8,
    message: /step 'b' is listed but its file 'steps\/b.md' does not exist/,
  },
  NOT_LISTED: { file: "NOT_LISTED/steps/extra.md", message: /file not listed in index.md: add/ },
  UNKNOWN_ROUTE: { file: "UNKNOWN_ROUTE/steps/a.md", line: 4, message: /nowhere/ },
  UNREACHABLE: { file: "UNREACHABLE/index.md", line: 8, message: /step 'b' is unreachable/ },
  DUPLICATE: { file: "DUPLICATE/index.md", line: 8, message: /duplicate step name 'a'/ },
  BAD_YAML: { file: "BAD_YAML/steps/a.md", line: 3, message: /YAML|yaml/ },
};

Deno.test("validate reports every error class with file and line, as text and JSON", async () => {
  const root = brokenDefinitions();
  const paths = { workflowsDir: root, dbPath: join(root, "no-db", "x.sqlite") };

  const json = await runCli(["validate", root, "--json"], paths);
  assert.equal(json.code, 1, json.stderr);
  const report = JSON.parse(json.stdout) as Report;
  assert.equal(report.valid, false);
  assert.deepEqual(report.workflows.map((w) => [w.name, w.valid]), [
    ["BAD_YAML", false],
    ["DUPLICATE", false],
    ["MISSING_SECTION", false],
    ["NOT_LISTED", false],
    ["NO_FILE", false],
    ["UNKNOWN_ROUTE", false],
    ["UNREACHABLE", false],
    ["VALID", true],
  ]);
  for (const [name, expected] of Object.entries(EXPECTED)) {
    const errors = report.workflows.find((w) => w.name === name)!.errors;
    const hit = errors.find((e) => expected.message.test(e.message));
    assert.ok(hit, `${name}: expected ${expected.message} in ${JSON.stringify(errors)}`);
    assert.equal(hit.file, expected.file, name);
    assert.equal(hit.line, expected.line, `${name}: ${hit.message}`);
    assert.equal(hit.path, join(root, expected.file));
  }

  const text = await runCli(["validate", root], paths);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /^ok {7}VALID \(1 step\)$/m);
  assert.match(text.stdout, /^INVALID {2}NO_FILE \(1 problem\)$/m);
  for (const expected of Object.values(EXPECTED)) {
    const location = `${join(root, expected.file)}${expected.line ? `:${expected.line}` : ""}: `;
    const line = text.stdout.split("\n").find((l) => l.startsWith(location));
    assert.ok(line && expected.message.test(line), `no line '${location}…' in:\n${text.stdout}`);
  }
  assert.match(text.stdout, /8 workflows in .*: 1 valid, 7 invalid \(\d+ problems\)\.$/m);
});

Deno.test("validate: the built-in workflows are valid (exit 0); a bad DIR is one clear line (list, graph too)", async () => {
  const db = { workflowsDir: BUILTIN_WORKFLOWS, dbPath: "/nonexistent/db.sqlite" };
  const ok = await runCli(["validate", BUILTIN_WORKFLOWS], db);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /9 workflows in .*: 9 valid, 0 invalid\.$/m);

  // validate, list and graph alike: a DIR that is missing or a file is one line, exit 1.
  const file = join(BUILTIN_WORKFLOWS, "SAVE", "index.md");
  for (const command of [["validate"], ["list"], ["graph", "SAVE"]]) {
    const missing = await runCli([...command, join(BUILTIN_WORKFLOWS, "NOPE")], db);
    assert.equal(missing.code, 1, `${command[0]}: ${missing.stdout}`);
    assert.match(
      missing.stderr,
      /^\[orchestrator\] error: '.*NOPE' does not exist: pass the workflow definitions directory \(the folder that holds one folder per workflow\)\.\n$/,
    );
    const notDir = await runCli([...command, file], db);
    assert.equal(notDir.code, 1, `${command[0]}: ${notDir.stdout}`);
    assert.match(
      notDir.stderr,
      /^\[orchestrator\] error: '.*index\.md' is a file, not a directory: pass the workflow definitions directory/,
    );
    assert.equal(notDir.stderr.trim().split("\n").length, 1, notDir.stderr);
  }

  const single = await runCli(["validate", join(BUILTIN_WORKFLOWS, "SAVE")], db);
  assert.equal(single.code, 1);
  assert.match(
    single.stderr,
    /is a single workflow folder: validate the directory that contains it/,
  );
});

Deno.test("deno task cli validate DIR: the launcher grants read access to DIR, nothing else", async () => {
  const root = brokenDefinitions();
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--allow-env",
      "--allow-read",
      `--allow-run=${Deno.execPath()}`,
      new URL("../../scripts/launch.ts", import.meta.url).pathname,
      "validate",
      join(root, "."),
      "--json",
    ],
    env: {
      NO_COLOR: "1",
      AI_PROVIDER: "stub",
      // Configured elsewhere: validate DIR must need neither.
      WORKFLOW_DEFINITIONS_DIR: BUILTIN_WORKFLOWS,
      WORKFLOW_DB_PATH: join(root, "db", "workflows.sqlite"),
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 1, new TextDecoder().decode(output.stderr));
  assert.equal((JSON.parse(stdout) as Report).workflows.length, 8);
  assert.throws(
    () => Deno.statSync(join(root, "db")),
    Deno.errors.NotFound,
    "no DB folder created",
  );
});

Deno.test("validate warns (exit 0) about near-miss headings, keys and placeholder forms", async () => {
  const root = Deno.makeTempDirSync({ prefix: "orch-validate-warn-" });
  writeWorkflow(root, "TYPOS", {
    "index.md": "---\ninputs:\n  issue_id:\n    type: string\n---\n" +
      INDEX("- [a](steps/a.md)\n- [b](steps/b.md)"),
    "steps/a.md": "# Orchestrator Guidance\n\nDecide.\n\n# Client Instructions\n\n" +
      "Fix {{context.isue_id}} ({{context.issue_id}}, {{context.notes}}) with {{issue_id}}.\n" +
      "Syntax, quoted: `{{context.<key>}}`.\n",
    "steps/b.md": "# Orchestrator Guidance\n\nDecide.\n\n# Client Instructions\n\nDo it.\n\n" +
      "# Client Instruction\n\nAlso this.\n",
  });
  writeWorkflow(root, "BROKEN", {
    "index.md": INDEX("- [a](steps/a.md)"),
    "steps/a.md": "# Orchestrator Guidance\n\nDecide.\n\n# Client-Instructions\n\nDo it.\n",
  });
  const paths = { workflowsDir: root, dbPath: "/nonexistent/db.sqlite" };
  const text = await runCli(["validate", join(root, "TYPOS", "..")], paths);
  assert.equal(text.code, 1, "BROKEN is invalid: its section heading is misspelt");
  const warnings = text.stdout.split("\n").filter((line) => line.startsWith("warning: "));
  assert.deepEqual(warnings.map((line) => line.replace(/^warning: .*?(\w+\/steps)/, "$1")), [
    "BROKEN/steps/a.md:5: heading 'Client-Instructions' is not '# Client Instructions', so this " +
    "section is not read as the step's Client Instructions: rename it '# Client Instructions'",
    "TYPOS/steps/a.md:7: '{{context.isue_id}}': 'isue_id' is not a declared input; did you mean " +
    "{{context.issue_id}}? (An undeclared key is filled only once a report adds it to the context.)",
    "TYPOS/steps/a.md:7: '{{issue_id}}' is not a placeholder the server fills in and is sent as " +
    "written: write {{context.KEY}} for a context value or {{file:PATH}} to include a file",
    "TYPOS/steps/b.md:9: heading 'Client Instruction' is not '# Client Instructions', so this " +
    "section is not read as the step's Client Instructions: rename it '# Client Instructions'",
  ]);
  assert.match(text.stdout, /2 workflows in .*: 1 valid, 1 invalid \(1 problem\); 4 warnings\.$/m);

  Deno.removeSync(join(root, "BROKEN"), { recursive: true });
  const json = await runCli(["validate", root, "--json"], paths);
  assert.equal(json.code, 0, "warnings alone do not fail validate");
  const report = JSON.parse(json.stdout) as {
    workflows: { warnings: { file: string; line: number; path: string }[] }[];
  };
  assert.deepEqual(
    report.workflows[0]?.warnings.map((w) => [w.file, w.line, w.path]),
    [
      ["TYPOS/steps/a.md", 7, join(root, "TYPOS/steps/a.md")],
      ["TYPOS/steps/a.md", 7, join(root, "TYPOS/steps/a.md")],
      ["TYPOS/steps/b.md", 9, join(root, "TYPOS/steps/b.md")],
    ],
  );
});
