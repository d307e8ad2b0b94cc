/**
 * The worker side of `checkpointer.ts` (plain JavaScript: it is started from its text as a `blob:`
 * module, which needs no read permission on the server's own files): a connection of its own to
 * the database, checkpointing the WAL into the database file every `intervalMs` with
 * `PRAGMA wal_checkpoint(PASSIVE)`, which copies what no reader still needs and never waits for a
 * lock, so the server's writers go on meanwhile. Messages: `{ path, synchronous, intervalMs }`
 * starts it (answered `"ready"`, or `{ error }`), `"stop"` closes the connection (answered
 * `"stopped"`).
 * @module
 */
import { DatabaseSync } from "node:sqlite";

let db;
let timer;

function checkpoint() {
  try {
    db?.exec("PRAGMA wal_checkpoint(PASSIVE)");
  } catch {
    // Busy (another process is checkpointing) or the file is going away: the next turn retries,
    // and the store's own automatic checkpoint bounds the WAL meanwhile.
  }
}

self.onmessage = (event) => {
  if (event.data === "stop") {
    clearInterval(timer);
    db?.close();
    db = undefined;
    self.postMessage("stopped");
    return;
  }
  const { path, synchronous, intervalMs } = event.data;
  try {
    db = new DatabaseSync(path);
    // A checkpoint syncs the files as the server's own connection would.
    db.exec(`PRAGMA synchronous = ${synchronous === "FULL" ? "FULL" : "NORMAL"}`);
    db.exec("PRAGMA busy_timeout = 0");
    timer = setInterval(checkpoint, intervalMs);
    self.postMessage("ready");
  } catch (error) {
    self.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
