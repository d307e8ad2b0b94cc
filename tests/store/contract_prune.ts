/**
 * The store contract for deleting finished runs (`listPrunable`, `pruneRuns`, `reclaimSpace`, and
 * `pruneAll` over them): only finished runs older than the cutoff go, with their history, filtered
 * by status and workflow, oldest first, a batch at a time; the totals follow; a dry run writes
 * nothing; pinned definitions stay. Runs get their timestamps from `importRun`.
 *
 * @example
 * ```ts
 * import { registerPruneContract } from "./contract_prune.ts";
 * registerPruneContract(backend); // storeContract calls it
 * ```
 * @module
 */
import assert from "node:assert/strict";
import { InvalidInputError } from "../../src/errors.ts";
import { pruneAll } from "../../src/store/prune.ts";
import {
  FINISHED_STATUS_LIST,
  type InstanceStatus,
  type PruneQuery,
  type Store,
} from "../../src/store/types.ts";
import { type ContractBackend, contractTest } from "./contract_backend.ts";
import { daysAgo, storedRun } from "./helpers.ts";

const ALL = { limit: 100, offset: 0 };
const HASH = "sha256-prune";

/** A query for every finished run that finished more than 30 days ago. */
function olderThan30Days(query: Partial<PruneQuery> = {}): PruneQuery {
  return { finishedBefore: daysAgo(30), statuses: FINISHED_STATUS_LIST, limit: 100, ...query };
}

/** Import a run of two history entries with this status, finished `finishedDaysAgo` (if given). */
async function run(
  store: Store,
  status: InstanceStatus,
  options: { finishedDaysAgo?: number; workflowName?: string } = {},
): Promise<string> {
  const stored = storedRun(status, { definitionHash: HASH, ...options });
  assert.equal(await store.importRun(stored), true);
  return stored.instance.id;
}

/** Listing totals: all runs, then per status in `INSTANCE_STATUSES` order. */
async function totals(store: Store): Promise<number[]> {
  const statuses = [undefined, "RUNNING", "SUSPENDED", "COMPLETED", "FAILED", "CANCELLED"] as const;
  return await Promise.all(
    statuses.map(async (status) =>
      (await store.listInstances({ status, limit: 1, offset: 0 })).total
    ),
  );
}

