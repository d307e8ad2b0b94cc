import assert from "node:assert/strict";
import { InvalidWorkflowError, UnknownWorkflowError } from "../../src/errors.ts";
import { DefinitionRegistry } from "../../src/definitions/registry.ts";
import { watchDefinitions } from "../../src/definitions/watch.ts";
import { simpleWorkflow, stepFile, tempDefinitions, writeTree } from "./helpers.ts";
import { eventually, sleep } from "../helpers/wait.ts";

/** The watcher answers within milliseconds: poll often, give up after 2 s. */
const FAST_POLL = { timeoutMs: 2000, everyMs: 20 };

Deno.test("list returns every folder sorted, valid and invalid; files and dot-folders are ignored", () => {
  const root = tempDefinitions({
    ...simpleWorkflow("ZED"),
    ...simpleWorkflow("ALPHA"),
    "BROKEN/index.md": "# Broken\n\nIt is broken.\n\n# Steps\n\n- [a](steps/a.md)\n",
    "bad name/index.md": "# x",
    "README.md": "not a workflow",
    ".git/config": "x",
  });
  const list = new DefinitionRegistry(root).list();
  assert.deepEqual(list.map((e) => e.name), ["ALPHA", "BROKEN", "ZED", "bad name"]);
  assert.deepEqual(list.map((e) => e.valid), [true, false, true, false]);
  const broken = list[1];
  assert(broken && !broken.valid);
  assert.equal(broken.description, "It is broken.");
  assert.deepEqual(broken.steps, ["a"]);
  assert.match(broken.errors[0]?.message ?? "", /step 'a' is listed but its file/);
  const bad = list[3];
  assert(bad && !bad.valid);
  assert.match(bad.errors[0]?.message ?? "", /not a valid workflow name/);
});

Deno.test("get: unknown names, path tricks and invalid workflows throw typed errors", () => {
  const root = tempDefinitions({
    ...simpleWorkflow("GOOD"),
    "BAD/index.md": "# Bad\n",
    ...simpleWorkflow("bad-name"),
  });
  const registry = new DefinitionRegistry(root);
  assert.equal(registry.get("GOOD").steps.length, 2);
  for (const name of ["NOPE", "../etc", "a/b", "..", "", "good", "GOOD/../GOOD"]) {
    assert.throws(() => registry.get(name), UnknownWorkflowError, name);
  }
  assert.throws(() => registry.get("../etc"), /Available workflows: BAD, GOOD/);
  assert.throws(
    () => registry.get("BAD"),
    (error: unknown) =>
      error instanceof InvalidWorkflowError &&
      /BAD\/index\.md:1: index\.md lists no steps/.test(error.message),
  );
  // A folder listed (as invalid) under a name that is not a workflow name: its problem, not "unknown".
  assert.throws(
    () => registry.get("bad-name"),
    (error: unknown) => error instanceof InvalidWorkflowError && /bad-name/.test(error.message),
  );
  assert.throws(
    () => new DefinitionRegistry(`${root}/missing`).get("GOOD"),
    /No workflows are defined/,
  );
});

Deno.test("cached entries are reused while the files are unchanged", () => {
  const root = tempDefinitions(simpleWorkflow("FLOW"));
  const registry = new DefinitionRegistry(root, { recheckMs: 0 });
  const first = registry.get("FLOW");
  assert.equal(registry.get("FLOW"), first, "same object: not re-parsed");
  let told = 0;
  registry.onChange(() => told++);
  registry.invalidate("FLOW", "OTHER");
  assert.equal(told, 1, "listeners are told once per invalidation, however many names");
  const reloaded = registry.get("FLOW");
  assert.notEqual(reloaded, first);
  assert.deepEqual(reloaded, first);
});

Deno.test("new, changed and removed folders are seen without a restart (polling)", async () => {
  const root = tempDefinitions(simpleWorkflow("ONE"));
  const registry = new DefinitionRegistry(root); // default 250 ms re-check
  assert.deepEqual(registry.list().map((e) => e.name), ["ONE"]);

  writeTree(root, simpleWorkflow("TWO"));
  writeTree(root, { "ONE/steps/b.md": stepFile("Changed instructions, longer than before.") });
  await sleep(300);
  assert.deepEqual(registry.list().map((e) => e.name), ["ONE", "TWO"]);
  assert.equal(
    registry.get("ONE").steps[1]?.instructions,
    "Changed instructions, longer than before.",
  );

  writeTree(root, { "ONE/steps/stray.md": stepFile() });
  await sleep(300);
  assert.equal(registry.list()[0]?.valid, false, "an added unlisted file is noticed");

  Deno.removeSync(`${root}/TWO`, { recursive: true });
  await sleep(300);
  assert.deepEqual(registry.list().map((e) => e.name), ["ONE"]);
  assert.throws(() => registry.get("TWO"), UnknownWorkflowError);
});

Deno.test("the watcher makes edits visible at once, even with slow polling", async () => {
  const root = tempDefinitions(simpleWorkflow("FLOW"));
  const registry = new DefinitionRegistry(root, { recheckMs: 3_600_000 });
  const watcher = watchDefinitions(registry, root);
  try {
    assert.equal(registry.get("FLOW").steps[0]?.instructions, "Do a.");
    await sleep(50);
    writeTree(root, { "FLOW/steps/a.md": stepFile("Edited.") });
    await eventually(
      () => registry.get("FLOW").steps[0]?.instructions === "Edited." || undefined,
      "the edited step",
      FAST_POLL,
    );
    writeTree(root, simpleWorkflow("NEW"));
    await eventually(
      () => registry.list().some((e) => e.name === "NEW") || undefined,
      "the new folder",
      FAST_POLL,
    );
  } finally {
    watcher.close();
    watcher.close();
  }
});

Deno.test("the watcher ignores the database's own files, and still sees definition edits", async () => {
  const root = tempDefinitions(simpleWorkflow("FLOW"));
  const calls: string[][] = [];
  const dbPath = `${root}/data/workflows.sqlite`;
  Deno.mkdirSync(`${root}/data`);
  const watcher = watchDefinitions({ invalidate: (...names) => calls.push(names) }, root, {
    ignore: [dbPath],
  });
  try {
    await sleep(50);
    for (let i = 0; i < 20; i++) {
      for (const file of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) {
        Deno.writeTextFileSync(file, `commit ${i}`, { append: true });
      }
    }
    await sleep(300);
    assert.equal(calls.length, 0, "database writes are not definition changes");
    // A file that merely starts with the database's name is not one of its own files.
    Deno.writeTextFileSync(`${dbPath}-notes.md`, "x");
    writeTree(root, { "FLOW/steps/a.md": stepFile("Edited.") });
    await eventually(
      () => (calls.flat().includes("FLOW") && calls.flat().includes("data")) || undefined,
      "the invalidation of the edited workflow and of the other file's folder",
      FAST_POLL,
    );
  } finally {
    watcher.close();
  }
});

Deno.test("a watcher that cannot start logs to stderr and does not throw", () => {
  const errors: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => errors.push(args.join(" "));
  try {
    const registry = new DefinitionRegistry("/nonexistent/definitions");
    const watcher = watchDefinitions(registry, "/nonexistent/definitions");
    watcher.close();
    assert.deepEqual(registry.list(), []);
  } finally {
    console.error = original;
  }
  assert.equal(errors.length, 1);
  assert.match(errors[0] ?? "", /Not watching workflow definitions .* polling/);
});
