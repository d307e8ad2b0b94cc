import assert from "node:assert/strict";
import { loadWorkflow } from "../../src/definitions/loader.ts";
import type { DefinitionIssue, WorkflowDefinition } from "../../src/definitions/types.ts";
import { indexFile, simpleWorkflow, stepFile, tempDefinitions, type Tree } from "./helpers.ts";

function load(tree: Tree, name = "FLOW"): WorkflowDefinition {
  const entry = loadWorkflow(tempDefinitions(tree), name);
  if (!entry.valid) {
    throw new Error(`expected valid, got:\n${JSON.stringify(entry.errors, null, 2)}`);
  }
  return entry.definition;
}

function errors(tree: Tree, name = "FLOW"): DefinitionIssue[] {
  const entry = loadWorkflow(tempDefinitions(tree), name);
  if (entry.valid) throw new Error("expected the workflow to be invalid");
  return entry.errors;
}

/** Assert one issue has this file, line and a message matching `pattern`. */
function assertIssue(
  issues: DefinitionIssue[],
  file: string,
  line: number | undefined,
  pattern: RegExp,
): void {
  const found = issues.find((i) => i.file === file && i.line === line && pattern.test(i.message));
  assert(
    found,
    `no issue ${file}:${line} matching ${pattern} in:\n${JSON.stringify(issues, null, 2)}`,
  );
}

Deno.test("seed-format folder loads: title, description, names with spaces, ordered list", () => {
  const definition = load({
    "FLOW/index.md": [
      "# Analyze Issue", //  1
      "", //                 2
      "Analyze the issue and", // 3
      "propose a fix.", //   4
      "", //                 5
      "# Steps", //          6
      "", //                 7
      "1. [Get Issue Content](steps/get_issue_content.md)", // 8
      "2. [Propose Fix](steps/propose.md)", // 9
      "", //                 10
      "## Notes", //         11
      "Be careful.", //      12
      "",
    ].join("\n"),
    "FLOW/steps/get_issue_content.md":
      "# Goal\n\nFetch the issue text.\n\n# Orchestrator Guidance\n\nCheck it was found.\n\n" +
      "# Client Instructions\n\nRead the issue.\n\n# Expected Output\n\nThe issue text.\n",
    "FLOW/steps/propose.md": stepFile("Propose a fix."),
  });
  assert.deepEqual(definition.name, "FLOW");
  assert.deepEqual(definition.title, "Analyze Issue");
  assert.deepEqual(definition.description, "Analyze the issue and propose a fix.");
  assert.deepEqual(definition.steps.map((s) => s.name), ["Get Issue Content", "Propose Fix"]);
  assert.deepEqual(definition.start, "Get Issue Content");
  assert.deepEqual(definition.maxSteps, 100);
  assert.deepEqual(definition.finish, undefined);
  const [first] = definition.steps;
  assert.deepEqual(first?.file, "steps/get_issue_content.md");
  assert.deepEqual(first?.description, "Fetch the issue text.");
  assert.deepEqual(first?.guidance, "Check it was found.");
  assert.deepEqual(first?.instructions, "Read the issue.");
  assert.deepEqual(first?.on, {});
  assert.deepEqual(first?.terminal, false);
  assert.match(definition.hash, /^[0-9a-f]{64}$/);
  assert(!definition.goal.includes("steps/propose.md"), definition.goal);
  assert(definition.goal.includes("Analyze the issue"), definition.goal);
  assert(definition.goal.includes("Be careful."), definition.goal);
  // The definition is plain data.
  assert.deepEqual(JSON.parse(JSON.stringify(definition)), definition);
});

Deno.test("any list marker works and, without a Steps heading, every linked item is a step", () => {
  const definition = load({
    "FLOW/index.md": "# Flow\n\nGoal text.\n\n* [one](steps/one.md)\n\n+ [two](steps/two.md)\n",
    "FLOW/steps/one.md": stepFile(),
    "FLOW/steps/two.md": stepFile(),
  });
  assert.deepEqual(definition.steps.map((s) => s.name), ["one", "two"]);
  assert.deepEqual(definition.goal, "# Flow\n\nGoal text.");
});

