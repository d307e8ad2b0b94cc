import assert from "node:assert/strict";
import { ConflictError, InvalidInputError, UnknownInstanceError } from "../../src/errors.ts";
import { nowIso } from "../../src/store/rows.ts";
import { openSqliteStore } from "../../src/store/sqlite/store.ts";
import { disposable, newInstance, reportEntry, startEntry, tempDbPath } from "./helpers.ts";

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

Deno.test("createInstance then getInstance returns the same instance", async () => {
  using tmp = tempDbPath();
  const { path } = tmp;
  using store = disposable(openSqliteStore(path));
  const init = newInstance();
  const created = await store.createInstance(init, startEntry());
  assert.equal(created.version, 1);
  assert.equal(created.historyLength, 1);
  assert.equal(created.completedAt, null);
  assert.match(created.createdAt, ISO_MS);
  assert.equal(created.createdAt, created.updatedAt);
  assert.deepEqual(created.context, init.context);
  assert.deepEqual(await store.getInstance(init.id), created);
  assert.equal(await store.getInstance(crypto.randomUUID()), undefined);

  const history = await store.listHistory(init.id, { limit: 10, offset: 0 });
  assert.equal(history.total, 1);
  assert.deepEqual(history.entries, [{
    ...startEntry(),
    instanceId: init.id,
    seq: 1,
    createdAt: created.createdAt,
  }]);
});

Deno.test("createInstance with a finished status sets completedAt", async () => {
  using tmp = tempDbPath();
  const { path } = tmp;
  using store = disposable(openSqliteStore(path));
  const created = await store.createInstance(
    { ...newInstance(), status: "COMPLETED", currentStep: "FINISH" },
    { ...startEntry(), statusAfter: "COMPLETED" },
  );
  assert.equal(created.completedAt, created.createdAt);
});

Deno.test("createInstance with an id already used fails and writes nothing", async () => {
  using tmp = tempDbPath();
  const { path } = tmp;
  using store = disposable(openSqliteStore(path));
  const init = newInstance();
  await store.createInstance(init, startEntry());
  await assert.rejects(() => store.createInstance(init, startEntry()), /already used/);
  assert.equal((await store.listHistory(init.id, { limit: 10, offset: 0 })).total, 1);
});

Deno.test("applyTransition updates the instance and appends history with the decision", async () => {
  using tmp = tempDbPath();
  const { path } = tmp;
  using store = disposable(openSqliteStore(path));
  const init = newInstance();
  const created = await store.createInstance(init, startEntry());
  const entry = reportEntry("identify_target", "write_tests", 1);
  const updated = await store.applyTransition(init.id, 1, {
    status: "RUNNING",
    currentStep: "write_tests",
    context: { ...init.context, last: 1 },
  }, entry);
  assert.equal(updated.version, 2);
  assert.equal(updated.historyLength, 2);
  assert.equal(updated.currentStep, "write_tests");
  assert.deepEqual(updated.context, { ...init.context, last: 1 });
  assert.equal(updated.createdAt, created.createdAt);
  assert.equal(updated.workflowName, init.workflowName);
  assert.equal(updated.definitionHash, init.definitionHash);
  assert.ok(updated.updatedAt >= created.updatedAt);
  assert.equal(updated.completedAt, null);
  // The returned instance is exactly what a re-read gives.
  assert.deepEqual(await store.getInstance(init.id), updated);

  const last = await store.lastHistoryEntry(init.id);
  assert.deepEqual(last, { ...entry, instanceId: init.id, seq: 2, createdAt: updated.updatedAt });
});

Deno.test("transition reads, plans and writes in one transaction; a plan that throws or changes nothing writes nothing", async () => {
  using tmp = tempDbPath();
  const { path } = tmp;
  using store = disposable(openSqliteStore(path));
  const init = newInstance();
  await store.createInstance(init, startEntry());
  const entry = reportEntry("identify_target", "write_tests", 1);
  const change = { status: "RUNNING" as const, currentStep: "write_tests", context: { n: 1 } };

  // The plan sees the instance as stored, and its value comes back once committed.
  const seen = await store.transition(init.id, ({ instance }) => ({
    value: instance.version,
    change,
    entry,
  }));
  assert.equal(seen, 1);
  const after = (await store.getInstance(init.id))!;
  assert.equal(after.version, 2);
  assert.equal(after.currentStep, "write_tests");
  assert.deepEqual((await store.lastHistoryEntry(init.id))?.report, entry.report);

  // No change: nothing written. A throwing plan: its error, nothing written.
  assert.equal(await store.transition(init.id, ({ instance }) => ({ value: instance.version })), 2);
  await assert.rejects(
    () =>
      store.transition(init.id, () => {
        throw new InvalidInputError("refused by the plan");
      }),
    InvalidInputError,
  );
  assert.deepEqual(await store.getInstance(init.id), after);
  assert.equal((await store.listHistory(init.id, { limit: 10, offset: 0 })).total, 2);

  await assert.rejects(
    () => store.transition(crypto.randomUUID(), () => ({ value: 0 })),
    UnknownInstanceError,
  );
});

