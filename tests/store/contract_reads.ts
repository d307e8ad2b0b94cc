/**
 * The read half of the store contract (see `contract.ts`): history paging, listings and their
 * totals, pinned definitions and large values.
 *
 * @example
 * ```ts
 * import { registerReadContract } from "./contract_reads.ts";
 * registerReadContract(backend); // storeContract calls it
 * ```
 * @module
 */
import assert from "node:assert/strict";
import { InvalidInputError } from "../../src/errors.ts";
import type { InstanceQuery, Store } from "../../src/store/types.ts";
import { type ContractBackend, contractTest } from "./contract_backend.ts";
import { finish, moveTo, newInstance, reportEntry, startEntry } from "./helpers.ts";

const pause = () => new Promise((resolve) => setTimeout(resolve, 2));

/** Rejects with an InvalidInputError. */
const invalid = (error: unknown) => error instanceof InvalidInputError;

/** The total of a listing with these filters. */
async function total(store: Store, query: Partial<InstanceQuery> = {}): Promise<number> {
  return (await store.listInstances({ limit: 1, offset: 0, ...query })).total;
}

/** Register the read tests of the contract for `backend`. */
export function registerReadContract(backend: ContractBackend): void {
  contractTest(backend, "history: order, paging, recentHistory, lastHistoryEntry", async (c) => {
    const init = newInstance();
    const other = newInstance();
    await c.store.createInstance(init, startEntry());
    await c.store.createInstance(other, startEntry());
    for (let n = 1; n <= 24; n++) {
      await c.store.applyTransition(
        init.id,
        n,
        moveTo(`s${n}`, { n }),
        reportEntry("s", `s${n}`, n),
      );
    }
    await c.store.applyTransition(other.id, 1, moveTo("o"), reportEntry("identify_target", "o"));

    const all = await c.store.listHistory(init.id, { limit: 100, offset: 0 });
    assert.equal(all.total, 25);
    assert.deepEqual(all.entries.map((e) => e.seq), Array.from({ length: 25 }, (_, i) => i + 1));
    assert.ok(all.entries.every((e) => e.instanceId === init.id));

    const page = await c.store.listHistory(init.id, { limit: 10, offset: 20 });
    assert.equal(page.total, 25);
    assert.deepEqual(page.entries.map((e) => e.seq), [21, 22, 23, 24, 25]);
    assert.deepEqual(page.entries[0], all.entries[20]);
    assert.deepEqual(await c.store.listHistory(init.id, { limit: 10, offset: 30 }), {
      entries: [],
      total: 25,
    });

    assert.deepEqual((await c.store.recentHistory(init.id, 3)).map((e) => e.seq), [23, 24, 25]);
    assert.deepEqual(await c.store.recentHistory(init.id, 100), all.entries);
    assert.deepEqual(await c.store.recentHistory(init.id, 0), []);
    assert.deepEqual(await c.store.lastHistoryEntry(init.id), all.entries[24]);
    assert.equal((await c.store.lastHistoryEntry(other.id))?.decision.nextStep, "o");

    const unknown = crypto.randomUUID();
    assert.deepEqual(await c.store.listHistory(unknown, { limit: 10, offset: 0 }), {
      entries: [],
      total: 0,
    });
    assert.deepEqual(await c.store.recentHistory(unknown, 5), []);
    assert.equal(await c.store.lastHistoryEntry(unknown), undefined);
    await assert.rejects(c.store.listHistory(init.id, { limit: 0, offset: 0 }), invalid);
    await assert.rejects(c.store.listHistory(init.id, { limit: 5, offset: -1 }), invalid);
    await assert.rejects(c.store.recentHistory(init.id, -1), invalid);
    await assert.rejects(c.store.recentHistory(init.id, 1.5), invalid);
  });

  contractTest(backend, "history entries omit absent decision fields, keep nulls", async (c) => {
    const init = newInstance();
    await c.store.createInstance(init, startEntry());
    const entry = await c.store.lastHistoryEntry(init.id);
    assert.ok(entry);
    assert.deepEqual(entry.decision, { source: "start", nextStep: "identify_target" });
    assert.equal(entry.step, null);
    assert.equal(entry.report, null);
    assert.equal(entry.contextUpdates, null);
    assert.equal(entry.requestHash, null);
  });

  contractTest(backend, "listInstances: filters, newest started first, pages", async (c) => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const init = newInstance(crypto.randomUUID(), i % 3 === 0 ? "JOKE_GENERATOR" : "SAVE");
      await c.store.createInstance(init, startEntry());
      ids.push(init.id);
      await pause(); // distinct millisecond timestamps make the expected order unambiguous
    }
    // Finishing runs does not move them in the list (newest started first), so a client paging
    // through it sees every run once.
    for (const id of [ids[0]!, ids[1]!]) {
      const { change, entry } = finish();
      await c.store.applyTransition(id, 1, change, entry);
    }

    const all = await c.store.listInstances({ limit: 500, offset: 0 });
    assert.equal(all.total, 12);
    const newestFirst = ids.toReversed();
    assert.deepEqual(all.instances.map((i) => i.id), newestFirst);
    assert.deepEqual(all.instances[0], await c.store.getInstance(ids[11]!));

    const page = await c.store.listInstances({ limit: 5, offset: 5 });
    assert.deepEqual(page.instances.map((i) => i.id), newestFirst.slice(5, 10));
    assert.equal(page.total, 12);
    assert.deepEqual(await c.store.listInstances({ limit: 5, offset: 50 }), {
      instances: [],
      total: 12,
    });

    const jokes = await c.store.listInstances({
      workflowName: "JOKE_GENERATOR",
      limit: 2,
      offset: 0,
    });
    assert.equal(jokes.total, 4);
    assert.deepEqual(jokes.instances.map((i) => i.id), [ids[9], ids[6]]);

    const completed = await c.store.listInstances({ status: "COMPLETED", limit: 10, offset: 0 });
    assert.deepEqual(completed.instances.map((i) => i.id), [ids[1], ids[0]]);
    assert.equal(completed.total, 2);
    const running = await c.store.listInstances({ status: "RUNNING", limit: 10, offset: 0 });
    assert.equal(running.total, 10);
    assert.equal(running.instances.length, 10);

    const query = { workflowName: "SAVE", status: "COMPLETED" as const, limit: 10, offset: 0 };
    assert.deepEqual(await c.store.listInstances(query), {
      instances: [await c.store.getInstance(ids[1]!)],
      total: 1,
    });
    assert.deepEqual(await c.store.listInstances({ workflowName: "NOPE", limit: 10, offset: 0 }), {
      instances: [],
      total: 0,
    });
  });

  contractTest(backend, "listInstances: same creation time, id descending", async (c) => {
    // Created in one batch, these may share a millisecond: the id breaks the tie.
    const ids = ["b", "d", "a", "c"].map((p) => `${p}-${crypto.randomUUID()}`);
    await Promise.all(ids.map((id) => c.store.createInstance(newInstance(id), startEntry())));
    const { instances } = await c.store.listInstances({ limit: 10, offset: 0 });
    const expected = instances.toSorted((x, y) =>
      x.createdAt === y.createdAt ? (x.id < y.id ? 1 : -1) : (x.createdAt < y.createdAt ? 1 : -1)
    );
    assert.deepEqual(instances.map((i) => i.id), expected.map((i) => i.id));
  });

  contractTest(backend, "listInstances: totals exact after every status change", async (c) => {
    const save = [1, 2, 3].map(() => newInstance(crypto.randomUUID(), "SAVE"));
    const resume = newInstance(crypto.randomUUID(), "RESUME");
    for (const init of [...save, resume]) await c.store.createInstance(init, startEntry());
    const done = finish("COMPLETED");
    await c.store.applyTransition(save[0]!.id, 1, done.change, done.entry);
    // A transition that keeps the status leaves every total as it was.
    await c.store.applyTransition(save[1]!.id, 1, moveTo("next"), reportEntry("s", "next"));
    const cancelled = finish("CANCELLED");
    await c.store.applyTransition(resume.id, 1, cancelled.change, cancelled.entry);
    await c.store.applyTransition(resume.id, 2, moveTo("again"), reportEntry("FINISH", "again"));
    const failed = finish("FAILED");
    await c.store.applyTransition(save[2]!.id, 1, failed.change, failed.entry);

    assert.equal(await total(c.store), 4);
    assert.equal(await total(c.store, { workflowName: "SAVE" }), 3);
    assert.equal(await total(c.store, { status: "RUNNING" }), 2);
    assert.equal(await total(c.store, { status: "COMPLETED" }), 1);
    assert.equal(await total(c.store, { status: "CANCELLED" }), 0);
    assert.equal(await total(c.store, { workflowName: "SAVE", status: "RUNNING" }), 1);
    assert.equal(await total(c.store, { workflowName: "SAVE", status: "FAILED" }), 1);
    assert.equal(await total(c.store, { workflowName: "RESUME", status: "RUNNING" }), 1);
    assert.equal(await total(c.store, { workflowName: "NOPE" }), 0);
  });

  contractTest(backend, "listInstances: page bounds are refused", async (c) => {
    for (const [limit, offset] of [[0, 0], [501, 0], [1.5, 0], [10, -1], [10, 0.5]]) {
      await assert.rejects(c.store.listInstances({ limit: limit!, offset: offset! }), (error) => {
        assert.ok(invalid(error), `limit ${limit}, offset ${offset}: ${error}`);
        assert.equal((error as InvalidInputError).code, "INVALID_INPUT");
        return true;
      });
    }
    assert.deepEqual(await c.store.listInstances({ limit: 500, offset: 0 }), {
      instances: [],
      total: 0,
    });
  });

  contractTest(backend, "pinned definitions: the first body is kept", async (c) => {
    assert.equal(await c.store.pinnedDefinition("h1"), undefined);
    await c.store.pinDefinition("h1", "SAVE", '{"steps":["a"]}');
    await c.store.pinDefinition("h1", "SAVE", '{"steps":["changed"]}');
    assert.equal(await c.store.pinnedDefinition("h1"), '{"steps":["a"]}');
    await c.store.pinDefinition("h2", "SAVE", "{}");
    assert.equal(await c.store.pinnedDefinition("h2"), "{}");
  });

  contractTest(backend, "large and unusual values round-trip", async (c) => {
    const big = {
      blob: "x".repeat(900_000),
      text: 'é ✓ 😀 "quoted" \\ \n\t and a NUL \u0000 inside',
      numbers: [0, -1.5, 1e21, Number.MAX_SAFE_INTEGER],
      deep: { a: { b: { c: { d: [{ e: null }] } } } },
    };
    const init = { ...newInstance(), context: big };
    const created = await c.store.createInstance(init, startEntry());
    assert.deepEqual(await c.store.getInstance(init.id), created);
    assert.deepEqual(created.context, big);
    const entry = { ...reportEntry("s", "t"), contextUpdates: big, requestHash: "h".repeat(64) };
    const updated = await c.store.applyTransition(init.id, 1, moveTo("t", big), entry);
    assert.deepEqual(await c.store.getInstance(init.id), updated);
    assert.deepEqual((await c.store.lastHistoryEntry(init.id))?.contextUpdates, big);
  });
}
