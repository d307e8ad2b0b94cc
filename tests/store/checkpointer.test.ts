import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { START_AFTER_COMMITS } from "../../src/store/sqlite/checkpointer.ts";
import { openSqliteStore } from "../../src/store/sqlite/store.ts";
import { tempDbPath } from "./helpers.ts";

/**
 * The WAL's last frame and how many frames are copied into the database file, from the WAL index
 * (`-shm`: `mxFrame` at byte 16 of its header, `nBackfill` at byte 96), read without a connection
 * (opening one could checkpoint by itself).
 */
function walState(path: string): { frames: number; backfilled: number } {
  const view = new DataView(Deno.readFileSync(`${path}-shm`).buffer);
  return { frames: view.getUint32(16, true), backfilled: view.getUint32(96, true) };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

Deno.test("a busy SQLite store checkpoints its WAL from a worker, outside its commits", async () => {
  using tmp = tempDbPath();
  const store = openSqliteStore(tmp.path);
  // Busy enough to start the worker; SQLite's own automatic checkpoint (at 1,000 WAL pages) may
  // have run meanwhile, and the next commit then started the WAL afresh.
  for (let i = 0; i < START_AFTER_COMMITS; i++) await store.pinDefinition(`hash-${i}`, "W", "{}");
  await new Promise((resolve) => setTimeout(resolve, 300));
  // Far fewer pages than the automatic checkpoint waits for: only the worker copies these back.
  const more = 50;
  for (let i = 0; i < more; i++) await store.pinDefinition(`more-${i}`, "W", "{}");
  const before = walState(tmp.path);
  assert.ok(before.frames > 0 && before.frames < 1000, `frames ${before.frames}`);
  const checkpointed = await until(() => {
    const { frames, backfilled } = walState(tmp.path);
    return frames > 0 && backfilled === frames;
  }, 5000);
  assert.ok(checkpointed, `the worker did not checkpoint: ${JSON.stringify(walState(tmp.path))}`);
  // Writing goes on, and closing stops the worker and keeps everything.
  await store.pinDefinition("last", "W", "{}");
  await store.close();
  const raw = new DatabaseSync(tmp.path);
  try {
    assert.equal(
      raw.prepare("SELECT count(*) AS n FROM workflow_definitions").get()?.n,
      START_AFTER_COMMITS + more + 1,
    );
  } finally {
    raw.close();
  }
});

Deno.test("a SQLite store with few commits starts no checkpointing worker and closes at once", () => {
  using tmp = tempDbPath();
  const store = openSqliteStore(tmp.path);
  void store.pinDefinition("one", "W", "{}");
  void store.close();
  // Closed synchronously: the connection is gone, so the last close removed the WAL.
  assert.throws(() => Deno.statSync(`${tmp.path}-wal`), Deno.errors.NotFound);
});
