/** `prune --older-than`: ages and dates become the cutoff instant; anything else is refused. */
import assert from "node:assert/strict";
import { InvalidCutoffError, parseCutoff } from "../../src/cli/cutoff.ts";

const NOW = Date.parse("2026-03-31T12:00:00.000Z");

Deno.test("an age counts back from now; a date is midnight UTC, a time keeps its offset", () => {
  assert.equal(parseCutoff("30d", NOW), "2026-03-01T12:00:00.000Z");
  assert.equal(parseCutoff("12h", NOW), "2026-03-31T00:00:00.000Z");
  assert.equal(parseCutoff("90m", NOW), "2026-03-31T10:30:00.000Z");
  assert.equal(parseCutoff("0d", NOW), "2026-03-31T12:00:00.000Z");
  assert.equal(parseCutoff("2026-01-31", NOW), "2026-01-31T00:00:00.000Z");
  assert.equal(parseCutoff("2026-01-31T12:00:00Z", NOW), "2026-01-31T12:00:00.000Z");
  assert.equal(parseCutoff("2026-01-31T12:00+02:00", NOW), "2026-01-31T10:00:00.000Z");
});

Deno.test("a cutoff that is not an age or a past date is refused with what to give", () => {
  const refused: [string, RegExp][] = [
    ["yesterday", /'yesterday' is not an age or a date: give an age such as 30d/],
    ["30", /not an age or a date/],
    ["30w", /not an age or a date/],
    ["-5d", /not an age or a date/],
    ["2026-02-30", /'2026-02-30' is not a valid date/],
    ["2026-13-01", /is not a valid date/],
    ["2026-04-01", /'2026-04-01' is in the future/],
  ];
  for (const [value, message] of refused) {
    assert.throws(
      () => parseCutoff(value, NOW),
      (error) => error instanceof InvalidCutoffError && message.test(error.message),
      value,
    );
  }
  // The dashboard's form names its own field, not the command line's flag.
  assert.throws(
    () => parseCutoff("abc", NOW, "Finished more than"),
    /^Error: Finished more than 'abc' is not an age or a date: give an age such as 30d/,
  );
});
