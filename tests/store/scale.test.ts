import assert from "node:assert/strict";
import { openSqliteStore } from "../../src/store/sqlite/store.ts";
import { disposable, newInstance, reportEntry, startEntry, tempDbPath } from "./helpers.ts";

Deno.test("with ~20k history rows, lookups and pages still return the right rows", async () => {
  using tmp = tempDbPath();
  using store = disposable(openSqliteStore(tmp.path));
  const instances = 200;
  const stepsEach = 100;
  const ids: string[] = [];
  for (let i = 0; i < instances; i++) {
    const init = newInstance(crypto.randomUUID(), i % 2 === 0 ? "SAVE" : "RESUME");
    await store.createInstance(init, startEntry());
    ids.push(init.id);
  }
  // Interleave instances so each one's rows are spread through the table, as in real use.
  for (let version = 1; version < stepsEach; version++) {
    for (let i = 0; i < instances; i++) {
      const last = version === stepsEach - 1 && i % 4 === 0;
      await store.applyTransition(ids[i]!, version, {
        status: last ? "COMPLETED" : "RUNNING",
        currentStep: last ? "FINISH" : `s${version}`,
        context: { version },
      }, reportEntry(`s${version - 1}`, `s${version}`, version));
    }
  }

  const probe = ids[137]!;
  const instance = await store.getInstance(probe);
  assert.equal(instance?.version, stepsEach);
  assert.equal(instance?.historyLength, stepsEach);

  const page = await store.listHistory(probe, { limit: 10, offset: 50 });
  assert.equal(page.total, stepsEach);
  assert.deepEqual(page.entries.map((e) => e.seq), [51, 52, 53, 54, 55, 56, 57, 58, 59, 60]);
  assert.ok(page.entries.every((e) => e.instanceId === probe));
  assert.deepEqual((await store.recentHistory(probe, 3)).map((e) => e.seq), [98, 99, 100]);
  assert.equal((await store.lastHistoryEntry(probe))?.seq, stepsEach);

  const total = (await store.listInstances({ limit: 1, offset: 0 })).total;
  assert.equal(total, instances);
  const completed = await store.listInstances({ status: "COMPLETED", limit: 500, offset: 0 });
  assert.equal(completed.total, instances / 4);
  assert.deepEqual(
    new Set(completed.instances.map((i) => i.id)),
    new Set(ids.filter((_, i) => i % 4 === 0)),
  );
  for (let i = 1; i < completed.instances.length; i++) {
    const [newer, older] = [completed.instances[i - 1]!, completed.instances[i]!];
    assert.ok(
      newer.createdAt > older.createdAt ||
        (newer.createdAt === older.createdAt && newer.id > older.id),
      "ordered by createdAt desc, then id desc",
    );
  }
  const savedRunning = await store.listInstances({
    workflowName: "SAVE",
    status: "RUNNING",
    limit: 500,
    offset: 0,
  });
  assert.equal(savedRunning.total, instances / 4);
  assert.ok(savedRunning.instances.every((i) => i.workflowName === "SAVE"));
  assert.ok(savedRunning.instances.every((i) => i.status === "RUNNING"));
});
