/**
 * Crash safety in the suite: the harness of crash_harness.ts with CRASH_KILLS kills (default 50).
 */
import assert from "node:assert/strict";
import { formatFigures, runCrashHarness } from "./crash_harness.ts";
import { countFromEnv, seedFromEnv } from "./random.ts";

Deno.test("SIGKILL at random instants loses no acknowledged step and half-applies nothing", async () => {
  const kills = countFromEnv("CRASH_KILLS", 50);
  const figures = await runCrashHarness({ kills, seed: seedFromEnv("CRASH_SEED") });
  console.log(formatFigures(figures));
  assert.deepEqual(figures.problems, []);
  assert.equal(figures.lost, 0);
  assert.equal(figures.kills, kills);
  // The run must have exercised what it claims to: real work acknowledged between kills, and
  // kills that landed with advances in flight.
  assert.ok(figures.acknowledged >= kills * 3, `only ${figures.acknowledged} calls acknowledged`);
  assert.ok(
    figures.inFlightAtKill >= kills / 2,
    `only ${figures.inFlightAtKill} in flight at a kill`,
  );
});
