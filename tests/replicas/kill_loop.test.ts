/**
 * Replica crash safety in the suite: the kill loop of kill_loop.ts with REPLICA_KILLS SIGKILLs
 * (default 50, about a minute). A longer run, e.g. 300 kills:
 * `REPLICA_KILLS=300 WORKFLOW_TEST_DB_URL=… deno test --allow-env --allow-read --allow-write
 * --allow-run --allow-net=127.0.0.1 tests/replicas/kill_loop.test.ts` (REPLICA_SEED=n replays).
 * @module
 */
import assert from "node:assert/strict";
import { countFromEnv, seedFromEnv } from "../reliability/random.ts";
import { freshSchema } from "../store/postgres_helpers.ts";
import { ignore } from "./helpers.ts";
import { formatKillLoop, runKillLoop } from "./kill_loop.ts";

Deno.test({
  name: "replicas: SIGKILLs of one replica at a time lose no acknowledged step, apply none twice",
  ignore,
  async fn() {
    const kills = countFromEnv("REPLICA_KILLS", 50);
    await using db = await freshSchema();
    const figures = await runKillLoop(db.url, db.role, {
      kills,
      seed: seedFromEnv("REPLICA_SEED"),
    });
    console.log(formatKillLoop(figures));
    assert.deepEqual(figures.problems, []);
    assert.equal(figures.lost, 0);
    assert.equal(figures.doubleApplied, 0);
    assert.equal(figures.kills, kills);
    // The run must have exercised what it claims: work acknowledged between kills, kills that
    // landed on calls in flight, and calls that had to move to another replica.
    assert.ok(figures.acknowledged >= kills * 3, `only ${figures.acknowledged} acknowledged`);
    const listening = kills - figures.killedDuringStartup;
    assert.ok(
      figures.killsMidCall >= listening / 3,
      `only ${figures.killsMidCall} of ${listening} kills of a listening replica hit a call`,
    );
    assert.ok(figures.cutOff > 0, "no call was cut off by a kill");
  },
});