Deno.test("with a Steps heading, only items under it are steps; plain items name steps/x.md", () => {
  const definition = load({
    "FLOW/index.md": "# Flow\n\n- [not a step](https://example.com)\n\n## Steps\n\n- first\n" +
      "- [Second One](steps/second.md)\n\n## After\n\n- just a note\n",
    "FLOW/steps/first.md": stepFile(),
    "FLOW/steps/second.md": stepFile(),
  });
  assert.deepEqual(definition.steps.map((s) => s.name), ["first", "Second One"]);
  assert.deepEqual(definition.steps[0]?.file, "steps/first.md");
  assert(definition.goal.includes("just a note"));
  assert(
    !definition.goal.includes("## Steps"),
    "an emptied Steps section is dropped from the goal",
  );
});

Deno.test("link text is the name, the target only locates the file (targets may differ)", () => {
  const definition = load({
    "FLOW/index.md": "# Flow\n\n# Steps\n\n- [write_tests](other/tests%20file.md)\n",
    "FLOW/other/tests file.md": stepFile(),
  });
  assert.deepEqual(definition.steps[0]?.name, "write_tests");
  assert.deepEqual(definition.steps[0]?.file, "other/tests file.md");
});

Deno.test("front matter of index and steps is parsed", () => {
  const definition = load({
    "FLOW/index.md": indexFile(
      ["a", "b", "c"],
      [
        "description: Does things",
        "version: 2",
        "start: b",
        "max_steps: 7",
        "inputs:",
        "  topic: {type: string, required: true, description: What to do}",
        "  count: {type: number, default: 3}",
        "  loose:",
      ].join("\n"),
    ),
    "FLOW/steps/a.md": stepFile("A", "terminal: true"),
    "FLOW/steps/b.md": stepFile("B", "description: The b step\nnext: c\non:\n  failure: a"),
    "FLOW/steps/c.md": stepFile("C", "on: {success: FINISH}"),
  });
  assert.deepEqual(definition.description, "Does things");
  assert.deepEqual(definition.version, "2");
  assert.deepEqual(definition.start, "b");
  assert.deepEqual(definition.maxSteps, 7);
  assert.deepEqual(definition.inputs, {
    topic: { type: "string", required: true, description: "What to do" },
    count: { type: "number", required: false, default: 3 },
    loose: { required: false },
  });
  const [a, b, c] = definition.steps;
  assert.deepEqual(a?.terminal, true);
  assert.deepEqual(b?.next, "c");
  assert.deepEqual(b?.on, { failure: "a" });
  assert.deepEqual(b?.description, "The b step");
  assert.deepEqual(c?.on, { success: "FINISH" });
  assert.deepEqual(c?.next, undefined);
});

Deno.test("FINISH: a listed FINISH step or an unlisted steps/FINISH.md becomes definition.finish", () => {
  const listed = load({
    "FLOW/index.md": indexFile(["a", "FINISH"]),
    "FLOW/steps/a.md": stepFile(),
    "FLOW/steps/FINISH.md": "# Client Instructions\n\nAll done, {{context.who}}.\n",
  });
  assert.deepEqual(listed.steps.map((s) => s.name), ["a"]);
  assert.deepEqual(listed.finish?.instructions, "All done, {{context.who}}.");
  const unlisted = load({
    "FLOW/index.md": indexFile(["a"]),
    "FLOW/steps/a.md": stepFile(),
    "FLOW/steps/FINISH.md": stepFile("Bye."),
  });
  assert.deepEqual(unlisted.finish?.name, "FINISH");
  assert.deepEqual(unlisted.finish?.instructions, "Bye.");
});