Deno.test("transitions queued together each see the state the previous one left", async () => {
  using tmp = tempDbPath();
  const { path } = tmp;
  using store = disposable(openSqliteStore(path));
  const init = newInstance();
  await store.createInstance(init, startEntry());
  const step = (n: number) =>
    store.transition(init.id, ({ instance }) => ({
      value: instance.version,
      change: { status: "RUNNING" as const, currentStep: `s${n}`, context: { n } },
      entry: reportEntry(instance.currentStep, `s${n}`, n),
    }));
  // One group commit: each plan runs after the previous one wrote, in its own savepoint.
  assert.deepEqual(await Promise.all([step(1), step(2), step(3)]), [1, 2, 3]);
  assert.equal((await store.getInstance(init.id))?.currentStep, "s3");
  assert.equal((await store.listHistory(init.id, { limit: 10, offset: 0 })).total, 4);

  // A plan that fails in the middle of a batch is rolled back alone.
  const refused = store.transition(init.id, () => {
    throw new InvalidInputError("refused by the plan");
  });
  const results = await Promise.allSettled([step(4), refused, step(5)]);
  assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled"]);
  assert.deepEqual(results.map((r) => r.status === "fulfilled" ? r.value : null), [4, null, 5]);
  assert.equal((await store.getInstance(init.id))?.currentStep, "s5");
  assert.equal((await store.listHistory(init.id, { limit: 10, offset: 0 })).total, 6);
});

Deno.test("applyTransition to a finished status sets completedAt; RUNNING clears it", async () => {
  using tmp = tempDbPath();
  const { path } = tmp;
  using store = disposable(openSqliteStore(path));
  const init = newInstance();
  await store.createInstance(init, startEntry());
  const done = await store.applyTransition(
    init.id,
    1,
    { status: "COMPLETED", currentStep: "FINISH", context: {} },
    { ...reportEntry("identify_target", "FINISH"), statusAfter: "COMPLETED" },
  );
  assert.equal(done.status, "COMPLETED");
  assert.equal(done.completedAt, done.updatedAt);
  assert.match(done.completedAt ?? "", ISO_MS);
  const cancelled = await store.applyTransition(
    init.id,
    2,
    { status: "CANCELLED", currentStep: "FINISH", context: {} },
    { ...reportEntry("FINISH", "FINISH"), statusAfter: "CANCELLED" },
  );
  assert.equal(cancelled.completedAt, done.completedAt, "the first completion time is kept");
  const reopened = await store.applyTransition(
    init.id,
    3,
    { status: "RUNNING", currentStep: "identify_target", context: {} },
    reportEntry("FINISH", "identify_target"),
  );
  assert.equal(reopened.completedAt, null);
  assert.deepEqual(await store.getInstance(init.id), reopened);
});

Deno.test("applyTransition with a stale version throws ConflictError and changes nothing", async () => {
  using tmp = tempDbPath();
  const { path } = tmp;
  using store = disposable(openSqliteStore(path));
  const init = newInstance();
  await store.createInstance(init, startEntry());
  const change = { status: "RUNNING" as const, currentStep: "write_tests", context: {} };
  const winner = await store.applyTransition(
    init.id,
    1,
    change,
    reportEntry("identify_target", "a"),
  );
  await assert.rejects(
    () => store.applyTransition(init.id, 1, change, reportEntry("identify_target", "b")),
    (error: unknown) => {
      assert.ok(error instanceof ConflictError);
      assert.match(error.message, new RegExp(init.id));
      assert.equal(error.retryable, true);
      return true;
    },
  );
  assert.deepEqual(await store.getInstance(init.id), winner);
  const history = await store.listHistory(init.id, { limit: 10, offset: 0 });
  assert.equal(history.total, 2);
  assert.deepEqual(history.entries.map((e) => e.decision.nextStep), ["identify_target", "a"]);
});

