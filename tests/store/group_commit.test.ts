import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ConflictError, UnknownInstanceError } from "../../src/errors.ts";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/store.ts";
import { disposable, newInstance, reportEntry, startEntry, tempDbPath } from "./helpers.ts";

/** A store at `path` holding instances `a` and `b` at version 1, its WAL emptied. */
async function twoInstances(path: string): Promise<{ store: SqliteStore; a: string; b: string }> {
  const store = openSqliteStore(path);
  const [a, b] = [newInstance(), newInstance()];
  await store.createInstance(a, startEntry());
  await store.createInstance(b, startEntry());
  walFrames(path, "TRUNCATE");
  return { store, a: a.id, b: b.id };
}

/** Frames in the WAL of `path` (each commit appends one frame per page it changed). */
function walFrames(path: string, mode: "PASSIVE" | "TRUNCATE" = "PASSIVE"): number {
  const raw = new DatabaseSync(path);
  try {
    return Number(raw.prepare(`PRAGMA wal_checkpoint(${mode})`).get()?.log);
  } finally {
    raw.close();
  }
}

const moveTo = (step: string) => ({ status: "RUNNING" as const, currentStep: step, context: {} });

Deno.test("writes issued together share one commit, each with its own result or error", async () => {
  using batched = tempDbPath();
  using sequential = tempDbPath();
  const { store, a, b } = await twoInstances(batched.path);
  using _ = disposable(store);
  // Issued in one turn: two advances, a loser of a race on `a`, and an unknown instance.
  const results = await Promise.allSettled([
    store.applyTransition(a, 1, moveTo("a2"), reportEntry("identify_target", "a2", 1)),
    store.applyTransition(b, 1, moveTo("b2"), reportEntry("identify_target", "b2", 2)),
    store.applyTransition(a, 1, moveTo("lost"), reportEntry("identify_target", "lost", 3)),
    store.applyTransition("nope", 1, moveTo("x"), reportEntry("identify_target", "x", 4)),
  ]);
  const [wonA, wonB, lost, unknown] = results;
  assert.equal(wonA.status === "fulfilled" && wonA.value.currentStep, "a2");
  assert.equal(wonB.status === "fulfilled" && wonB.value.currentStep, "b2");
  assert.ok(lost.status === "rejected" && lost.reason instanceof ConflictError);
  assert.ok(unknown.status === "rejected" && unknown.reason instanceof UnknownInstanceError);
  // The loser's savepoint was rolled back alone: each instance has exactly its winner's entry.
  for (const [id, next] of [[a, "a2"], [b, "b2"]]) {
    const { entries } = await store.listHistory(id!, { limit: 10, offset: 0 });
    assert.deepEqual(entries.map((e) => e.decision.nextStep), ["identify_target", next]);
    assert.equal((await store.getInstance(id!))?.version, 2);
  }

  // The same two advances awaited one by one commit twice, rewriting the shared pages.
  const other = await twoInstances(sequential.path);
  using __ = disposable(other.store);
  await other.store.applyTransition(other.a, 1, moveTo("a2"), reportEntry("identify_target", "a2"));
  await other.store.applyTransition(other.b, 1, moveTo("b2"), reportEntry("identify_target", "b2"));
  assert.ok(
    walFrames(batched.path) < walFrames(sequential.path),
    "one commit writes each changed page once",
  );
});

Deno.test("a batch that cannot start fails every write in it, and none is applied", async () => {
  using tmp = tempDbPath();
  using store = disposable(openSqliteStore(tmp.path, { busyTimeoutMs: 20 }));
  const init = newInstance();
  await store.createInstance(init, startEntry());
  const other = new DatabaseSync(tmp.path);
  other.exec("BEGIN IMMEDIATE");
  const results = await Promise.allSettled([
    store.applyTransition(init.id, 1, moveTo("a"), reportEntry("identify_target", "a")),
    store.pinDefinition("h", "W", "{}"),
  ]);
  other.exec("ROLLBACK");
  other.close();
  for (const result of results) {
    assert.ok(result.status === "rejected");
    assert.match(String(result.reason), /locked by another process/);
  }
  assert.equal((await store.getInstance(init.id))?.version, 1);
  assert.equal(await store.pinnedDefinition("h"), undefined);
});

Deno.test("close commits the writes still queued", async () => {
  using tmp = tempDbPath();
  const store = openSqliteStore(tmp.path);
  const init = newInstance();
  const created = store.createInstance(init, startEntry());
  store.close();
  assert.equal((await created).version, 1);
  using reopened = disposable(openSqliteStore(tmp.path));
  assert.equal((await reopened.getInstance(init.id))?.version, 1);
});