/** Register the prune tests for `backend`. */
export function registerPruneContract(backend: ContractBackend): void {
  contractTest(backend, "pruneRuns deletes old finished runs with their history", async (c) => {
    const completed = await run(c.store, "COMPLETED", { finishedDaysAgo: 40 });
    const failed = await run(c.store, "FAILED", { finishedDaysAgo: 60 });
    const cancelled = await run(c.store, "CANCELLED", { finishedDaysAgo: 50 });
    const recent = await run(c.store, "COMPLETED", { finishedDaysAgo: 1 });
    const running = await run(c.store, "RUNNING");
    const suspended = await run(c.store, "SUSPENDED");
    assert.deepEqual(await totals(c.store), [6, 1, 1, 2, 1, 1]);

    const listed = await c.store.listPrunable(olderThan30Days());
    assert.deepEqual(listed.instances.map((i) => i.id), [failed, cancelled, completed]);
    assert.equal(listed.total, 3);
    assert.deepEqual(listed.instances[0], await c.store.getInstance(failed));

    const { deleted } = await c.store.pruneRuns(olderThan30Days());
    assert.deepEqual(deleted.toSorted(), [completed, failed, cancelled].sort());
    for (const id of deleted) {
      assert.equal(await c.store.getInstance(id), undefined);
      assert.deepEqual(await c.store.listHistory(id, ALL), { entries: [], total: 0 });
      assert.equal(await c.store.lastHistoryEntry(id), undefined);
    }
    for (const id of [recent, running, suspended]) {
      assert.equal((await c.store.listHistory(id, ALL)).entries.length, 2);
    }
    assert.deepEqual(await totals(c.store), [3, 1, 1, 1, 0, 0]);
    assert.deepEqual(await c.store.pruneRuns(olderThan30Days()), { deleted: [] });
  });

  contractTest(backend, "prune never selects a RUNNING or SUSPENDED run", async (c) => {
    // Even one whose completedAt is set (a run copied in by hand): the status decides.
    const running = await run(c.store, "RUNNING", { finishedDaysAgo: 90 });
    const suspended = await run(c.store, "SUSPENDED", { finishedDaysAgo: 90 });
    const everything = olderThan30Days({ finishedBefore: daysAgo(-1) });
    assert.deepEqual(await c.store.listPrunable(everything), { instances: [], total: 0 });
    assert.deepEqual(await c.store.pruneRuns(everything), { deleted: [] });
    for (const id of [running, suspended]) assert.ok(await c.store.getInstance(id));
    assert.deepEqual(await totals(c.store), [2, 1, 1, 0, 0, 0]);
  });

  contractTest(backend, "prune filters by status and by workflow", async (c) => {
    const completed = await run(c.store, "COMPLETED", { finishedDaysAgo: 40 });
    const failed = await run(c.store, "FAILED", { finishedDaysAgo: 40 });
    const other = await run(c.store, "COMPLETED", { finishedDaysAgo: 40, workflowName: "OTHER" });
    const ids = async (query: Partial<PruneQuery>) =>
      (await c.store.listPrunable(olderThan30Days(query))).instances.map((i) => i.id);
    assert.deepEqual(await ids({ statuses: ["FAILED"] }), [failed]);
    assert.deepEqual(await ids({ workflowName: "OTHER" }), [other]);
    assert.deepEqual(await ids({ workflowName: "NONE" }), []);
    assert.deepEqual(await ids({ workflowName: "W", statuses: ["CANCELLED", "COMPLETED"] }), [
      completed,
    ]);
    const pruned = await c.store.pruneRuns(olderThan30Days({ workflowName: "W" }));
    assert.deepEqual(pruned.deleted.toSorted(), [completed, failed].sort());
    assert.ok(await c.store.getInstance(other));
  });

  contractTest(
    backend,
    "prune: a dry run writes nothing; batches go oldest first",
    async (c) => {
      const ids: string[] = [];
      for (let days = 45; days > 40; days--) {
        ids.push(await run(c.store, "COMPLETED", { finishedDaysAgo: days }));
      }
      const page = await c.store.listPrunable(olderThan30Days({ limit: 2 }));
      assert.deepEqual(page.instances.map((i) => i.id), ids.slice(0, 2));
      assert.equal(page.total, 5);
      assert.deepEqual(await totals(c.store), [5, 0, 0, 5, 0, 0]);

      const first = await c.store.pruneRuns(olderThan30Days({ limit: 2 }));
      assert.deepEqual(first.deleted.toSorted(), ids.slice(0, 2).sort());
      assert.deepEqual(await pruneAll(c.store, olderThan30Days(), { batchSize: 2 }), {
        deleted: 3,
        batches: 2,
      });
      assert.deepEqual(await totals(c.store), [0, 0, 0, 0, 0, 0]);
      assert.deepEqual(await pruneAll(c.store, olderThan30Days(), { batchSize: 2 }), {
        deleted: 0,
        batches: 1,
      });
    },
  );

  contractTest(backend, "prune: at most maxRuns, the oldest finished first", async (c) => {
    const ids: string[] = [];
    for (let days = 45; days > 40; days--) {
      ids.push(await run(c.store, "COMPLETED", { finishedDaysAgo: days }));
    }
    const three = await pruneAll(c.store, olderThan30Days(), { batchSize: 2, maxRuns: 3 });
    assert.deepEqual(three, { deleted: 3, batches: 2 });
    const left = (await c.store.listPrunable(olderThan30Days())).instances.map((i) => i.id);
    assert.deepEqual(left, ids.slice(3));
    assert.deepEqual(await pruneAll(c.store, olderThan30Days(), { maxRuns: 1 }), {
      deleted: 1,
      batches: 1,
    });
    assert.deepEqual(await pruneAll(c.store, olderThan30Days(), { maxRuns: 5 }), {
      deleted: 1,
      batches: 1,
    });
  });

  contractTest(backend, "pinned definitions outlive the runs pruned", async (c) => {
    await c.store.pinDefinition(HASH, "W", '{"name":"W"}');
    await run(c.store, "COMPLETED", { finishedDaysAgo: 40 });
    assert.equal((await c.store.pruneRuns(olderThan30Days())).deleted.length, 1);
    assert.equal(await c.store.pinnedDefinition(HASH), '{"name":"W"}');
    const space = await c.store.reclaimSpace();
    assert.ok(space.releasedBytes >= 0);
    assert.ok(space.reusableBytes === null || space.reusableBytes >= 0);
  });

  contractTest(backend, "a prune query that could reach unfinished runs is refused", async (c) => {
    const old = await run(c.store, "COMPLETED", { finishedDaysAgo: 40 });
    const refused: [Partial<PruneQuery>, RegExp][] = [
      [{ statuses: [] }, /at least one status/],
      [{ statuses: ["RUNNING" as "FAILED"] }, /not 'RUNNING'.*never deleted/],
      [{ statuses: ["COMPLETED", "SUSPENDED" as "FAILED"] }, /not 'SUSPENDED'/],
      [{ finishedBefore: "2026-01-01" }, /ISO-8601 UTC timestamp.*'2026-01-01'/],
      [{ limit: 0 }, /limit/],
      [{ limit: 501 }, /limit/],
    ];
    for (const [query, message] of refused) {
      for (const method of ["listPrunable", "pruneRuns"] as const) {
        await assert.rejects(
          c.store[method](olderThan30Days(query)),
          (error) => error instanceof InvalidInputError && message.test(error.message),
          `${method}(${JSON.stringify(query)})`,
        );
      }
    }
    assert.ok(await c.store.getInstance(old));
  });
}
