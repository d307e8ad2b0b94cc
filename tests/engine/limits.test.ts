import assert from "node:assert/strict";
import { checkJsonShape, MAX_JSON_DEPTH } from "../../src/engine/limits.ts";
import type { DecisionMaker } from "../../src/decide/types.ts";
import { DefinitionRegistry } from "../../src/definitions/registry.ts";
import { WorkflowEngine } from "../../src/engine/engine.ts";
import { DecisionError, InvalidInputError } from "../../src/errors.ts";
import type { JsonObject } from "../../src/json.ts";
import { openSqliteStore } from "../../src/store/sqlite/store.ts";
import { writeWorkflow } from "../helpers/workflows.ts";

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

Deno.test("values up to MAX_JSON_DEPTH levels pass; one more names the path", () => {
  checkJsonShape("context_updates", nested(MAX_JSON_DEPTH));
  checkJsonShape("context_updates", [[["ok"]], { b: [1, 2, { c: null }] }]);
  assert.throws(
    () => checkJsonShape("context_updates", nested(MAX_JSON_DEPTH + 1)),
    (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.match(
        error.message,
        /^context_updates is nested more than 64 levels deep \(at a\.a\.a\.a….a\.a\.a\)\. Flatten it/,
      );
      return true;
    },
  );
  assert.throws(
    () => checkJsonShape("The report", { result: [[[nested(MAX_JSON_DEPTH)]]] }),
    /The report is nested more than 64 levels deep \(at result\[0\]\[0\]\[0\]….a\.a\.a\)/,
  );
});

Deno.test("100k levels are refused without overflowing the stack", () => {
  let deep: unknown = "bottom";
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.throws(() => checkJsonShape("The context", { x: deep }), /nested more than 64 levels/);
});

Deno.test("a __proto__ key anywhere is refused with its path; other odd keys pass", () => {
  assert.throws(
    () => checkJsonShape("context_updates", JSON.parse('{"a": {"__proto__": {"x": 1}}}')),
    /context_updates uses the reserved key '__proto__' \(at a\.__proto__\)\. Rename that key\./,
  );
  checkJsonShape("context_updates", { constructor: 1, "a b": { "": 2 }, "ünï": 3 });
  assert.throws(
    () => checkJsonShape("x", JSON.parse('{"a b": [{"__proto__": 1}]}')),
    /\(at \["a b"\]\[0\]\.__proto__\)/,
  );
});

Deno.test("Infinity or NaN anywhere is refused with its path", () => {
  assert.throws(
    () => checkJsonShape("context_updates", JSON.parse('{"a": [1, 2e400]}')),
    /^Error: context_updates holds a number too large for JSON \(at a\[1\]\)/,
  );
  assert.throws(() => checkJsonShape("The report", { x: NaN }), /\(at x\)/);
  checkJsonShape("The context", { max: Number.MAX_VALUE, min: -Number.MAX_VALUE, tiny: 5e-324 });
});

Deno.test("a decision maker's deeply nested updated_context is refused before it is merged", async () => {
  const root = Deno.makeTempDirSync({ prefix: "orch-limits-" });
  writeWorkflow(root, "ASK", {
    "index.md": "---\ndescription: Ask\n---\n# Ask\n\n# Steps\n\n- [ask](steps/ask.md)\n",
    "steps/ask.md": "# Orchestrator Guidance\nGo on.\n\n# Client Instructions\nAsk.\n",
  });
  let deep: JsonObject = { bottom: true };
  for (let i = 0; i < 100_000; i++) deep = { a: deep };
  const decider: DecisionMaker = {
    name: "deep",
    decide: () =>
      Promise.resolve({
        nextStepName: "ask",
        status: "RUNNING",
        updatedContext: { a: deep },
        reasoning: "Again.",
      }),
  };
  const store = openSqliteStore(":memory:");
  try {
    const engine = new WorkflowEngine({
      definitions: new DefinitionRegistry(root),
      store,
      decider,
    });
    const { instance_id: id } = await engine.start("ASK");
    await assert.rejects(
      () => engine.advance(id, { step_id: "ask", status: "success" }),
      (error: unknown) => {
        assert.ok(error instanceof DecisionError, String(error));
        assert.match(error.message, /updated_context is nested more than 64 levels deep/);
        return true;
      },
    );
    assert.equal((await engine.status(id)).history_length, 1);
  } finally {
    store.close();
    Deno.removeSync(root, { recursive: true });
  }
});