Deno.test("CRLF files and a byte-order mark load with correct lines", () => {
  const issues = errors({
    "FLOW/index.md":
      "\uFEFF# Flow\r\n\r\n# Steps\r\n\r\n- [a](steps/a.md)\r\n- [a](steps/a.md)\r\n",
    "FLOW/steps/a.md": stepFile().replaceAll("\n", "\r\n"),
  });
  assertIssue(issues, "FLOW/index.md", 6, /duplicate step name 'a' \(also listed on line 5\)/);
});

// ---- errors -------------------------------------------------------------------------------

Deno.test("index front matter: unknown key, wrong types and bad YAML give file and line", () => {
  const unknown = errors({
    ...simpleWorkflow("FLOW"),
    "FLOW/index.md": indexFile(["a", "b"], "description: x\nmax_step: 5\nmax_steps: -1"),
  });
  assertIssue(
    unknown,
    "FLOW/index.md",
    3,
    /unknown front matter key 'max_step': allowed keys are description, version, start, inputs, max_steps/,
  );
  assertIssue(unknown, "FLOW/index.md", 4, /'max_steps' must be a positive whole number.*got -1/);

  const inputs = errors({
    ...simpleWorkflow("FLOW"),
    "FLOW/index.md": indexFile(
      ["a", "b"],
      "inputs:\n  x:\n    type: text\n    colour: red",
    ),
  });
  assertIssue(inputs, "FLOW/index.md", 4, /'inputs.x.type' must be one of string, number/);
  assertIssue(
    inputs,
    "FLOW/index.md",
    5,
    /unknown key 'colour' in 'inputs.x': allowed keys are type, required, default, description/,
  );
  const defaults = errors({
    ...simpleWorkflow("FLOW"),
    "FLOW/index.md": indexFile(["a", "b"], "inputs:\n  y: {type: number, default: 'no'}"),
  });
  assertIssue(
    defaults,
    "FLOW/index.md",
    3,
    /input 'y' has type number but its default is a string/,
  );

  const yaml = errors({
    ...simpleWorkflow("FLOW"),
    "FLOW/index.md": indexFile(["a", "b"], "description: ok\nstart: [unclosed"),
  });
  assert(
    yaml.some((i) => i.file === "FLOW/index.md" && /invalid YAML/.test(i.message) && i.line! >= 3),
    JSON.stringify(yaml),
  );

  const unclosed = errors({
    ...simpleWorkflow("FLOW"),
    "FLOW/index.md": "---\ndescription: x\n# Flow\n\n- [a](steps/a.md)\n",
  });
  assertIssue(unclosed, "FLOW/index.md", 1, /never closed/);

  const notMap = errors({
    ...simpleWorkflow("FLOW"),
    "FLOW/index.md": indexFile(["a", "b"], "- x"),
  });
  assertIssue(notMap, "FLOW/index.md", 2, /must be a YAML mapping/);
});

Deno.test("no steps, duplicate names, bad names and bad list items are reported on their lines", () => {
  assertIssue(
    errors({ "FLOW/index.md": "# Flow\n\nJust text.\n" }),
    "FLOW/index.md",
    1,
    /lists no steps: add a '# Steps' section/,
  );
  assertIssue(
    errors({ "FLOW/index.md": "# Flow\n\n## Steps\n\nNone yet.\n" }),
    "FLOW/index.md",
    3,
    /no steps are listed under '## Steps'/,
  );
  const issues = errors({
    "FLOW/index.md": [
      "# Flow", //                   1
      "# Steps", //                  2
      "- [a](steps/a.md)", //        3
      "- [a](steps/b.md)", //        4
      "- [../x](steps/a.md)", //     5
      "- [b/c](steps/a.md)", //      6
      "- **not a step!**", //        7
      "",
    ].join("\n"),
    "FLOW/steps/a.md": stepFile(),
  });
  assertIssue(issues, "FLOW/index.md", 4, /duplicate step name 'a' \(also listed on line 3\)/);
  assertIssue(issues, "FLOW/index.md", 5, /step name '\.\.\/x' must not contain/);
  assertIssue(issues, "FLOW/index.md", 6, /step name 'b\/c' must not contain/);
  assertIssue(issues, "FLOW/index.md", 7, /is not a step: write/);
});