Deno.test("applyTransition on an unknown id throws UnknownInstanceError", async () => {
  using tmp = tempDbPath();
  const { path } = tmp;
  using store = disposable(openSqliteStore(path));
  const id = crypto.randomUUID();
  await assert.rejects(
    () =>
      store.applyTransition(
        id,
        1,
        { status: "RUNNING", currentStep: "x", context: {} },
        reportEntry("a", "x"),
      ),
    (error: unknown) => error instanceof UnknownInstanceError && error.message.includes(id),
  );
  assert.equal(await store.lastHistoryEntry(id), undefined);
});

Deno.test("history: order, paging, recentHistory and lastHistoryEntry", async () => {
  using tmp = tempDbPath();
  const { path } = tmp;
  using store = disposable(openSqliteStore(path));
  const init = newInstance();
  const other = newInstance();
  await store.createInstance(init, startEntry());
  await store.createInstance(other, startEntry());
  let version = 1;
  for (let n = 1; n <= 24; n++) {
    const change = { status: "RUNNING" as const, currentStep: `s${n}`, context: { n } };
    const entry = reportEntry(`s${n - 1}`, `s${n}`, n);
    version = (await store.applyTransition(init.id, version, change, entry)).version;
  }
  await store.applyTransition(
    other.id,
    1,
    { status: "RUNNING", currentStep: "o", context: {} },
    reportEntry("identify_target", "o"),
  );

  const all = await store.listHistory(init.id, { limit: 100, offset: 0 });
  assert.equal(all.total, 25);
  assert.deepEqual(all.entries.map((e) => e.seq), Array.from({ length: 25 }, (_, i) => i + 1));
  assert.ok(all.entries.every((e) => e.instanceId === init.id));

  const page = await store.listHistory(init.id, { limit: 10, offset: 20 });
  assert.equal(page.total, 25);
  assert.deepEqual(page.entries.map((e) => e.seq), [21, 22, 23, 24, 25]);
  assert.deepEqual(page.entries[0], all.entries[20]);
  assert.deepEqual((await store.listHistory(init.id, { limit: 10, offset: 30 })).entries, []);

  assert.deepEqual((await store.recentHistory(init.id, 3)).map((e) => e.seq), [23, 24, 25]);
  assert.deepEqual((await store.recentHistory(init.id, 100)).length, 25);
  assert.deepEqual(await store.recentHistory(init.id, 0), []);
  assert.equal((await store.lastHistoryEntry(init.id))?.seq, 25);
  assert.equal((await store.lastHistoryEntry(init.id))?.decision.nextStep, "s24");
  assert.equal((await store.lastHistoryEntry(other.id))?.decision.nextStep, "o");

  assert.deepEqual(await store.listHistory(crypto.randomUUID(), { limit: 10, offset: 0 }), {
    entries: [],
    total: 0,
  });
  await assert.rejects(
    () => store.listHistory(init.id, { limit: 0, offset: 0 }),
    InvalidInputError,
  );
  await assert.rejects(
    () => store.listHistory(init.id, { limit: 5, offset: -1 }),
    InvalidInputError,
  );
  await assert.rejects(() => store.recentHistory(init.id, -1), InvalidInputError);
});

Deno.test("history entries omit absent decision fields and keep null columns as null", async () => {
  using tmp = tempDbPath();
  const { path } = tmp;
  using store = disposable(openSqliteStore(path));
  const init = newInstance();
  await store.createInstance(init, startEntry());
  const entry = await store.lastHistoryEntry(init.id);
  assert.ok(entry);
  assert.deepEqual(entry.decision, { source: "start", nextStep: "identify_target" });
  assert.equal(entry.step, null);
  assert.equal(entry.report, null);
  assert.equal(entry.contextUpdates, null);
  assert.equal(entry.requestHash, null);
});

