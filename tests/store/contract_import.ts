/**
 * The store contract for copying runs (`importRun`, read out with `readRun`): a run copied into
 * another database of the same backend is the same run there, counted in the listings and able to
 * go on; a second copy is skipped; a broken history is refused whole.
 * @module
 */
import assert from "node:assert/strict";
import { InvalidInputError } from "../../src/errors.ts";
import { readRun } from "../../src/store/stored_run.ts";
import type { Store } from "../../src/store/types.ts";
import { type ContractBackend, contractTest } from "./contract_backend.ts";
import { finish, moveTo, newInstance, reportEntry, startEntry } from "./helpers.ts";

const ALL = { limit: 100, offset: 0 };

/** A run with three history entries, finished, and its definition pinned. */
async function finishedRun(store: Store): Promise<string> {
  const init = newInstance();
  await store.pinDefinition(init.definitionHash, init.workflowName, '{"name":"W"}');
  await store.createInstance(init, startEntry());
  await store.applyTransition(init.id, 1, moveTo("write_tests"), reportEntry("a", "b", 1));
  const { change, entry } = finish("COMPLETED", "write_tests");
  await store.applyTransition(init.id, 2, change, entry);
  return init.id;
}

/** Register the import tests for `backend`. */
export function registerImportContract(backend: ContractBackend): void {
  contractTest(backend, "importRun copies a run exactly; a second copy is skipped", async (c) => {
    const id = await finishedRun(c.store);
    const running = newInstance();
    await c.store.createInstance(running, startEntry());
    await using target = await backend.database();
    const copy = await target.open();
    try {
      for (const runId of [id, running.id]) {
        assert.equal(await copy.importRun(await readRun(c.store, runId)), true);
        assert.deepEqual(await copy.getInstance(runId), await c.store.getInstance(runId));
        assert.deepEqual(await copy.listHistory(runId, ALL), await c.store.listHistory(runId, ALL));
      }
      const source = await c.store.getInstance(id);
      assert.equal(await copy.pinnedDefinition(source!.definitionHash), '{"name":"W"}');
      const totals = async (store: Store) =>
        (await Promise.all(
          (["RUNNING", "COMPLETED"] as const).map((status) =>
            store.listInstances({ status, limit: 1, offset: 0 })
          ),
        )).map((page) => page.total);
      assert.deepEqual(await totals(copy), [1, 1]);

      // Copying again changes nothing, and the copied running run goes on from its version.
      assert.equal(await copy.importRun(await readRun(c.store, id)), false);
      assert.equal((await copy.listHistory(id, ALL)).total, 3);
      const moved = await copy.applyTransition(running.id, 1, moveTo("x"), reportEntry("a", "x"));
      assert.equal(moved.version, 2);
      assert.equal((await copy.listHistory(running.id, ALL)).entries[1]?.seq, 2);
    } finally {
      await copy.close();
    }
  });

  contractTest(backend, "importRun refuses a run whose history has a gap", async (c) => {
    const id = await finishedRun(c.store);
    const run = await readRun(c.store, id);
    await using target = await backend.database();
    const copy = await target.open();
    try {
      const gap = { ...run, history: [run.history[0]!, run.history[2]!] };
      await assert.rejects(copy.importRun(gap), InvalidInputError);
      assert.equal(await copy.getInstance(id), undefined);
      assert.equal((await copy.listInstances({ limit: 1, offset: 0 })).total, 0);
    } finally {
      await copy.close();
    }
  });
}