Deno.test("link targets outside the folder (../, absolute, URL, symlink) and missing files", () => {
  const root = tempDefinitions({
    "secret.md": stepFile("secret"),
    "FLOW/index.md": [
      "# Flow", //                          1
      "# Steps", //                         2
      "- [a](steps/a.md)", //               3
      "- [up](../secret.md)", //            4
      "- [abs](/etc/passwd)", //            5
      "- [web](https://example.com/x.md)", // 6
      "- [link](steps/link.md)", //         7
      "- [gone](steps/gone.md)", //         8
      "",
    ].join("\n"),
    "FLOW/steps/a.md": stepFile(),
  });
  Deno.symlinkSync(`${root}/secret.md`, `${root}/FLOW/steps/link.md`);
  const entry = loadWorkflow(root, "FLOW");
  assert(!entry.valid);
  const issues = entry.errors;
  assertIssue(issues, "FLOW/index.md", 4, /'up' links to '\.\.\/secret\.md'.*outside/);
  assertIssue(issues, "FLOW/index.md", 5, /'abs' links to '\/etc\/passwd', which is outside/);
  assertIssue(issues, "FLOW/index.md", 6, /'web' links to .* outside/);
  assertIssue(issues, "FLOW/index.md", 7, /'link' links to .*symbolic link that points outside/);
  assertIssue(
    issues,
    "FLOW/index.md",
    8,
    /step 'gone' is listed but its file 'steps\/gone\.md' does not exist/,
  );
  assert.deepEqual(entry.steps, ["a", "up", "abs", "web", "link", "gone"]);
  assert.deepEqual(entry.description, "");
});

Deno.test("step sections: missing (line 1) and empty (heading line), with the fix", () => {
  const issues = errors({
    "FLOW/index.md": indexFile(["a", "b"]),
    "FLOW/steps/a.md": "# Goal\n\nDo a.\n\n# Orchestrator Guidance\n\nJudge.\n",
    "FLOW/steps/b.md":
      "# Orchestrator Guidance\n\n## Details\n\n# Client Instructions\n\n   \n# Goal\nx\n",
  });
  assertIssue(
    issues,
    "FLOW/steps/a.md",
    1,
    /missing section '# Client Instructions': add a '# Client Instructions' section with the text the client should follow/,
  );
  assertIssue(issues, "FLOW/steps/b.md", 5, /section '# Client Instructions' is empty/);
  assert.deepEqual(
    issues.filter((i) => i.file === "FLOW/steps/b.md").length,
    1,
    "a subheading keeps guidance non-empty",
  );
});

Deno.test("sections end at the next heading of the same or higher level; headings match loosely", () => {
  const definition = load({
    "FLOW/index.md": indexFile(["a"]),
    "FLOW/steps/a.md": "##   orchestrator GUIDANCE  \nG1\n### Sub\nG2\n## Client Instructions\n" +
      "I1\n```\n# not a heading\n```\n# Goal\nThe goal.\n",
  });
  assert.deepEqual(definition.steps[0]?.guidance, "G1\n### Sub\nG2");
  assert.deepEqual(definition.steps[0]?.instructions, "I1\n```\n# not a heading\n```");
  assert.deepEqual(definition.steps[0]?.description, "The goal.");
});

