import assert from "node:assert/strict";
import { join } from "node:path";
import { openSqliteStore } from "../../src/store/sqlite/store.ts";
import { checkDatabaseFile, openForCheck } from "./db_invariants.ts";

/** A store with one instance advanced once: seq 1 (start -> a), seq 2 (a -> b). */
async function twoStepDatabase(): Promise<string> {
  const path = join(Deno.makeTempDirSync({ prefix: "orch-inv-" }), "db.sqlite");
  const store = openSqliteStore(path);
  const entry = (step: string | null, next: string) => ({
    step,
    report: null,
    contextUpdates: null,
    decision: { source: "route" as const, nextStep: next },
    statusAfter: "RUNNING" as const,
    requestHash: null,
  });
  await store.createInstance(
    {
      id: "i1",
      workflowName: "W",
      definitionHash: "h",
      status: "RUNNING",
      currentStep: "a",
      context: {},
    },
    entry(null, "a"),
  );
  await store.applyTransition(
    "i1",
    1,
    { status: "RUNNING", currentStep: "b", context: {} },
    entry("a", "b"),
  );
  store.close();
  return path;
}

Deno.test("a sound database with its acknowledged calls has no problems", async () => {
  const path = await twoStepDatabase();
  assert.deepEqual(
    checkDatabaseFile(path, [
      { instanceId: "i1", seq: 1, step: null, nextStep: "a" },
      { instanceId: "i1", seq: 2, step: "a", nextStep: "b" },
    ]),
    [],
  );
});

Deno.test("lost, differing and half-applied steps are all reported", async () => {
  const path = await twoStepDatabase();
  assert.deepEqual(
    checkDatabaseFile(path, [
      { instanceId: "i1", seq: 2, step: "a", nextStep: "c" },
      { instanceId: "i1", seq: 3, step: "b", nextStep: "FINISH" },
    ]),
    [
      "differs: i1 seq 2: acknowledged a -> c, stored a -> b",
      "lost: i1 seq 3 (b -> FINISH)",
    ],
  );
  // Half-applied: the instance moved on but its history row is missing.
  const db = openForCheck(path);
  db.exec("UPDATE workflow_instances SET version = 3, history_length = 3, current_step = 'c'");
  db.close();
  assert.deepEqual(checkDatabaseFile(path), [
    "instance i1: history_length 3 but 2 history rows (seq 1..2)",
    "instance i1: current_step c != last next_step null",
    "instance i1: status RUNNING != last status_after null",
  ]);
});

Deno.test("no file or no tables yet is sound only while nothing was acknowledged", () => {
  const dir = Deno.makeTempDirSync({ prefix: "orch-inv-" });
  const ack = { instanceId: "i1", seq: 1, step: null, nextStep: "a" };
  assert.deepEqual(checkDatabaseFile(join(dir, "none.sqlite")), []);
  assert.match(
    checkDatabaseFile(join(dir, "none.sqlite"), [ack])[0]!,
    /^lost: 1 acknowledged .* does not exist/,
  );
  const empty = join(dir, "empty.sqlite");
  openForCheck(empty).close();
  assert.deepEqual(checkDatabaseFile(empty), []);
  assert.match(
    checkDatabaseFile(empty, [ack])[0]!,
    /^lost: 1 acknowledged calls, the database has no tables/,
  );
});
