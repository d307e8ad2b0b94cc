/**
 * Opening a SQLite database for the store: the folder created, WAL journal, a busy timeout,
 * foreign keys, and the schema brought up to date by forward-only migrations tracked in
 * `PRAGMA user_version` (a file written by another program or a newer server is refused untouched).
 *
 * @example
 * ```ts
 * import { openDatabase } from "./open.ts";
 * const db = openDatabase({ path: "/tmp/x.sqlite", busyTimeoutMs: 5000 }, "NORMAL");
 * ```
 * @module
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { StorageError } from "../../errors.ts";
import { type DatabaseLabel, LOCKED, messageOf, sqliteError } from "./errors.ts";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.ts";

/** How `openSqliteStore` configures the connection. */
export interface SqliteOptions {
  /**
   * `NORMAL` (default): with WAL, a killed process loses nothing that was acknowledged; a power
   * cut may lose the last commits. `FULL`: also survives power loss, at an fsync per commit.
   */
  synchronous?: "NORMAL" | "FULL";
  /** How long a write waits for another connection's write lock before failing (default 5000). */
  busyTimeoutMs?: number;
}

/** The options with their defaults, checked. */
export function sqliteSettings(
  path: string,
  options: SqliteOptions,
): DatabaseLabel & { synchronous: "NORMAL" | "FULL" } {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new StorageError(
      `Invalid busyTimeoutMs ${busyTimeoutMs} for database ${path}: use a whole number of ` +
        `milliseconds, 0 or more.`,
    );
  }
  const synchronous = options.synchronous ?? "NORMAL";
  if (synchronous !== "NORMAL" && synchronous !== "FULL") {
    throw new StorageError(`Invalid synchronous mode '${synchronous}': use NORMAL or FULL.`);
  }
  return { path, busyTimeoutMs, synchronous };
}

/**
 * Open (creating if needed) the database at `label.path` and migrate it. `":memory:"` gives a
 * private in-memory database (for tests).
 * @throws {StorageError} the folder cannot be created, the file is not a database, is read-only,
 * is locked for longer than the busy timeout, or was written by a newer server.
 */
export function openDatabase(label: DatabaseLabel, synchronous: "NORMAL" | "FULL"): DatabaseSync {
  const { path, busyTimeoutMs } = label;
  if (path !== ":memory:") createParentFolder(path);
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (error) {
    throw sqliteError(error, label, "opening it");
  }
  try {
    db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
    // Refuse a file we must not migrate before changing anything in it.
    refuseForeignSchema(path, schemaState(db));
    // Two processes switching a new file to WAL at once: SQLite answers one of them "locked"
    // at once, without waiting (deadlock avoidance), so wait for the other one here.
    whileLocked(busyTimeoutMs, () => db.exec("PRAGMA journal_mode = WAL"));
    db.exec(`PRAGMA synchronous = ${synchronous}`);
    db.exec("PRAGMA foreign_keys = ON");
    // The migration transaction also proves the file is writable before the first tool call.
    whileLocked(busyTimeoutMs, () => migrate(db, path));
    return db;
  } catch (error) {
    db.close();
    throw sqliteError(error, label, "opening it");
  }
}

/**
 * The schema version and whether any table exists, read in ONE statement (one snapshot): read
 * separately, another process's migration could commit between them and look like a foreign file.
 */
function schemaState(db: DatabaseSync): { version: number; hasTables: boolean } {
  const row = db.prepare(
    `SELECT (SELECT user_version FROM pragma_user_version) AS version,
            EXISTS (SELECT 1 FROM sqlite_schema) AS has_tables`,
  ).get();
  return { version: Number(row?.version ?? 0), hasTables: Boolean(row?.has_tables) };
}

/** Refuse files we must not migrate: a newer schema, or tables some other program created. */
function refuseForeignSchema(
  path: string,
  { version, hasTables }: { version: number; hasTables: boolean },
): void {
  if (version === 0 && hasTables) {
    throw new StorageError(
      `The database ${path} already has tables but no schema version: it was created by ` +
        `another program (perhaps the original Python orchestrator, whose files this server ` +
        `does not import). Point WORKFLOW_DB_PATH at a new file; this one is left unchanged.`,
    );
  }
  if (version > SCHEMA_VERSION) {
    throw new StorageError(
      `The database ${path} has schema version ${version}, but this server only knows ` +
        `versions up to ${SCHEMA_VERSION}: it was written by a newer orchestrator-mcp-server. ` +
        `Upgrade the server, or point WORKFLOW_DB_PATH at another file.`,
    );
  }
}

/** Apply pending migrations in one write transaction (re-reading the version under the lock). */
function migrate(db: DatabaseSync, path: string): void {
  db.exec("BEGIN IMMEDIATE");
  try {
    const state = schemaState(db);
    refuseForeignSchema(path, state);
    const { version } = state;
    for (let v = version; v < SCHEMA_VERSION; v++) {
      const migration = MIGRATIONS[v];
      if (migration === undefined) throw new StorageError(`Missing migration ${v + 1}.`);
      try {
        db.exec(migration.sql);
      } catch (error) {
        throw new StorageError(
          `Migrating the database ${path} to schema version ${v + 1} ` +
            `(${migration.description}) failed: ${messageOf(error)}. The file is unchanged.`,
          { cause: error },
        );
      }
    }
    if (version < SCHEMA_VERSION) db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec("COMMIT");
  } catch (error) {
    rollbackQuietly(db);
    throw error;
  }
}

function createParentFolder(path: string): void {
  const folder = dirname(path);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new StorageError(
      `Cannot create the folder ${folder} for the database ${path} (${messageOf(error)}). ` +
        `Create it yourself with write access for this user, or point WORKFLOW_DB_PATH elsewhere.`,
      { cause: error },
    );
  }
}

/**
 * Run `fn`, again after a short pause while SQLite reports the file locked, for up to `timeoutMs`.
 * For the few statements where SQLite returns "locked" without calling the busy handler.
 */
function whileLocked(timeoutMs: number, fn: () => void): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return fn();
    } catch (error) {
      if (!LOCKED.test(messageOf(error)) || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, 10 + Math.random() * 20);
    }
  }
}

/** Roll back the open transaction, if any, keeping the error that made us roll back. */
export function rollbackQuietly(db: DatabaseSync): void {
  if (!db.isTransaction) return;
  try {
    db.exec("ROLLBACK");
  } catch {
    // The error that made us roll back is the one worth reporting; SQLite has already
    // rolled back whatever it could not keep.
  }
}
