/** `Retry-After` parsing: delta-seconds and HTTP dates. */
import assert from "node:assert/strict";
import { parseRetryAfter } from "../../src/decide/http.ts";

Deno.test("Retry-After: seconds, an HTTP date, and unreadable values", () => {
  const now = Date.parse("Wed, 21 Oct 2026 07:28:00 GMT");
  assert.equal(parseRetryAfter("2", now), 2_000);
  assert.equal(parseRetryAfter(" 0.5 ", now), 500);
  assert.equal(parseRetryAfter("Wed, 21 Oct 2026 07:28:03 GMT", now), 3_000);
  assert.equal(parseRetryAfter("Wed, 21 Oct 2026 07:27:00 GMT", now), 0, "a past date: no wait");
  assert.equal(parseRetryAfter("soon", now), undefined);
  assert.equal(parseRetryAfter(null, now), undefined);
});