Deno.test("listInstances filters, orders newest first, pages and counts the filtered total", async () => {
  using tmp = tempDbPath();
  const { path } = tmp;
  using store = disposable(openSqliteStore(path));
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    const workflow = i % 3 === 0 ? "JOKE_GENERATOR" : "SAVE";
    const init = newInstance(crypto.randomUUID(), workflow);
    await store.createInstance(init, startEntry());
    ids.push(init.id);
    // Distinct millisecond timestamps make the expected order unambiguous.
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  // Finish instances 0 and 1: advancing a run does not move it in the list (newest started first),
  // so a client paging through it sees every run once.
  for (const id of [ids[0]!, ids[1]!]) {
    await store.applyTransition(
      id,
      1,
      { status: "COMPLETED", currentStep: "FINISH", context: {} },
      { ...reportEntry("identify_target", "FINISH"), statusAfter: "COMPLETED" },
    );
    await new Promise((resolve) => setTimeout(resolve, 2));
  }

  const all = await store.listInstances({ limit: 500, offset: 0 });
  assert.equal(all.total, 12);
  const expectedOrder = [...ids].reverse();
  assert.deepEqual(all.instances.map((i) => i.id), expectedOrder);
  for (let i = 1; i < all.instances.length; i++) {
    assert.ok(all.instances[i - 1]!.createdAt > all.instances[i]!.createdAt);
  }

  const page = await store.listInstances({ limit: 5, offset: 5 });
  assert.equal(page.total, 12);
  assert.deepEqual(page.instances.map((i) => i.id), expectedOrder.slice(5, 10));
  assert.deepEqual(await store.listInstances({ limit: 5, offset: 50 }), {
    instances: [],
    total: 12,
  });

  const jokes = await store.listInstances({ workflowName: "JOKE_GENERATOR", limit: 2, offset: 0 });
  assert.equal(jokes.total, 4);
  assert.equal(jokes.instances.length, 2);
  assert.ok(jokes.instances.every((i) => i.workflowName === "JOKE_GENERATOR"));
  assert.equal(jokes.instances[0]!.id, ids[9]);

  const completed = await store.listInstances({ status: "COMPLETED", limit: 10, offset: 0 });
  assert.deepEqual(completed.instances.map((i) => i.id), [ids[1], ids[0]]);
  assert.equal(completed.total, 2);

  const running = await store.listInstances({ status: "RUNNING", limit: 10, offset: 0 });
  assert.equal(running.total, 10);
  assert.equal(running.instances.length, 10);

  const savedDone = await store.listInstances({
    workflowName: "SAVE",
    status: "COMPLETED",
    limit: 10,
    offset: 0,
  });
  assert.deepEqual(savedDone.instances.map((i) => i.id), [ids[1]]);
  assert.equal(savedDone.total, 1);

  assert.deepEqual(
    await store.listInstances({ workflowName: "NOPE", limit: 10, offset: 0 }),
    { instances: [], total: 0 },
  );
  await assert.rejects(() => store.listInstances({ limit: 501, offset: 0 }), InvalidInputError);
  await assert.rejects(() => store.listInstances({ limit: 0, offset: 0 }), InvalidInputError);
  await assert.rejects(() => store.listInstances({ limit: 1.5, offset: 0 }), InvalidInputError);
});

Deno.test("pinDefinition is idempotent and keeps the first body", async () => {
  using tmp = tempDbPath();
  const { path } = tmp;
  using store = disposable(openSqliteStore(path));
  assert.equal(await store.pinnedDefinition("h1"), undefined);
  await store.pinDefinition("h1", "SAVE", '{"steps":["a"]}');
  await store.pinDefinition("h1", "SAVE", '{"steps":["changed"]}');
  assert.equal(await store.pinnedDefinition("h1"), '{"steps":["a"]}');
  await store.pinDefinition("h2", "SAVE", "{}");
  assert.equal(await store.pinnedDefinition("h2"), "{}");
});

Deno.test("reopening the file keeps instances, history and definitions", async () => {
  using tmp = tempDbPath();
  const { path } = tmp;
  const init = newInstance();
  const first = openSqliteStore(path);
  await first.createInstance(init, startEntry());
  const updated = await first.applyTransition(
    init.id,
    1,
    { status: "SUSPENDED", currentStep: "write_tests", context: { kept: true } },
    reportEntry("identify_target", "write_tests"),
  );
  await first.pinDefinition("h", "SAVE", "{}");
  first.close();
  first.close(); // idempotent

  using second = disposable(openSqliteStore(path));
  assert.deepEqual(await second.getInstance(init.id), updated);
  assert.equal((await second.listHistory(init.id, { limit: 10, offset: 0 })).total, 2);
  assert.equal(await second.pinnedDefinition("h"), "{}");
});

Deno.test("a closed store refuses calls with a StorageError", async () => {
  using tmp = tempDbPath();
  const { path } = tmp;
  const store = openSqliteStore(path);
  store.close();
  await assert.rejects(() => store.getInstance("x"), /closed/);
});

Deno.test("an in-memory store works for engine tests", async () => {
  using store = disposable(openSqliteStore(":memory:"));
  const init = newInstance();
  await store.createInstance(init, startEntry());
  assert.equal((await store.getInstance(init.id))?.version, 1);
});

Deno.test("nowIso is ISO-8601 UTC with milliseconds", () => {
  assert.match(nowIso(), ISO_MS);
});
