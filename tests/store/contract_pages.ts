/**
 * The keyset listing of the store contract (see `contract.ts`): `pageInstances` filters, searches
 * by id prefix and continues after a cursor (older runs) or before one (newer runs, the nearest
 * ones), newest started first, whatever runs finish meanwhile.
 *
 * @example
 * ```ts
 * import { registerPageContract } from "./contract_pages.ts";
 * registerPageContract(backend); // storeContract calls it
 * ```
 * @module
 */
import assert from "node:assert/strict";
import { InvalidInputError } from "../../src/errors.ts";
import type { Instance } from "../../src/store/types.ts";
import { type ContractBackend, contractTest } from "./contract_backend.ts";
import { finish, newInstance, startEntry } from "./helpers.ts";

const pause = () => new Promise((resolve) => setTimeout(resolve, 2));
const invalid = (error: unknown) => error instanceof InvalidInputError;
const idsOf = (instances: Instance[]) => instances.map((i) => i.id);
const cursorOf = (instance: Instance) => ({ createdAt: instance.createdAt, id: instance.id });

/** Register the keyset paging tests of the contract for `backend`. */
export function registerPageContract(backend: ContractBackend): void {
  contractTest(backend, "pageInstances: keyset pages both ways, filters, id prefix", async (c) => {
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) {
      // Ids sharing a prefix three by three: "a0…", "a1…", "b2…"…
      const id = `${"aab"[i % 3]}${i % 3}-${crypto.randomUUID()}`;
      await c.store.createInstance(
        newInstance(id, i % 2 ? "SAVE" : "JOKE_GENERATOR"),
        startEntry(),
      );
      ids.push(id);
      await pause(); // distinct millisecond timestamps make the expected order unambiguous
    }
    const { change, entry } = finish();
    await c.store.applyTransition(ids[4]!, 1, change, entry);
    const newestFirst = ids.toReversed();

    const first = await c.store.pageInstances({ limit: 4 });
    assert.deepEqual(idsOf(first), newestFirst.slice(0, 4));
    assert.deepEqual(first[0], await c.store.getInstance(ids[8]!));
    const second = await c.store.pageInstances({ limit: 4, after: cursorOf(first[3]!) });
    assert.deepEqual(idsOf(second), newestFirst.slice(4, 8));
    const last = await c.store.pageInstances({ limit: 4, after: cursorOf(second[3]!) });
    assert.deepEqual(idsOf(last), newestFirst.slice(8));
    assert.deepEqual(await c.store.pageInstances({ limit: 4, after: cursorOf(last[0]!) }), []);

    // Back up: the nearest newer runs, newest first; fewer at the top; none above the newest.
    const back = await c.store.pageInstances({ limit: 4, before: cursorOf(last[0]!) });
    assert.deepEqual(back, second);
    const top = await c.store.pageInstances({ limit: 4, before: cursorOf(back[0]!) });
    assert.deepEqual(idsOf(top), newestFirst.slice(0, 4));
    const partial = await c.store.pageInstances({ limit: 4, before: cursorOf(second[1]!) });
    assert.deepEqual(idsOf(partial), newestFirst.slice(1, 5));
    assert.deepEqual(await c.store.pageInstances({ limit: 4, before: cursorOf(first[0]!) }), []);

    const saves = await c.store.pageInstances({ workflowName: "SAVE", limit: 2 });
    assert.deepEqual(idsOf(saves), [ids[7], ids[5]]);
    const moreSaves = await c.store.pageInstances({
      workflowName: "SAVE",
      limit: 10,
      after: cursorOf(saves[1]!),
    });
    assert.deepEqual(idsOf(moreSaves), [ids[3], ids[1]]);
    const newerSaves = await c.store.pageInstances({
      workflowName: "SAVE",
      limit: 2,
      before: cursorOf(moreSaves[1]!),
    });
    assert.deepEqual(idsOf(newerSaves), [ids[5], ids[3]]);
    assert.deepEqual(idsOf(await c.store.pageInstances({ status: "COMPLETED", limit: 10 })), [
      ids[4],
    ]);
    assert.deepEqual(
      idsOf(await c.store.pageInstances({ workflowName: "SAVE", status: "RUNNING", limit: 10 })),
      [ids[7], ids[5], ids[3], ids[1]],
    );

    assert.deepEqual(idsOf(await c.store.pageInstances({ idPrefix: "a1", limit: 10 })), [
      ids[7],
      ids[4],
      ids[1],
    ]);
    assert.deepEqual(idsOf(await c.store.pageInstances({ idPrefix: ids[5]!, limit: 10 })), [
      ids[5],
    ]);
    assert.deepEqual(
      idsOf(await c.store.pageInstances({ idPrefix: "a", workflowName: "SAVE", limit: 10 })),
      [ids[7], ids[3], ids[1]],
    );
    assert.deepEqual(await c.store.pageInstances({ idPrefix: "zz", limit: 10 }), []);
    assert.deepEqual(
      idsOf(await c.store.pageInstances({ idPrefix: "a1", limit: 1, before: cursorOf(first[3]!) })),
      [ids[7]],
    );
  });

  contractTest(
    backend,
    "pageInstances: bad limits, prefixes and cursors are refused",
    async (c) => {
      await assert.rejects(c.store.pageInstances({ limit: 0 }), invalid);
      await assert.rejects(c.store.pageInstances({ limit: 501 }), invalid);
      await assert.rejects(c.store.pageInstances({ limit: 5, idPrefix: "" }), invalid);
      await assert.rejects(
        c.store.pageInstances({ limit: 5, after: { createdAt: "yesterday", id: "x" } }),
        invalid,
      );
      await assert.rejects(
        c.store.pageInstances({ limit: 5, before: { createdAt: "2026-01-02", id: "x" } }),
        invalid,
      );
      const cursor = { createdAt: "2026-01-02T03:04:05.678Z", id: "x" };
      await assert.rejects(
        c.store.pageInstances({ limit: 5, after: cursor, before: cursor }),
        /not both/,
      );
    },
  );
}