Deno.test("step front matter: unknown key, routes to unknown steps, terminal with routes", () => {
  const issues = errors({
    "FLOW/index.md": indexFile(["a", "b", "c"]),
    "FLOW/steps/a.md": stepFile("A", "description: x\nnxt: b"),
    "FLOW/steps/b.md": stepFile("B", "next: nowhere\non:\n  success: c\n  failure: missing"),
    "FLOW/steps/c.md": stepFile("C", "terminal: true\nnext: FINISH"),
  });
  assertIssue(
    issues,
    "FLOW/steps/a.md",
    3,
    /unknown front matter key 'nxt': allowed keys are description, next, on, terminal/,
  );
  assertIssue(
    issues,
    "FLOW/steps/b.md",
    2,
    /'next' routes to unknown step 'nowhere' \(known: a, b, c, FINISH\)/,
  );
  assertIssue(issues, "FLOW/steps/b.md", 5, /'on.failure' routes to unknown step 'missing'/);
  assertIssue(issues, "FLOW/steps/c.md", 2, /'terminal: true' cannot be combined with 'next'/);

  const types = errors({
    "FLOW/index.md": indexFile(["a"]),
    "FLOW/steps/a.md": stepFile("A", "terminal: yes please\non: [a]"),
  });
  assertIssue(types, "FLOW/steps/a.md", 2, /'terminal' must be true or false/);
  assertIssue(types, "FLOW/steps/a.md", 3, /'on' must be a map from reported status/);
});

Deno.test("start must be a listed step", () => {
  const issues = errors({
    ...simpleWorkflow("FLOW"),
    "FLOW/index.md": indexFile(["a", "b"], "start: zzz"),
  });
  assertIssue(issues, "FLOW/index.md", 2, /'start' names unknown step 'zzz' \(listed: a, b\)/);
});

Deno.test("unreachable steps are reported on their list line", () => {
  const issues = errors({
    "FLOW/index.md": indexFile(["a", "b", "c", "d"]),
    "FLOW/steps/a.md": stepFile("A", "next: c\non: {failure: FINISH}"),
    "FLOW/steps/b.md": stepFile("B"),
    "FLOW/steps/c.md": stepFile("C", "terminal: true"),
    "FLOW/steps/d.md": stepFile("D", "next: FINISH"),
  });
  assertIssue(issues, "FLOW/index.md", 8, /step 'b' is unreachable: no route leads to it/);
  assertIssue(issues, "FLOW/index.md", 10, /step 'd' is unreachable/);
  assert.deepEqual(issues.length, 2);

  // A step with only `on` may go anywhere (the AI decides other statuses).
  load({
    "FLOW/index.md": indexFile(["a", "b"]),
    "FLOW/steps/a.md": stepFile("A", "on: {failure: FINISH}"),
    "FLOW/steps/b.md": stepFile("B"),
  });
});

Deno.test("a front matter with a wrong key still has its other keys checked, in the same run", () => {
  const issues = errors({
    "FLOW/index.md": indexFile(
      ["a"],
      "start: zzz\nmax_steps: -3\ncolour: red\ninputs:\n  n: {type: integer}\n" +
        "  m: {type: number, default: abc}",
    ),
    "FLOW/steps/a.md": stepFile("A", "terminal: true\nnext: a\ndescription: [1]"),
  });
  const messages = issues.map((issue) => issue.message).join("\n");
  for (
    const expected of [
      /front matter 'max_steps' must be/,
      /unknown front matter key 'colour'/,
      /front matter 'inputs\.n\.type' must be/,
      /'start' names unknown step 'zzz'/,
      /input 'm' has type number but its default is a string/,
      /front matter 'description' must be/,
      /terminal/,
    ]
  ) {
    assert.match(messages, expected);
  }
});

Deno.test("files under steps/ that are not listed or included are reported", () => {
  const issues = errors({
    ...simpleWorkflow("FLOW"),
    "FLOW/steps/extra.md": stepFile(),
    "FLOW/steps/nested/deep.md": "x",
    "FLOW/steps/notes.txt": "not markdown: ignored",
  });
  assertIssue(
    issues,
    "FLOW/steps/extra.md",
    undefined,
    /file not listed in index.md: add '- \[extra\]\(steps\/extra\.md\)'.* or delete it/,
  );
  assertIssue(issues, "FLOW/steps/nested/deep.md", undefined, /file not listed/);
  assert.deepEqual(issues.length, 2);
});

