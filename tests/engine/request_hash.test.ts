import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { advanceRequest, isSameRequest, textHash } from "../../src/engine/request.ts";

Deno.test("a request's hash is the same for a byte-identical retry and differs for any change", () => {
  const report = { step_id: "work", status: "success", message: "Done with item 1." };
  const first = advanceRequest(report, { item: 1 });
  assert.match(first.hash, /^c1:[0-9a-f]{32}$/);
  assert.equal(advanceRequest(structuredClone(report), { item: 1 }).hash, first.hash);
  const others = [
    advanceRequest({ ...report, message: "Done with item 2." }, { item: 1 }),
    advanceRequest(report, { item: 2 }),
    advanceRequest(report, undefined),
    // Same keys in another order: not byte-identical, so not a retry.
    advanceRequest({ status: "success", step_id: "work", message: "Done with item 1." }, {
      item: 1,
    }),
  ].map((request) => request.hash);
  assert.equal(new Set([first.hash, ...others]).size, 5);
});

Deno.test("textHash spreads near-identical texts (no collisions over 100,000 of them)", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 100_000; i++) seen.add(textHash(`{"step_id":"s","n":${i}}\nnull`));
  assert.equal(seen.size, 100_000);
  assert.notEqual(textHash("a\nb"), textHash("a\nb "));
});

Deno.test("a retry of a step applied by an earlier release (SHA-256 request hash) is recognized", () => {
  const report = { step_id: "work", status: "success" };
  const request = advanceRequest(report, { item: 1 });
  // What earlier releases stored: the SHA-256 hex of the same text.
  const legacy = createHash("sha256").update(`${JSON.stringify(report)}\n{"item":1}`).digest("hex");
  assert.equal(isSameRequest(request, legacy), true);
  assert.equal(isSameRequest(request, request.hash), true);
  assert.equal(isSameRequest(advanceRequest(report, { item: 2 }), legacy), false);
  assert.equal(isSameRequest(request, null), false);
});
