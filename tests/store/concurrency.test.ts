import assert from "node:assert/strict";
import { ConflictError } from "../../src/errors.ts";
import { openSqliteStore } from "../../src/store/sqlite/store.ts";
import { disposable, newInstance, reportEntry, startEntry, tempDbPath } from "./helpers.ts";

const APPLY_TRANSITION = new URL("./fixtures/apply_transition.ts", import.meta.url).pathname;

Deno.test("two connections on one file: the second advance at the same version conflicts", async () => {
  using tmp = tempDbPath();
  using a = disposable(openSqliteStore(tmp.path));
  using b = disposable(openSqliteStore(tmp.path));
  const init = newInstance();
  await a.createInstance(init, startEntry());

  // Both callers read version 1, then both try to advance from it.
  const seenByA = await a.getInstance(init.id);
  const seenByB = await b.getInstance(init.id);
  assert.equal(seenByA?.version, 1);
  assert.equal(seenByB?.version, 1);
  const won = await a.applyTransition(
    init.id,
    1,
    { status: "RUNNING", currentStep: "from_a", context: { by: "a" } },
    reportEntry("identify_target", "from_a"),
  );
  await assert.rejects(
    () =>
      b.applyTransition(
        init.id,
        1,
        { status: "RUNNING", currentStep: "from_b", context: { by: "b" } },
        reportEntry("identify_target", "from_b"),
      ),
    ConflictError,
  );
  assert.deepEqual(await b.getInstance(init.id), won);
  assert.deepEqual(
    (await b.listHistory(init.id, { limit: 10, offset: 0 })).entries.map((e) =>
      e.decision.nextStep
    ),
    ["identify_target", "from_a"],
  );
  // B retries from the version it now sees, and wins.
  assert.equal(
    (await b.applyTransition(
      init.id,
      2,
      { status: "RUNNING", currentStep: "from_b", context: {} },
      reportEntry("from_a", "from_b"),
    )).version,
    3,
  );
  assert.equal((await a.getInstance(init.id))?.currentStep, "from_b");
});

Deno.test("processes racing to advance one instance: exactly one wins, the others conflict", async () => {
  using tmp = tempDbPath();
  using store = disposable(openSqliteStore(tmp.path));
  const init = newInstance();
  await store.createInstance(init, startEntry());

  const labels = ["p1", "p2", "p3", "p4"];
  const children = labels.map((label) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-config",
        "--allow-read",
        "--allow-write",
        APPLY_TRANSITION,
        tmp.path,
        init.id,
        "1",
        label,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output()
  );
  const results = await Promise.all(children);
  const outcomes = results.map((output, i) => {
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    const parsed: { ok: boolean; version?: number; error?: string } = JSON.parse(
      new TextDecoder().decode(output.stdout),
    );
    return { label: labels[i]!, ...parsed };
  });

  const winners = outcomes.filter((o) => o.ok);
  assert.equal(winners.length, 1, JSON.stringify(outcomes));
  assert.equal(winners[0]!.version, 2);
  for (const loser of outcomes.filter((o) => !o.ok)) assert.equal(loser.error, "CONFLICT");

  const instance = await store.getInstance(init.id);
  assert.equal(instance?.version, 2);
  assert.equal(instance?.historyLength, 2);
  assert.equal(instance?.currentStep, `step_from_${winners[0]!.label}`);
  assert.deepEqual(instance?.context, { writer: winners[0]!.label });
  const history = await store.listHistory(init.id, { limit: 10, offset: 0 });
  assert.equal(history.total, 2);
  assert.deepEqual(history.entries[1]?.contextUpdates, { writer: winners[0]!.label });
});

Deno.test("a child process advancing after us sees our version and conflicts", async () => {
  using tmp = tempDbPath();
  using store = disposable(openSqliteStore(tmp.path));
  const init = newInstance();
  await store.createInstance(init, startEntry());
  await store.applyTransition(
    init.id,
    1,
    { status: "RUNNING", currentStep: "parent", context: {} },
    reportEntry("identify_target", "parent"),
  );
  const run = (version: string) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-config",
        "--allow-read",
        "--allow-write",
        APPLY_TRANSITION,
        tmp.path,
        init.id,
        version,
        "child",
      ],
    }).output();
  const stale = JSON.parse(new TextDecoder().decode((await run("1")).stdout));
  assert.equal(stale.error, "CONFLICT");
  const fresh = JSON.parse(new TextDecoder().decode((await run("2")).stdout));
  assert.deepEqual(fresh, { ok: true, version: 3 });
  // Our connection sees the child's commit.
  assert.equal((await store.getInstance(init.id))?.currentStep, "step_from_child");
  assert.equal((await store.lastHistoryEntry(init.id))?.seq, 3);
});

Deno.test("processes opening a brand-new file at once all succeed (one migrates)", async () => {
  // Several rounds of several processes: the races (switching to WAL, migrating, checking for a
  // foreign schema while another process migrates) only show now and then.
  const openStoreScript = new URL("./fixtures/open_store.ts", import.meta.url).pathname;
  for (let round = 0; round < 3; round++) {
    using tmp = tempDbPath();
    const outputs = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(() =>
        new Deno.Command(Deno.execPath(), {
          args: ["run", "--no-config", "--allow-read", "--allow-write", openStoreScript, tmp.path],
        }).output()
      ),
    );
    for (const output of outputs) {
      assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
      assert.deepEqual(JSON.parse(new TextDecoder().decode(output.stdout)), { ok: true });
    }
    using store = disposable(openSqliteStore(tmp.path));
    assert.equal(await store.pinnedDefinition("h"), "{}");
  }
});
