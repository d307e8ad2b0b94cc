/**
 * The behaviour every `Store` backend must have, as one suite each backend runs
 * (`contract_sqlite.test.ts`, `contract_postgres.test.ts`): the writes and transitions here, the
 * reads in `contract_reads.ts`, copying runs in `contract_import.ts` and deleting them in
 * `contract_prune.ts`. Each test gets a new empty database and a store open on it.
 *
 * @example
 * ```ts
 * import { storeContract } from "./contract.ts";
 * storeContract({ kind: "sqlite", database: async () => tempSqliteDatabase() });
 * ```
 * @module
 */
import assert from "node:assert/strict";
import {
  ConflictError,
  DuplicateInstanceError,
  InvalidInputError,
  StaleReportError,
  StorageError,
  UnknownInstanceError,
} from "../../src/errors.ts";
import type { Store } from "../../src/store/types.ts";
import { type ContractBackend, contractTest } from "./contract_backend.ts";
import { registerImportContract } from "./contract_import.ts";
import { registerPageContract } from "./contract_pages.ts";
import { registerPruneContract } from "./contract_prune.ts";
import { registerReadContract } from "./contract_reads.ts";
import {
  asyncDisposable,
  finish,
  ISO_MS,
  moveTo,
  newInstance,
  reportEntry,
  startEntry,
} from "./helpers.ts";

/** Register the whole contract suite for `backend`. */
export function storeContract(backend: ContractBackend): void {
  registerWriteContract(backend);
  registerTransitionContract(backend);
  registerReadContract(backend);
  registerPageContract(backend);
  registerImportContract(backend);
  registerPruneContract(backend);
}

/** The `{ limit: 100, offset: 0 }` page of the history, enough for every test here. */
const ALL = { limit: 100, offset: 0 };

