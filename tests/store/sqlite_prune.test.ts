/**
 * What pruning does to a SQLite file (the contract in `contract_prune.ts` covers the rows): the
 * pages of deleted runs go back to the file system when the file uses `auto_vacuum = INCREMENTAL`,
 * and otherwise stay in it as free pages new rows reuse, which `reclaimSpace` reports.
 * @module
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { pruneAll } from "../../src/store/prune.ts";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/store.ts";
import { FINISHED_STATUS_LIST } from "../../src/store/types.ts";
import { asyncDisposable, finish, newInstance, startEntry, tempDbPath } from "./helpers.ts";

/** 40 finished runs with about 20 KB of context each: a few hundred pages. */
async function fillFinishedRuns(store: SqliteStore): Promise<void> {
  const big = "x".repeat(20_000);
  for (let i = 0; i < 40; i++) {
    const init = newInstance();
    await store.createInstance({ ...init, context: { big } }, startEntry());
    const { change, entry } = finish("COMPLETED");
    await store.applyTransition(init.id, 1, { ...change, context: { big } }, entry);
  }
}

/** Prune every finished run (the cutoff is in the future). */
async function pruneEverything(store: SqliteStore): Promise<number> {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
  return (await pruneAll(store, { finishedBefore: tomorrow, statuses: FINISHED_STATUS_LIST }))
    .deleted;
}

Deno.test("sqlite: deleted runs leave free pages in the file, reported for a VACUUM", async () => {
  using tmp = tempDbPath();
  await using store = asyncDisposable(openSqliteStore(tmp.path));
  await fillFinishedRuns(store);
  assert.equal(await pruneEverything(store), 40);
  const space = await store.reclaimSpace();
  assert.equal(space.releasedBytes, 0);
  assert.ok(space.reusableBytes! > 40 * 20_000, `${space.reusableBytes} bytes free`);
});

Deno.test("sqlite: with auto_vacuum=INCREMENTAL the pages go back to the file system", async () => {
  using tmp = tempDbPath();
  // What an operator does to a new file (an existing one needs a VACUUM after the PRAGMA).
  const raw = new DatabaseSync(tmp.path);
  raw.exec("PRAGMA auto_vacuum = INCREMENTAL; CREATE TABLE t (x); DROP TABLE t;");
  raw.close();
  await using store = asyncDisposable(openSqliteStore(tmp.path));
  await fillFinishedRuns(store);
  assert.equal(await pruneEverything(store), 40);
  const space = await store.reclaimSpace();
  assert.ok(space.releasedBytes > 40 * 20_000, `${space.releasedBytes} bytes released`);
  assert.equal(space.reusableBytes, 0);
  assert.deepEqual(await store.reclaimSpace(), { releasedBytes: 0, reusableBytes: 0 });
});
