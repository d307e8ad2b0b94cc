/**
 * What is specific to the SQLite store; the behaviour every backend shares is in the contract
 * suite (`contract.ts`, run on SQLite by `contract_sqlite.test.ts`).
 * @module
 */
import assert from "node:assert/strict";
import { InvalidInputError } from "../../src/errors.ts";
import { nowIso } from "../../src/store/rows.ts";
import { openSqliteStore } from "../../src/store/sqlite/store.ts";
import {
  asyncDisposable,
  ISO_MS,
  moveTo,
  newInstance,
  reportEntry,
  startEntry,
  tempDbPath,
} from "./helpers.ts";

Deno.test("sqlite: the store names its kind and its file", async () => {
  using tmp = tempDbPath();
  await using store = asyncDisposable(openSqliteStore(tmp.path));
  assert.equal(store.kind, "sqlite");
  assert.equal(store.location, tmp.path);
});

Deno.test("sqlite: transitions queued together run in issue order in one commit", async () => {
  using tmp = tempDbPath();
  await using store = asyncDisposable(openSqliteStore(tmp.path));
  const init = newInstance();
  await store.createInstance(init, startEntry());
  const step = (n: number) =>
    store.transition(init.id, ({ instance }) => ({
      value: instance.version,
      change: moveTo(`s${n}`, { n }),
      entry: reportEntry(instance.currentStep, `s${n}`, n),
    }));
  // One group commit: each plan runs after the previous one wrote, in its own savepoint.
  assert.deepEqual(await Promise.all([step(1), step(2), step(3)]), [1, 2, 3]);
  assert.equal((await store.getInstance(init.id))?.currentStep, "s3");

  // A plan that fails in the middle of a batch is rolled back alone.
  const refused = store.transition(init.id, () => {
    throw new InvalidInputError("refused by the plan");
  });
  const results = await Promise.allSettled([step(4), refused, step(5)]);
  assert.deepEqual(results.map((r) => r.status === "fulfilled" ? r.value : null), [4, null, 5]);
  assert.equal((await store.getInstance(init.id))?.currentStep, "s5");
  assert.equal((await store.listHistory(init.id, { limit: 10, offset: 0 })).total, 6);
});

Deno.test("sqlite: an in-memory store works for engine tests", async () => {
  await using store = asyncDisposable(openSqliteStore(":memory:"));
  const init = newInstance();
  await store.createInstance(init, startEntry());
  assert.equal((await store.getInstance(init.id))?.version, 1);
});

Deno.test("sqlite: nowIso is ISO-8601 UTC with milliseconds", () => {
  assert.match(nowIso(), ISO_MS);
});