function registerWriteContract(backend: ContractBackend): void {
  contractTest(backend, "createInstance then getInstance round-trips", async ({ store }) => {
    const init = newInstance();
    const created = await store.createInstance(init, startEntry());
    assert.equal(created.version, 1);
    assert.equal(created.historyLength, 1);
    assert.equal(created.completedAt, null);
    assert.match(created.createdAt, ISO_MS);
    assert.equal(created.createdAt, created.updatedAt);
    assert.deepEqual(created.context, init.context);
    const read = await store.getInstance(init.id);
    assert.deepEqual(read, created);
    // Key order is kept as written (a backend storing jsonb would sort the keys).
    assert.equal(JSON.stringify(read?.context), JSON.stringify(init.context));
    assert.equal(await store.getInstance(crypto.randomUUID()), undefined);

    const history = await store.listHistory(init.id, ALL);
    assert.equal(history.total, 1);
    const first = { ...startEntry(), instanceId: init.id, seq: 1, createdAt: created.createdAt };
    assert.deepEqual(history.entries, [first]);
  });

  contractTest(backend, "createInstance with a finished status sets completedAt", async (c) => {
    const created = await c.store.createInstance(
      { ...newInstance(), status: "COMPLETED", currentStep: "FINISH" },
      { ...startEntry(), statusAfter: "COMPLETED" },
    );
    assert.equal(created.completedAt, created.createdAt);
    assert.deepEqual(await c.store.getInstance(created.id), created);
  });

  contractTest(backend, "an id already used is refused and nothing is written", async (c) => {
    const init = newInstance();
    const created = await c.store.createInstance(init, startEntry());
    await assert.rejects(
      c.store.createInstance({ ...init, workflowName: "SAVE" }, reportEntry("x", "y")),
      (error: unknown) => {
        assert.ok(error instanceof DuplicateInstanceError);
        assert.ok(error instanceof StorageError);
        assert.equal(error.code, "STORAGE_ERROR");
        assert.match(error.message, /already used/);
        return true;
      },
    );
    assert.deepEqual(await c.store.getInstance(init.id), created);
    assert.equal((await c.store.listHistory(init.id, ALL)).total, 1);
    assert.equal((await c.store.listInstances({ limit: 10, offset: 0 })).total, 1);
  });

  contractTest(backend, "applyTransition updates and appends the full decision", async (c) => {
    const init = newInstance();
    const created = await c.store.createInstance(init, startEntry());
    const entry = reportEntry("identify_target", "write_tests", 1);
    const context = { ...init.context, last: 1 };
    const updated = await c.store.applyTransition(
      init.id,
      1,
      moveTo("write_tests", context),
      entry,
    );
    assert.equal(updated.version, 2);
    assert.equal(updated.historyLength, 2);
    assert.equal(updated.currentStep, "write_tests");
    assert.deepEqual(updated.context, context);
    assert.equal(updated.createdAt, created.createdAt);
    assert.equal(updated.workflowName, init.workflowName);
    assert.equal(updated.definitionHash, init.definitionHash);
    assert.ok(updated.updatedAt >= created.updatedAt);
    assert.equal(updated.completedAt, null);
    assert.deepEqual(await c.store.getInstance(init.id), updated);
    assert.deepEqual(await c.store.lastHistoryEntry(init.id), {
      ...entry,
      instanceId: init.id,
      seq: 2,
      createdAt: updated.updatedAt,
    });
  });

  contractTest(backend, "completedAt: set on the first finish, kept, cleared", async (c) => {
    const init = newInstance();
    await c.store.createInstance(init, startEntry());
    const completed = finish("COMPLETED");
    const done = await c.store.applyTransition(init.id, 1, completed.change, completed.entry);
    assert.equal(done.status, "COMPLETED");
    assert.equal(done.completedAt, done.updatedAt);
    assert.match(done.completedAt ?? "", ISO_MS);
    await new Promise((resolve) => setTimeout(resolve, 2));
    const cancelled = finish("CANCELLED", "FINISH");
    const again = await c.store.applyTransition(init.id, 2, cancelled.change, cancelled.entry);
    assert.equal(again.completedAt, done.completedAt, "the first completion time is kept");
    const reopened = await c.store.applyTransition(
      init.id,
      3,
      moveTo("identify_target"),
      reportEntry("FINISH", "identify_target"),
    );
    assert.equal(reopened.completedAt, null);
    assert.deepEqual(await c.store.getInstance(init.id), reopened);
  });

  contractTest(backend, "a stale version is a ConflictError and writes nothing", async (c) => {
    const init = newInstance();
    await c.store.createInstance(init, startEntry());
    const winner = await c.store.applyTransition(init.id, 1, moveTo("a"), reportEntry("s", "a"));
    await assert.rejects(
      c.store.applyTransition(init.id, 1, moveTo("b"), reportEntry("s", "b")),
      (error: unknown) => {
        assert.ok(error instanceof ConflictError);
        assert.equal(error.code, "CONFLICT");
        assert.equal(error.retryable, true);
        assert.match(error.message, new RegExp(init.id));
        return true;
      },
    );
    assert.deepEqual(await c.store.getInstance(init.id), winner);
    const history = await c.store.listHistory(init.id, ALL);
    assert.deepEqual(history.entries.map((e) => e.decision.nextStep), ["identify_target", "a"]);
  });

  contractTest(backend, "applyTransition on an unknown id is UnknownInstanceError", async (c) => {
    const id = crypto.randomUUID();
    await assert.rejects(
      c.store.applyTransition(id, 1, moveTo("x"), reportEntry("a", "x")),
      (error: unknown) => {
        assert.ok(error instanceof UnknownInstanceError);
        assert.equal(error.code, "UNKNOWN_INSTANCE");
        assert.match(error.message, new RegExp(id));
        return true;
      },
    );
    assert.equal(await c.store.lastHistoryEntry(id), undefined);
  });
}

/** A transition that moves the run on only if it is still at `version` (a stale report otherwise). */
function advanceFrom(store: Store, id: string, version: number, label: string): Promise<number> {
  return store.transition(id, ({ instance }) => {
    if (instance.version !== version) {
      throw new StaleReportError(id, `v${version}`, instance.currentStep);
    }
    return {
      value: instance.version + 1,
      change: moveTo(label, { by: label }),
      entry: reportEntry(instance.currentStep, label),
    };
  });
}

