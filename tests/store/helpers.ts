/**
 * Shared builders for store tests: a temp database path and typical instance/history values.
 * @module
 */
import type {
  InstanceChange,
  InstanceStatus,
  NewHistoryEntry,
  Store,
  StoredRun,
} from "../../src/store/types.ts";

/** An ISO-8601 UTC timestamp with milliseconds, as every backend stores them. */
export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A fresh database path inside a new temp dir (the file does not exist yet); `using` it removes
 * the dir at the end of the scope.
 */
export function tempDbPath(
  name = "workflows.sqlite",
): { dir: string; path: string } & Disposable {
  const dir = Deno.makeTempDirSync({ prefix: "store-test-" });
  return {
    dir,
    path: `${dir}/${name}`,
    [Symbol.dispose]: () => Deno.removeSync(dir, { recursive: true }),
  };
}

/** Close the store at the end of the `using` scope, even when an assertion fails. */
export function disposable<T extends { close(): void }>(store: T): T & Disposable {
  return Object.assign(store, { [Symbol.dispose]: () => store.close() });
}

/** Close the store at the end of the `await using` scope, even when an assertion fails. */
export function asyncDisposable<T extends Store>(store: T): T & AsyncDisposable {
  return Object.assign(store, { [Symbol.asyncDispose]: () => store.close() });
}

/** Initial values for `createInstance`. */
export function newInstance(
  id: string = crypto.randomUUID(),
  workflowName = "REFACTOR_WITH_TESTS",
): { id: string; workflowName: string; definitionHash: string } & InstanceChange {
  return {
    id,
    workflowName,
    definitionHash: "sha256-abc",
    status: "RUNNING",
    currentStep: "identify_target",
    // Keys out of alphabetical order: a backend must keep them as written.
    context: { repo: "x", nested: { n: 1, list: [1, "two", null, true] }, after: { z: 1, a: 2 } },
  };
}

/** The history entry written when an instance starts. */
export function startEntry(): NewHistoryEntry {
  return {
    step: null,
    report: null,
    contextUpdates: null,
    decision: { source: "start", nextStep: "identify_target" },
    statusAfter: "RUNNING",
    requestHash: null,
  };
}

/** A history entry for a routed report on `step` that moves to `next`. */
export function reportEntry(step: string, next: string, n = 0): NewHistoryEntry {
  return {
    step,
    report: { step_id: step, status: "success", result: { n } },
    contextUpdates: { last: n },
    decision: {
      source: "ai",
      nextStep: next,
      reasoning: `because ${n}`,
      model: "stub-model",
      tokensIn: 120,
      tokensOut: 30,
      latencyMs: 42,
    },
    statusAfter: "RUNNING",
    requestHash: `hash-${n}`,
  };
}

/** A change that keeps the run going at `step`. */
export function moveTo(step: string, context: InstanceChange["context"] = {}): InstanceChange {
  return { status: "RUNNING", currentStep: step, context };
}

/** A change that finishes the run with `status`, and its history entry. */
export function finish(
  status: "COMPLETED" | "FAILED" | "CANCELLED" = "COMPLETED",
  from = "identify_target",
): { change: InstanceChange; entry: NewHistoryEntry } {
  return {
    change: { status, currentStep: "FINISH", context: {} },
    entry: { ...reportEntry(from, "FINISH"), statusAfter: status },
  };
}

/** The ISO timestamp `days` days ago. */
export function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString();
}

/**
 * A run for `importRun` with two history entries and this status, started 400 days ago and
 * finished `finishedDaysAgo` days ago (unfinished when not given).
 */
export function storedRun(
  status: InstanceStatus,
  options: {
    finishedDaysAgo?: number;
    workflowName?: string;
    definitionHash?: string;
    context?: StoredRun["instance"]["context"];
  } = {},
): StoredRun {
  const id = crypto.randomUUID();
  const createdAt = daysAgo(400);
  const completedAt = options.finishedDaysAgo === undefined
    ? null
    : daysAgo(options.finishedDaysAgo);
  return {
    instance: {
      id,
      workflowName: options.workflowName ?? "W",
      definitionHash: options.definitionHash ?? "sha256-abc",
      status,
      currentStep: completedAt === null ? "b" : "FINISH",
      context: options.context ?? { n: 1 },
      version: 2,
      historyLength: 2,
      createdAt,
      updatedAt: completedAt ?? createdAt,
      completedAt,
    },
    history: [
      { ...startEntry(), instanceId: id, seq: 1, createdAt },
      {
        ...reportEntry("identify_target", "FINISH"),
        statusAfter: status,
        instanceId: id,
        seq: 2,
        createdAt: completedAt ?? createdAt,
      },
    ],
  };
}