Deno.test("a file named by a duplicate step or an include nested too deep is not 'not listed'", () => {
  const duplicate = errors({
    "FLOW/index.md": indexFile(["a"], "", "- [a](steps/b.md)\n"),
    "FLOW/steps/a.md": stepFile(),
    "FLOW/steps/b.md": stepFile(),
  });
  assertIssue(duplicate, "FLOW/index.md", 8, /duplicate step name 'a'/);
  assert.equal(duplicate.length, 1, JSON.stringify(duplicate));

  const chain: Tree = {
    "FLOW/index.md": indexFile(["a"]),
    "FLOW/steps/a.md": stepFile("{{file:i1.md}}"),
  };
  for (let i = 1; i <= 10; i++) chain[`FLOW/steps/i${i}.md`] = `level ${i} {{file:i${i + 1}.md}}`;
  chain["FLOW/steps/i11.md"] = "one level too deep";
  const deep = errors(chain);
  assert.ok(deep.some((issue) => /nested more than 10 levels deep/.test(issue.message)));
  assert.deepEqual(deep.filter((issue) => /not listed/.test(issue.message)), []);
});

Deno.test("hostile files: too large, binary, invalid UTF-8", () => {
  const big = "x".repeat(1024 * 1024 + 1);
  const issues = errors({
    "FLOW/index.md": indexFile(["big", "bin", "latin"]),
    "FLOW/steps/big.md": big,
    "FLOW/steps/bin.md": new Uint8Array([35, 32, 0, 1, 2]),
    "FLOW/steps/latin.md": new Uint8Array([35, 32, 0xe9, 0xff, 10]),
  });
  assertIssue(issues, "FLOW/index.md", 7, /step 'big': file 'steps\/big\.md' file too large/);
  assertIssue(issues, "FLOW/index.md", 8, /binary file/);
  assertIssue(issues, "FLOW/index.md", 9, /not valid UTF-8/);
  assert.equal(issues.length, 3, "a listed file that cannot be read is not also 'not listed'");
  // An oversized index.md is refused too.
  assertIssue(
    errors({ "FLOW/index.md": big }),
    "FLOW/index.md",
    undefined,
    /file too large/,
  );
});

Deno.test("folder problems: bad name, missing index.md, symlinked folder escaping the root", () => {
  const bad = loadWorkflow(tempDefinitions(simpleWorkflow("my-flow")), "my-flow");
  assert(!bad.valid);
  assertIssue(bad.errors, "my-flow", undefined, /not a valid workflow name.*'MY_FLOW'/);
  assert.deepEqual(bad.steps, ["a", "b"], "the rest of the folder is still read");

  assertIssue(
    errors({ "FLOW/steps/a.md": stepFile() }),
    "FLOW/index.md",
    undefined,
    /missing index\.md/,
  );

  const outside = tempDefinitions(simpleWorkflow("ELSEWHERE"));
  const root = tempDefinitions();
  Deno.symlinkSync(`${outside}/ELSEWHERE`, `${root}/FLOW`);
  const linked = loadWorkflow(root, "FLOW");
  assert(!linked.valid);
  assertIssue(linked.errors, "FLOW", undefined, /points outside the definitions directory/);

  const traversal = loadWorkflow(root, "../x");
  assert(!traversal.valid);
});

