import assert from "node:assert/strict";
import { loadWorkflow } from "../../src/definitions/loader.ts";
import type { DefinitionIssue, WorkflowDefinition } from "../../src/definitions/types.ts";
import { indexFile, stepFile, tempDefinitions, type Tree } from "./helpers.ts";

function load(tree: Tree): WorkflowDefinition {
  const entry = loadWorkflow(tempDefinitions(tree), "FLOW");
  if (!entry.valid) {
    throw new Error(`expected valid, got:\n${JSON.stringify(entry.errors, null, 2)}`);
  }
  return entry.definition;
}

function errorsIn(root: string): DefinitionIssue[] {
  const entry = loadWorkflow(root, "FLOW");
  if (entry.valid) throw new Error("expected the workflow to be invalid");
  return entry.errors;
}

function assertIssue(
  issues: DefinitionIssue[],
  file: string,
  line: number,
  pattern: RegExp,
): void {
  assert(
    issues.some((i) => i.file === file && i.line === line && pattern.test(i.message)),
    `no issue ${file}:${line} matching ${pattern} in:\n${JSON.stringify(issues, null, 2)}`,
  );
}

Deno.test("includes are resolved recursively, relative to the including file", () => {
  const definition = load({
    "FLOW/index.md": indexFile(["a"], "", "\n{{file:shared/goal.md}}\n"),
    "FLOW/shared/goal.md": "Shared goal: {{file:more/detail.md}}",
    "FLOW/shared/more/detail.md": "the detail",
    "FLOW/steps/a.md": stepFile("Before {{ file: ../shared/rules.md }} after"),
    "FLOW/shared/rules.md": "RULES",
  });
  assert(definition.goal.includes("Shared goal: the detail"), definition.goal);
  assert.equal(definition.steps[0]?.instructions, "Before RULES after");

  // An included file under steps/ is not "unlisted".
  const withPartial = load({
    "FLOW/index.md": indexFile(["a"]),
    "FLOW/steps/a.md":
      "# Orchestrator Guidance\n{{file:partials/common.md}}\n# Client Instructions\nGo.\n",
    "FLOW/steps/partials/common.md": "common guidance",
  });
  assert.equal(withPartial.steps[0]?.guidance, "common guidance");
});

Deno.test("the hash covers included files", () => {
  const tree: Tree = {
    "FLOW/index.md": indexFile(["a"]),
    "FLOW/steps/a.md": stepFile("{{file:../shared/x.md}}"),
    "FLOW/shared/x.md": "one",
  };
  const before = load(tree).hash;
  assert.notEqual(load({ ...tree, "FLOW/shared/x.md": "two" }).hash, before);
});

Deno.test("include errors name the including file and line: missing, cycle, escape", () => {
  const root = tempDefinitions({
    "outside.md": "secret",
    "FLOW/index.md": indexFile(["a"]),
    "FLOW/steps/a.md": [
      "# Orchestrator Guidance", //        1
      "{{file:nope.md}}", //               2
      "# Client Instructions", //          3
      "{{file:../loop/one.md}}", //        4
      "{{file:../../outside.md}}", //      5
      "{{file:../link.md}}", //            6
      "",
    ].join("\n"),
    "FLOW/loop/one.md": "one\n{{file:two.md}}",
    "FLOW/loop/two.md": "two\n\n{{file:one.md}}",
  });
  Deno.symlinkSync(`${root}/outside.md`, `${root}/FLOW/link.md`);
  const issues = errorsIn(root);
  assertIssue(issues, "FLOW/steps/a.md", 2, /include '\{\{file:nope\.md\}\}' does not exist/);
  assertIssue(
    issues,
    "FLOW/loop/two.md",
    3,
    /include cycle steps\/a\.md -> loop\/one\.md -> loop\/two\.md -> loop\/one\.md/,
  );
  assertIssue(issues, "FLOW/steps/a.md", 5, /points outside the workflow folder/);
  assertIssue(issues, "FLOW/steps/a.md", 6, /symbolic link that points outside/);
  assert.equal(issues.length, 4, JSON.stringify(issues, null, 2));
});

Deno.test("includes nest at most 10 levels deep", () => {
  const chain = (levels: number): Tree => {
    const tree: Tree = {
      "FLOW/index.md": indexFile(["a"]),
      "FLOW/steps/a.md": stepFile("{{file:../inc/1.md}}"),
    };
    for (let i = 1; i <= levels; i++) {
      tree[`FLOW/inc/${i}.md`] = i < levels ? `${i} {{file:${i + 1}.md}}` : `${i}`;
    }
    return tree;
  };
  assert.equal(load(chain(10)).steps[0]?.instructions, "1 2 3 4 5 6 7 8 9 10");
  const issues = errorsIn(tempDefinitions(chain(11)));
  assertIssue(issues, "FLOW/inc/10.md", 1, /nested more than 10 levels deep/);
});

Deno.test("an include bomb is refused quickly instead of expanding exponentially", () => {
  // Each level includes the next one 30 times: 30^6 copies if expanded naively.
  const tree: Tree = {
    "FLOW/index.md": indexFile(["a"]),
    "FLOW/steps/a.md": stepFile("{{file:../parts/l0.md}}"),
  };
  for (let level = 0; level < 6; level++) {
    tree[`FLOW/parts/l${level}.md`] = `level ${level} ` +
      `{{file:l${level + 1}.md}} `.repeat(30);
  }
  tree["FLOW/parts/l6.md"] = "x".repeat(100);
  const started = performance.now();
  const issues = errorsIn(tempDefinitions(tree));
  assert.ok(performance.now() - started < 10_000, "loading stays fast");
  assert.ok(
    issues.some((i) => /expand to more than \d+ characters/.test(i.message)),
    JSON.stringify(issues, null, 2),
  );
});
