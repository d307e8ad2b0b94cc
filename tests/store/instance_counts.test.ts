import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { MIGRATIONS } from "../../src/store/sqlite/schema.ts";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/store.ts";
import type { InstanceQuery } from "../../src/store/types.ts";
import { disposable, newInstance, reportEntry, startEntry, tempDbPath } from "./helpers.ts";

const total = async (store: SqliteStore, query: Partial<InstanceQuery> = {}) =>
  (await store.listInstances({ limit: 1, offset: 0, ...query })).total;

Deno.test("list_instances totals follow starts, status changes and deletions", async () => {
  using tmp = tempDbPath();
  using store = disposable(openSqliteStore(tmp.path));
  const save = [1, 2, 3].map(() => newInstance(crypto.randomUUID(), "SAVE"));
  const resume = newInstance(crypto.randomUUID(), "RESUME");
  for (const init of [...save, resume]) await store.createInstance(init, startEntry());
  await store.applyTransition(save[0]!.id, 1, {
    status: "COMPLETED",
    currentStep: "FINISH",
    context: {},
  }, reportEntry("identify_target", "FINISH"));
  // A transition that keeps the status leaves every total as it was.
  await store.applyTransition(save[1]!.id, 1, {
    status: "RUNNING",
    currentStep: "next",
    context: {},
  }, reportEntry("identify_target", "next"));

  assert.equal(await total(store), 4);
  assert.equal(await total(store, { workflowName: "SAVE" }), 3);
  assert.equal(await total(store, { status: "RUNNING" }), 3);
  assert.equal(await total(store, { status: "COMPLETED" }), 1);
  assert.equal(await total(store, { workflowName: "SAVE", status: "RUNNING" }), 2);
  assert.equal(await total(store, { workflowName: "SAVE", status: "CANCELLED" }), 0);
  assert.equal(await total(store, { workflowName: "NOPE" }), 0);

  const raw = new DatabaseSync(tmp.path);
  try {
    raw.exec(`DELETE FROM workflow_instances WHERE id = '${save[0]!.id}'`);
  } finally {
    raw.close();
  }
  assert.equal(await total(store), 3);
  assert.equal(await total(store, { status: "COMPLETED" }), 0);
});

Deno.test("upgrading a version-1 database counts the instances it already holds", async () => {
  using tmp = tempDbPath();
  const raw = new DatabaseSync(tmp.path);
  raw.exec(MIGRATIONS[0]!.sql);
  raw.exec("PRAGMA user_version = 1");
  const insert = raw.prepare(
    `INSERT INTO workflow_instances VALUES (?, ?, 'h', ?, 's', '{}', 1, 0, ?, ?, NULL)`,
  );
  const rows = [["SAVE", "RUNNING"], ["SAVE", "FAILED"], ["SAVE", "RUNNING"], ["RESUME", "FAILED"]];
  rows.forEach(([workflow, status], i) => {
    const at = `2026-01-01T00:00:0${i}.000Z`;
    insert.run(crypto.randomUUID(), workflow!, status!, at, at);
  });
  raw.close();

  using store = disposable(openSqliteStore(tmp.path));
  assert.equal(await total(store), 4);
  assert.equal(await total(store, { status: "FAILED" }), 2);
  assert.equal(await total(store, { workflowName: "SAVE", status: "RUNNING" }), 2);
  assert.equal(await total(store, { workflowName: "RESUME" }), 1);
});