Deno.test("every problem in a folder is collected, not just the first", () => {
  const issues = errors({
    "FLOW/index.md": indexFile(["a", "b", "c"], "bogus: 1"),
    "FLOW/steps/a.md": "# Orchestrator Guidance\nx\n",
    "FLOW/steps/b.md": stepFile("B", "next: nope"),
    "FLOW/steps/stray.md": stepFile(),
  });
  assertIssue(issues, "FLOW/index.md", 2, /unknown front matter key 'bogus'/);
  assertIssue(issues, "FLOW/steps/a.md", 1, /missing section '# Client Instructions'/);
  assertIssue(issues, "FLOW/steps/b.md", 2, /routes to unknown step 'nope'/);
  assertIssue(issues, "FLOW/index.md", 12, /file 'steps\/c\.md' does not exist/);
  assertIssue(issues, "FLOW/steps/stray.md", undefined, /file not listed/);
});

Deno.test("the hash changes with any file's content and is stable otherwise", () => {
  const tree = simpleWorkflow("FLOW");
  const first = load(tree).hash;
  assert.deepEqual(load(tree).hash, first);
  assert(load({ ...tree, "FLOW/steps/b.md": stepFile("Changed.") }).hash !== first);
});

Deno.test("an index listing only FINISH is invalid; a file named '..notes.md' is inside", () => {
  const onlyFinish = tempDefinitions({
    "FLOW/index.md": "# Flow\n\n# Steps\n\n- [FINISH](steps/FINISH.md)\n",
    "FLOW/steps/FINISH.md": stepFile("Done."),
  });
  const entry = loadWorkflow(onlyFinish, "FLOW");
  assert.equal(entry.valid, false);
  assert.ok(
    !entry.valid && entry.errors.some((e) => e.line === 5 && /lists only FINISH/.test(e.message)),
    JSON.stringify(entry),
  );
  const dotted = loadWorkflow(
    tempDefinitions({
      "FLOW/index.md": indexFile(["a"]),
      "FLOW/steps/a.md": stepFile("See {{file:..notes.md}}"),
      "FLOW/steps/..notes.md": "the notes",
    }),
    "FLOW",
  );
  assert.ok(dotted.valid, JSON.stringify(dotted));
  assert.match(dotted.definition.steps[0]!.instructions, /See the notes/);
});

Deno.test("a steps folder that links outside the workflow is not listed", () => {
  const outside = Deno.makeTempDirSync({ prefix: "orch-outside-" });
  Deno.writeTextFileSync(`${outside}/passwords.md`, "secret");
  const root = tempDefinitions({
    "FLOW/index.md": "# Flow\n\n# Steps\n\n- [a](parts/a.md)\n",
  });
  Deno.mkdirSync(`${root}/FLOW/parts`);
  Deno.writeTextFileSync(`${root}/FLOW/parts/a.md`, stepFile("Do a."));
  Deno.symlinkSync(outside, `${root}/FLOW/steps`);
  const entry = loadWorkflow(root, "FLOW");
  assert.ok(!JSON.stringify(entry).includes("passwords"), JSON.stringify(entry));
});

Deno.test("links inside the workflow: a linked steps folder and a linked step file load, none is unlisted", () => {
  const root = tempDefinitions({
    "FLOW/index.md": "# Flow\n\n# Steps\n\n- [a](steps/a.md)\n- [b](steps/b.md)\n",
    "FLOW/parts/a.md": stepFile("Do a."),
    "FLOW/shared/b.md": stepFile("Do b."),
  });
  // steps -> parts (a folder inside the workflow), parts/b.md -> ../shared/b.md (a file inside).
  Deno.symlinkSync(`${root}/FLOW/parts`, `${root}/FLOW/steps`);
  Deno.symlinkSync(`${root}/FLOW/shared/b.md`, `${root}/FLOW/parts/b.md`);
  const entry = loadWorkflow(root, "FLOW");
  assert.ok(entry.valid, JSON.stringify(entry));
  // Valid: both files, read through the links, are the ones the unlisted-files walk finds.
  assert.deepEqual(entry.definition.steps.map((s) => s.instructions), ["Do a.", "Do b."]);
});
