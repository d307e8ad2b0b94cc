import assert from "node:assert/strict";
import { StubDecisionMaker } from "../../src/decide/stub.ts";
import { DefinitionRegistry } from "../../src/definitions/registry.ts";
import { WorkflowEngine } from "../../src/engine/engine.ts";
import { ConflictError, InstanceFinishedError, StaleReportError } from "../../src/errors.ts";
import { openSqliteStore } from "../../src/store/sqlite/store.ts";
import { writeWorkflow } from "../helpers/workflows.ts";

/** An engine on an in-memory store with `ASK`: `ask` goes to `answer` (AI, no route), then ends. */
function engine(): { engine: WorkflowEngine; close: () => void } {
  const root = Deno.makeTempDirSync({ prefix: "orch-replay-" });
  writeWorkflow(root, "ASK", {
    "index.md": "---\ndescription: Ask\n---\n# Ask\n\n# Steps\n\n- [ask](steps/ask.md)\n" +
      "- [answer](steps/answer.md)\n",
    "steps/ask.md":
      "# Orchestrator Guidance\nGo on.\n\n# Client Instructions\nAsk {{context.who}}.\n",
    "steps/answer.md": "---\non:\n  success: FINISH\n---\n# Orchestrator Guidance\nEnd.\n\n" +
      "# Client Instructions\nAnswer.\n",
    "steps/FINISH.md":
      "# Orchestrator Guidance\nDone.\n\n# Client Instructions\nBye {{context.who}}.\n",
  });
  const store = openSqliteStore(":memory:");
  return {
    engine: new WorkflowEngine({
      definitions: new DefinitionRegistry(root),
      store,
      decider: new StubDecisionMaker(),
    }),
    close: () => {
      store.close();
      Deno.removeSync(root, { recursive: true });
    },
  };
}

/** Settle two racing calls: exactly one must succeed; the other's error. */
async function loserOf(racers: Promise<unknown>[]): Promise<unknown> {
  const results = await Promise.allSettled(racers);
  assert.deepEqual(results.map((r) => r.status).sort(), ["fulfilled", "rejected"]);
  return results.find((r): r is PromiseRejectedResult => r.status === "rejected")!.reason;
}

Deno.test("a retry gets the original response back, rebuilt from the stored state", async () => {
  const { engine: e, close } = engine();
  try {
    const { instance_id: id } = await e.start("ASK", { who: "ana" });
    const report = { step_id: "ask", status: "success", message: "asked" };
    const updates = { who: "bo", n: { deep: [1, 2] } };
    const first = await e.advance(id, report, updates);
    assert.equal(first.decision.source, "ai");
    assert.match(first.decision.reasoning ?? "", /.+/);
    assert.deepEqual(await e.advance(id, report, updates), first);
    // Another report on the old step is stale, not a retry.
    await assert.rejects(() => e.advance(id, { ...report, message: "other" }), StaleReportError);

    const end = await e.advance(id, { step_id: "answer", status: "success" });
    assert.equal(end.status, "COMPLETED");
    assert.equal(end.next_step.instructions, "Bye bo.");
    assert.deepEqual(await e.advance(id, { step_id: "answer", status: "success" }), end);
    await assert.rejects(
      () => e.advance(id, { step_id: "answer", status: "failure" }),
      InstanceFinishedError,
    );
    assert.equal((await e.status(id)).history_length, 3);
  } finally {
    close();
  }
});

Deno.test("identical advances issued together: one applies, the other answers as its retry", async () => {
  const { engine: e, close } = engine();
  try {
    const { instance_id: id } = await e.start("ASK", { who: "ana" });
    const report = { step_id: "ask", status: "success" };
    const [one, two] = await Promise.all([e.advance(id, report), e.advance(id, report)]);
    assert.deepEqual(one, two);
    assert.equal((await e.status(id)).history_length, 2);
    assert.equal((await e.status(id)).current_step_name, "answer");
    // Different advances issued together are applied one after the other: exactly one wins, the
    // other finds the run already moved on (here: ended) and is refused, as if it came later.
    const lost = await loserOf([
      e.advance(id, { step_id: "answer", status: "success" }),
      e.advance(id, { step_id: "answer", status: "success", message: "mine" }),
    ]);
    assert.ok(lost instanceof InstanceFinishedError);
    assert.equal((await e.status(id)).history_length, 3);
  } finally {
    close();
  }
});

Deno.test("different advances waiting on the decision maker together: one applies, the other conflicts", async () => {
  const { engine: e, close } = engine();
  try {
    const { instance_id: id } = await e.start("ASK", { who: "ana" });
    // `ask` has no declared route: both read the run, both wait for a decision, one writes first.
    const lost = await loserOf([
      e.advance(id, { step_id: "ask", status: "success" }),
      e.advance(id, { step_id: "ask", status: "success", message: "mine" }),
    ]);
    assert.ok(lost instanceof ConflictError);
    assert.equal((await e.status(id)).history_length, 2);
  } finally {
    close();
  }
});
