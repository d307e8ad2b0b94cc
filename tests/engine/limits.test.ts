import assert from "node:assert/strict";
import { checkJsonShape, MAX_JSON_DEPTH } from "../../src/engine/limits.ts";
import { InvalidInputError } from "../../src/errors.ts";

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