/** Exactly one of `results` was fulfilled; the others lost to it as stale or conflicting. */
function assertOneWinner(results: PromiseSettledResult<number>[]): void {
  const won = results.filter((r) => r.status === "fulfilled");
  assert.equal(won.length, 1, `one winner among ${results.length}`);
  for (const result of results) {
    if (result.status === "rejected") {
      const error = result.reason;
      assert.ok(error instanceof StaleReportError || error instanceof ConflictError, `${error}`);
    }
  }
}

function registerTransitionContract(backend: ContractBackend): void {
  contractTest(backend, "transition: the plan sees the run; its value once written", async (c) => {
    const init = newInstance();
    await c.store.createInstance(init, startEntry());
    const entry = { ...reportEntry("identify_target", "write_tests", 1), requestHash: "req-1" };
    const seen = await c.store.transition(init.id, ({ instance, last }) => ({
      value: { version: instance.version, last: last?.seq, step: instance.currentStep },
      change: moveTo("write_tests", { n: 1 }),
      entry,
    }));
    assert.deepEqual(seen, { version: 1, last: 1, step: "identify_target" });
    const after = await c.store.getInstance(init.id);
    assert.equal(after?.version, 2);
    assert.equal(after?.currentStep, "write_tests");

    // The next plan sees the entry just written, request hash included (idempotent retries).
    const replay = await c.store.transition(init.id, ({ instance, last }) => {
      assert.deepEqual(last, {
        ...entry,
        instanceId: init.id,
        seq: 2,
        createdAt: after?.updatedAt,
      });
      return { value: last?.requestHash === "req-1" ? instance : undefined };
    });
    assert.deepEqual(replay, after);
    assert.equal((await c.store.listHistory(init.id, ALL)).total, 2);
  });

  contractTest(backend, "transition: no change or a throwing plan writes nothing", async (c) => {
    const init = newInstance();
    const created = await c.store.createInstance(init, startEntry());
    assert.equal(
      await c.store.transition(init.id, ({ instance }) => ({ value: instance.version })),
      1,
    );
    const refusal = new InvalidInputError("refused by the plan");
    await assert.rejects(
      c.store.transition(init.id, () => {
        throw refusal;
      }),
      (error: unknown) => error === refusal,
    );
    assert.deepEqual(await c.store.getInstance(init.id), created);
    assert.equal((await c.store.listHistory(init.id, ALL)).total, 1);
    await assert.rejects(
      c.store.transition(crypto.randomUUID(), () => ({ value: 0 })),
      UnknownInstanceError,
    );
  });

  contractTest(backend, "transitions issued together each see the previous one's", async (c) => {
    const init = newInstance();
    await c.store.createInstance(init, startEntry());
    const step = (n: number) =>
      c.store.transition(init.id, ({ instance }) => ({
        value: instance.version,
        change: moveTo(`s${n}`, { n }),
        entry: reportEntry(instance.currentStep, `s${n}`, n),
      }));
    const versions = await Promise.all([step(1), step(2), step(3)]);
    assert.deepEqual(versions.toSorted(), [1, 2, 3]);
    // Each history entry was planned from the state the previous one left.
    const { entries } = await c.store.listHistory(init.id, ALL);
    for (let i = 2; i < entries.length; i++) {
      assert.equal(entries[i]?.step, entries[i - 1]?.decision.nextStep);
    }

    // A plan that fails among others is the only one not written.
    const refused = c.store.transition(init.id, () => {
      throw new InvalidInputError("refused by the plan");
    });
    const results = await Promise.allSettled([step(4), refused, step(5)]);
    assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled"]);
    assert.equal((await c.store.getInstance(init.id))?.version, 6);
    assert.equal((await c.store.listHistory(init.id, ALL)).total, 6);
  });

  contractTest(
    backend,
    "20 racing transitions from one version: exactly one applies",
    async (c) => {
      const init = newInstance();
      await c.store.createInstance(init, startEntry());
      const racers = Array.from(
        { length: 20 },
        (_, i) => advanceFrom(c.store, init.id, 1, `r${i}`),
      );
      assertOneWinner(await Promise.allSettled(racers));
      const after = await c.store.getInstance(init.id);
      assert.equal(after?.version, 2);
      const history = await c.store.listHistory(init.id, ALL);
      assert.equal(history.total, 2);
      assert.equal(history.entries[1]?.decision.nextStep, after?.currentStep);
    },
  );

  contractTest(backend, "two stores on one database: racing advances, one winner", async (c) => {
    await using other = asyncDisposable(await c.db.open());
    const init = newInstance();
    await c.store.createInstance(init, startEntry());
    assert.equal((await other.getInstance(init.id))?.version, 1);
    const racers = [c.store, other, c.store, other].flatMap((store, i) => [
      advanceFrom(store, init.id, 1, `a${i}`),
      store.applyTransition(init.id, 1, moveTo(`b${i}`), reportEntry("s", `b${i}`)).then(
        (instance) => instance.version,
      ),
    ]);
    assertOneWinner(await Promise.allSettled(racers));
    assert.equal((await other.listHistory(init.id, ALL)).total, 2);
    assert.deepEqual(await other.getInstance(init.id), await c.store.getInstance(init.id));
  });

  contractTest(
    backend,
    "a run another store moved is planned on its current state, also after this store wrote it",
    async (c) => {
      await using other = asyncDisposable(await c.db.open());
      const init = newInstance();
      await c.store.createInstance(init, startEntry());
      const moved = await c.store.applyTransition(init.id, 1, moveTo("a"), reportEntry("s", "a"));
      await other.applyTransition(init.id, moved.version, moveTo("b"), reportEntry("a", "b"));
      // A plan that writes nothing sees the run as it is now, not as this store last wrote it.
      const seen = await c.store.transition(init.id, ({ instance, last }) => ({
        value: [instance.currentStep, instance.version, last?.decision.nextStep],
      }));
      assert.deepEqual(seen, ["b", 3, "b"]);
      // A plan that writes is applied on the current state, exactly once.
      const plans: string[] = [];
      const next = await c.store.transition(init.id, ({ instance }) => {
        plans.push(instance.currentStep);
        if (instance.currentStep !== "b") throw new StaleReportError(init.id, "b", "?");
        return { value: instance.version, change: moveTo("c"), entry: reportEntry("b", "c") };
      });
      assert.equal(next, 3);
      assert.equal(plans.at(-1), "b");
      assert.equal((await other.getInstance(init.id))?.currentStep, "c");
      assert.equal((await other.listHistory(init.id, ALL)).total, 4);
    },
  );

  contractTest(backend, "a store opened again sees everything committed", async (c) => {
    const init = newInstance();
    await c.store.createInstance(init, startEntry());
    const updated = await c.store.applyTransition(
      init.id,
      1,
      { status: "SUSPENDED", currentStep: "write_tests", context: { kept: true } },
      reportEntry("identify_target", "write_tests"),
    );
    await c.store.pinDefinition("h", "SAVE", "{}");
    await c.store.close();
    await c.store.close(); // idempotent
    await using again = asyncDisposable(await c.db.open());
    assert.deepEqual(await again.getInstance(init.id), updated);
    assert.equal((await again.listHistory(init.id, ALL)).total, 2);
    assert.equal(await again.pinnedDefinition("h"), "{}");
  });

  contractTest(backend, "a closed store refuses every call with a StorageError", async (c) => {
    await c.store.close();
    const closed = (error: unknown) =>
      error instanceof StorageError && /closed/.test(error.message);
    await assert.rejects(c.store.getInstance("x"), closed);
    await assert.rejects(c.store.createInstance(newInstance(), startEntry()), closed);
    await assert.rejects(c.store.transition("x", () => ({ value: 1 })), closed);
    await assert.rejects(c.store.listInstances({ limit: 1, offset: 0 }), closed);
    await assert.rejects(c.store.listHistory("x", ALL), closed);
  });
}
