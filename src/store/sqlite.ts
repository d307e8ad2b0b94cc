/**
 * The SQLite implementation of `Store` on `node:sqlite`: WAL journal, a busy timeout, foreign keys,
 * forward-only migrations tracked in `PRAGMA user_version`, statements prepared once, and group
 * commit: the writes issued before the queued microtask that flushes them (e.g. by every request of
 * one stdio chunk) share one `BEGIN IMMEDIATE` transaction, each in its own savepoint, and every
 * caller's promise settles after that transaction's `COMMIT`.
 * Optimistic concurrency (`version`) makes two concurrent advances of one instance — from this
 * process or another, in one batch or not — end with exactly one winner; the other gets a
 * `ConflictError`.
 *
 * @example
 * ```ts
 * import { openStore } from "./sqlite.ts";
 * const store = openStore("./data/workflows.sqlite");
 * const instance = store.getInstance("0b6e…");
 * store.close();
 * ```
 * @module
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import {
  DatabaseSync,
  type SQLInputValue,
  type SQLOutputValue,
  type StatementSync,
} from "node:sqlite";
import {
  ConflictError,
  InvalidInputError,
  OrchestratorError,
  StorageError,
  UnknownInstanceError,
} from "../errors.ts";
import type { JsonObject } from "../json.ts";
import { HISTORY_COLUMNS, historyFromRow, INSTANCE_COLUMNS, instanceFromRow } from "./rows.ts";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.ts";
import {
  FINISHED_STATUSES,
  type HistoryEntry,
  type Instance,
  type InstanceChange,
  type InstanceQuery,
  MAX_PAGE_SIZE,
  type NewHistoryEntry,
  type PlannedTransition,
  type Store,
} from "./types.ts";

/** How `openStore` configures the connection. */
export interface StoreOptions {
  /**
   * `NORMAL` (default): with WAL, a killed process loses nothing that was acknowledged; a power
   * cut may lose the last commits. `FULL`: also survives power loss, at an fsync per commit.
   */
  synchronous?: "NORMAL" | "FULL";
  /** How long a write waits for another connection's write lock before failing (default 5000). */
  busyTimeoutMs?: number;
}

/** The current time as an ISO-8601 UTC timestamp with milliseconds (`2026-01-02T03:04:05.678Z`). */
export function nowIso(): string {
  return new Date().toISOString();
}

/**
 * The database stayed write-locked by another connection for longer than the busy timeout. The
 * same call may succeed later, so it is marked retryable.
 */
export class DatabaseLockedError extends StorageError {
  /** Waiting and calling again can succeed once the other writer is done. */
  override readonly retryable = true;
}

/**
 * Open (creating if needed) the SQLite database at `path` and bring its schema up to date.
 * `":memory:"` gives a private in-memory database (for tests).
 * @throws {StorageError} the folder cannot be created, the file is not a database, is read-only,
 * is locked for longer than the busy timeout, or was written by a newer server.
 */
export function openStore(path: string, options: StoreOptions = {}): SqliteStore {
  return new SqliteStore(path, options);
}

type ListKey = "" | "w" | "s" | "ws";

/** A write waiting for the next group commit, with the callbacks of its caller's promise. */
interface QueuedWrite {
  what: string;
  apply: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** How one write of a batch ended; callers learn it only after the batch's COMMIT. */
type Outcome = { ok: true; value: unknown } | { ok: false; error: OrchestratorError };

/** `Store` backed by one `node:sqlite` connection. Not safe to share across workers; open one each. */
export class SqliteStore implements Store {
  /** The database file this store was opened on. */
  readonly path: string;
  readonly #busyTimeoutMs: number;
  readonly #db: DatabaseSync;
  #closed = false;

  readonly #begin: StatementSync;
  readonly #beginRead: StatementSync;
  readonly #commit: StatementSync;
  readonly #rollback: StatementSync;
  readonly #savepoint: StatementSync;
  readonly #rollbackToSavepoint: StatementSync;
  readonly #releaseSavepoint: StatementSync;
  /** Writes issued since the last group commit, in order. */
  #queue: QueuedWrite[] = [];
  readonly #insertInstance: StatementSync;
  readonly #insertHistory: StatementSync;
  readonly #selectInstance: StatementSync;
  readonly #instanceExists: StatementSync;
  readonly #advanceInstance: StatementSync;
  readonly #updateInstance: StatementSync;
  readonly #lastHistory: StatementSync;
  readonly #historyPage: StatementSync;
  readonly #historyLength: StatementSync;
  readonly #recentHistory: StatementSync;
  readonly #insertDefinition: StatementSync;
  readonly #selectDefinition: StatementSync;
  readonly #listInstances: Record<ListKey, StatementSync>;
  readonly #countInstances: Record<ListKey, StatementSync>;

  /** Prefer `openStore`; this opens, configures and migrates the database at `path`. */
  constructor(path: string, options: StoreOptions = {}) {
    this.path = path;
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new StorageError(
        `Invalid busyTimeoutMs ${busyTimeoutMs} for database ${path}: use a whole number of ` +
          `milliseconds, 0 or more.`,
      );
    }
    this.#busyTimeoutMs = busyTimeoutMs;
    const synchronous = options.synchronous ?? "NORMAL";
    if (synchronous !== "NORMAL" && synchronous !== "FULL") {
      throw new StorageError(`Invalid synchronous mode '${synchronous}': use NORMAL or FULL.`);
    }

    if (path !== ":memory:") createParentFolder(path);
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(path);
    } catch (error) {
      throw this.#storageError(error, "opening it");
    }
    this.#db = db;

    try {
      db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
      // Refuse a file we must not migrate before changing anything in it.
      this.#refuseForeignSchema(this.#schemaState());
      // Two processes switching a new file to WAL at once: SQLite answers one of them "locked"
      // at once, without waiting (deadlock avoidance), so wait for the other one here.
      whileLocked(busyTimeoutMs, () => db.exec("PRAGMA journal_mode = WAL"));
      db.exec(`PRAGMA synchronous = ${synchronous}`);
      db.exec("PRAGMA foreign_keys = ON");
      this.#begin = db.prepare("BEGIN IMMEDIATE");
      this.#commit = db.prepare("COMMIT");
      this.#rollback = db.prepare("ROLLBACK");
      // The migration transaction also proves the file is writable before the first tool call.
      whileLocked(busyTimeoutMs, () => this.#migrate());

      this.#beginRead = db.prepare("BEGIN");
      this.#savepoint = db.prepare("SAVEPOINT queued_write");
      this.#rollbackToSavepoint = db.prepare("ROLLBACK TO queued_write");
      this.#releaseSavepoint = db.prepare("RELEASE queued_write");
      this.#insertInstance = db.prepare(
        `INSERT INTO workflow_instances (${INSTANCE_COLUMNS})
         VALUES (?, ?, ?, ?, ?, ?, 1, 1, ?, ?, ?)`,
      );
      this.#insertHistory = db.prepare(
        `INSERT INTO workflow_history (${HISTORY_COLUMNS})
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      this.#selectInstance = db.prepare(
        `SELECT ${INSTANCE_COLUMNS} FROM workflow_instances WHERE id = ?`,
      );
      this.#instanceExists = db.prepare("SELECT 1 AS found FROM workflow_instances WHERE id = ?");
      // Most transitions keep the status. Not assigning it then keeps SQLite from rewriting the
      // status listing indexes (it rewrites an index whenever one of its columns is assigned,
      // even to the same value), so the commit writes only the row and its history.
      this.#advanceInstance = db.prepare(
        `UPDATE workflow_instances
         SET current_step = ?, context = ?, updated_at = ?,
             version = version + 1, history_length = history_length + 1
         WHERE id = ? AND version = ? AND status = ?
         RETURNING workflow_name, definition_hash, version, history_length, created_at,
                   completed_at`,
      );
      this.#updateInstance = db.prepare(
        `UPDATE workflow_instances
         SET status = ?, current_step = ?, context = ?, updated_at = ?,
             completed_at = CASE WHEN ? THEN coalesce(completed_at, ?) ELSE NULL END,
             version = version + 1, history_length = history_length + 1
         WHERE id = ? AND version = ?
         RETURNING workflow_name, definition_hash, version, history_length, created_at,
                   completed_at`,
      );
      this.#lastHistory = db.prepare(
        `SELECT ${HISTORY_COLUMNS} FROM workflow_history
         WHERE instance_id = ? ORDER BY seq DESC LIMIT 1`,
      );
      this.#historyPage = db.prepare(
        `SELECT ${HISTORY_COLUMNS} FROM workflow_history
         WHERE instance_id = ? ORDER BY seq LIMIT ? OFFSET ?`,
      );
      this.#historyLength = db.prepare(
        "SELECT history_length FROM workflow_instances WHERE id = ?",
      );
      this.#recentHistory = db.prepare(
        `SELECT ${HISTORY_COLUMNS} FROM workflow_history
         WHERE instance_id = ? ORDER BY seq DESC LIMIT ?`,
      );
      this.#insertDefinition = db.prepare(
        `INSERT INTO workflow_definitions (hash, workflow_name, body, created_at)
         VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING`,
      );
      this.#selectDefinition = db.prepare("SELECT body FROM workflow_definitions WHERE hash = ?");
      const where: Record<ListKey, string> = {
        "": "",
        w: "WHERE workflow_name = ?",
        s: "WHERE status = ?",
        ws: "WHERE workflow_name = ? AND status = ?",
      };
      const keys: ListKey[] = ["", "w", "s", "ws"];
      this.#listInstances = Object.fromEntries(keys.map((key) => [
        key,
        db.prepare(
          `SELECT ${INSTANCE_COLUMNS} FROM workflow_instances ${where[key]}
           ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
        ),
      ])) as Record<ListKey, StatementSync>;
      this.#countInstances = Object.fromEntries(keys.map((key) => [
        key,
        db.prepare(`SELECT coalesce(SUM(n), 0) AS n FROM workflow_instance_counts ${where[key]}`),
      ])) as Record<ListKey, StatementSync>;
    } catch (error) {
      const translated = this.#storageError(error, "opening it");
      db.close();
      throw translated;
    }
  }

  /**
   * Insert a new instance (version 1) and its first history entry (seq 1) atomically; resolves
   * once committed.
   */
  createInstance(
    init: { id: string; workflowName: string; definitionHash: string } & InstanceChange,
    entry: NewHistoryEntry,
  ): Promise<Instance> {
    return this.#write(`creating instance '${init.id}'`, () => {
      const now = nowIso();
      const contextJson = JSON.stringify(init.context);
      const completedAt = FINISHED_STATUSES.has(init.status) ? now : null;
      this.#insertInstance.run(
        init.id,
        init.workflowName,
        init.definitionHash,
        init.status,
        init.currentStep,
        contextJson,
        now,
        now,
        completedAt,
      );
      this.#appendHistory(init.id, 1, entry, now);
      return {
        id: init.id,
        workflowName: init.workflowName,
        definitionHash: init.definitionHash,
        status: init.status,
        currentStep: init.currentStep,
        // Parsed back from what was stored, so it equals what `getInstance` will return.
        context: JSON.parse(contextJson) as JsonObject,
        version: 1,
        historyLength: 1,
        createdAt: now,
        updatedAt: now,
        completedAt,
      };
    });
  }

  /** The instance with this id, or `undefined`. */
  getInstance(id: string): Instance | undefined {
    return this.#read(`reading instance '${id}'`, () => {
      const row = this.#selectInstance.get(id);
      return row === undefined ? undefined : instanceFromRow(row);
    });
  }

  /**
   * Apply `change` and append `entry` atomically, only if the instance is still at
   * `expectedVersion`; resolves with the instance as written, once committed.
   * @throws {ConflictError} another call moved the version first
   * @throws {UnknownInstanceError} no instance with this id
   */
  applyTransition(
    id: string,
    expectedVersion: number,
    change: InstanceChange,
    entry: NewHistoryEntry,
  ): Promise<Instance> {
    return this.#write(`advancing instance '${id}'`, () => {
      const { row, contextJson, now } = this.#transitionNow(id, expectedVersion, change, entry);
      return instanceFromRow({
        ...row,
        id,
        status: change.status,
        current_step: change.currentStep,
        context: contextJson,
        updated_at: now,
      });
    });
  }

  /**
   * Read the instance inside the next group commit's write transaction, let `plan` decide, and
   * apply the transition it returns in the same transaction: no other writer can come between the
   * read and the write, and the read needs no transaction of its own.
   */
  transition<T>(id: string, plan: (instance: Instance) => PlannedTransition<T>): Promise<T> {
    return this.#write(`advancing instance '${id}'`, () => {
      const instance = this.getInstance(id);
      if (instance === undefined) throw new UnknownInstanceError(id);
      const planned = plan(instance);
      if (planned.change) {
        this.#transitionNow(id, instance.version, planned.change, planned.entry);
      }
      return planned.value;
    });
  }

  /** Write a transition in the current transaction; the `RETURNING` row and what was written. */
  #transitionNow(
    id: string,
    expectedVersion: number,
    change: InstanceChange,
    entry: NewHistoryEntry,
  ): { row: Record<string, SQLOutputValue>; contextJson: string; now: string } {
    const now = nowIso();
    const contextJson = JSON.stringify(change.context);
    const finished = FINISHED_STATUSES.has(change.status) ? 1 : 0;
    const row = this.#advanceInstance.get(
      change.currentStep,
      contextJson,
      now,
      id,
      expectedVersion,
      change.status,
    ) ?? this.#updateInstance.get(
      change.status,
      change.currentStep,
      contextJson,
      now,
      finished,
      now,
      id,
      expectedVersion,
    );
    if (row === undefined) {
      throw this.#instanceExists.get(id) === undefined
        ? new UnknownInstanceError(id)
        : new ConflictError(id);
    }
    this.#appendHistory(id, Number(row.history_length), entry, now);
    return { row, contextJson, now };
  }

  /** The entry with the highest `seq`, or `undefined` when there is none. */
  lastHistoryEntry(id: string): HistoryEntry | undefined {
    return this.#read(`reading the history of instance '${id}'`, () => {
      const row = this.#lastHistory.get(id);
      return row === undefined ? undefined : historyFromRow(row);
    });
  }

  /** A page of history in `seq` order; `total` is the instance's history length (0 if unknown). */
  listHistory(
    id: string,
    page: { limit: number; offset: number },
  ): { entries: HistoryEntry[]; total: number } {
    checkPage(page.limit, page.offset);
    return this.#snapshot(`reading the history of instance '${id}'`, () => {
      const lengthRow = this.#historyLength.get(id);
      const total = lengthRow === undefined ? 0 : Number(lengthRow.history_length);
      const entries = this.#historyPage.all(id, page.limit, page.offset).map(historyFromRow);
      return { entries, total };
    });
  }

  /** The last `count` entries, oldest first. */
  recentHistory(id: string, count: number): HistoryEntry[] {
    if (!Number.isInteger(count) || count < 0) {
      throw new InvalidInputError(`History count must be a whole number, 0 or more; got ${count}.`);
    }
    if (count === 0) return [];
    return this.#read(
      `reading the history of instance '${id}'`,
      () => this.#recentHistory.all(id, count).map(historyFromRow).reverse(),
    );
  }

  /**
   * Instances newest first (`createdAt` desc, then id desc: immutable, so offset pages stay stable
   * while runs advance), filtered, with the filtered total.
   */
  listInstances(query: InstanceQuery): { instances: Instance[]; total: number } {
    checkPage(query.limit, query.offset, MAX_PAGE_SIZE);
    const params: SQLInputValue[] = [];
    let key: ListKey = "";
    if (query.workflowName !== undefined) {
      params.push(query.workflowName);
      key = "w";
    }
    if (query.status !== undefined) {
      params.push(query.status);
      key = key === "w" ? "ws" : "s";
    }
    return this.#snapshot("listing instances", () => {
      const countRow = this.#countInstances[key].get(...params);
      const total = countRow === undefined ? 0 : Number(countRow.n);
      const instances = this.#listInstances[key]
        .all(...params, query.limit, query.offset)
        .map(instanceFromRow);
      return { instances, total };
    });
  }

  /** Store a definition under its hash; a hash already stored is left as it is. */
  pinDefinition(hash: string, workflowName: string, definitionJson: string): Promise<void> {
    return this.#write(`pinning definition ${hash}`, () => {
      this.#insertDefinition.run(hash, workflowName, definitionJson, nowIso());
    });
  }

  /** The stored definition JSON for `hash`, or `undefined`. */
  pinnedDefinition(hash: string): string | undefined {
    return this.#read(`reading definition ${hash}`, () => {
      const row = this.#selectDefinition.get(hash);
      return row === undefined ? undefined : String(row.body);
    });
  }

  /**
   * Commit the writes still queued, then close the connection (idempotent); later calls fail with
   * a `StorageError`.
   */
  close(): void {
    if (this.#closed) return;
    this.#flush();
    this.#closed = true;
    try {
      // Keeps the query planner's statistics fresh for the next start. Only an optimization:
      // when another process holds the write lock it is skipped rather than failing the close.
      this.#db.exec("PRAGMA optimize");
    } catch {
      // Nothing to report: the data is already committed.
    }
    this.#db.close();
  }

  #appendHistory(id: string, seq: number, entry: NewHistoryEntry, now: string): void {
    const d = entry.decision;
    this.#insertHistory.run(
      id,
      seq,
      entry.step,
      entry.report === null ? null : JSON.stringify(entry.report),
      entry.contextUpdates === null ? null : JSON.stringify(entry.contextUpdates),
      d.source,
      d.nextStep,
      d.reasoning ?? null,
      d.model ?? null,
      optionalInt(d.tokensIn),
      optionalInt(d.tokensOut),
      optionalInt(d.latencyMs),
      entry.statusAfter,
      entry.requestHash,
      now,
    );
  }

  /**
   * The schema version and whether any table exists, read in ONE statement (one snapshot): read
   * separately, another process's migration could commit between them and look like a foreign file.
   */
  #schemaState(): { version: number; hasTables: boolean } {
    const row = this.#db.prepare(
      `SELECT (SELECT user_version FROM pragma_user_version) AS version,
              EXISTS (SELECT 1 FROM sqlite_schema) AS has_tables`,
    ).get();
    return { version: Number(row?.version ?? 0), hasTables: Boolean(row?.has_tables) };
  }

  /** Refuse files we must not migrate: a newer schema, or tables some other program created. */
  #refuseForeignSchema({ version, hasTables }: { version: number; hasTables: boolean }): void {
    if (version === 0 && hasTables) {
      throw new StorageError(
        `The database ${this.path} already has tables but no schema version: it was created by ` +
          `another program (perhaps the original Python orchestrator, whose files this server ` +
          `does not import). Point WORKFLOW_DB_PATH at a new file; this one is left unchanged.`,
      );
    }
    if (version > SCHEMA_VERSION) {
      throw new StorageError(
        `The database ${this.path} has schema version ${version}, but this server only knows ` +
          `versions up to ${SCHEMA_VERSION}: it was written by a newer orchestrator-mcp-server. ` +
          `Upgrade the server, or point WORKFLOW_DB_PATH at another file.`,
      );
    }
  }

  /** Apply pending migrations in one write transaction (re-reading the version under the lock). */
  #migrate(): void {
    this.#begin.run();
    try {
      const state = this.#schemaState();
      this.#refuseForeignSchema(state);
      const { version } = state;
      for (let v = version; v < SCHEMA_VERSION; v++) {
        const migration = MIGRATIONS[v];
        if (migration === undefined) throw new StorageError(`Missing migration ${v + 1}.`);
        try {
          this.#db.exec(migration.sql);
        } catch (error) {
          throw new StorageError(
            `Migrating the database ${this.path} to schema version ${v + 1} ` +
              `(${migration.description}) failed: ${messageOf(error)}. The file is unchanged.`,
            { cause: error },
          );
        }
      }
      if (version < SCHEMA_VERSION) this.#db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
      this.#commit.run();
    } catch (error) {
      this.#rollbackQuietly();
      throw error;
    }
  }

  #ensureOpen(): void {
    if (this.#closed) {
      throw new StorageError(`The store for ${this.path} is closed; open it again with openStore.`);
    }
  }

  /**
   * Queue `apply` for the next group commit, a microtask queued by the first write: it runs after
   * the microtasks already queued, so the writes of requests dispatched together (one stdio chunk
   * holding several) share one `COMMIT` instead of paying one each, and a lone write is committed
   * without waiting for another event-loop iteration. The promise settles only after that
   * `COMMIT`, so no caller answers its client before its change is durable.
   */
  #write<T>(what: string, apply: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#ensureOpen();
      this.#queue.push({ what, apply, resolve: resolve as (value: unknown) => void, reject });
      if (this.#queue.length === 1) queueMicrotask(() => this.#flush());
    });
  }

  /**
   * Commit every queued write in one `BEGIN IMMEDIATE` … `COMMIT` (the lock also orders us with
   * other processes), then settle the callers. In a batch of several, each write runs in its own
   * savepoint: one that fails (a version conflict) is rolled back alone and the others commit.
   * When `BEGIN` or `COMMIT` fails, or SQLite abandoned the transaction, no write of the batch was
   * kept and every caller gets the error.
   */
  #flush(): void {
    const batch = this.#queue;
    if (batch.length === 0 || this.#closed) return;
    this.#queue = [];
    let outcomes: Outcome[];
    try {
      this.#begin.run();
      outcomes = batch.length === 1
        ? [{ ok: true, value: batch[0]!.apply() }]
        : batch.map((write) => this.#applyInSavepoint(write));
      this.#commit.run();
    } catch (error) {
      this.#rollbackQuietly();
      for (const write of batch) write.reject(this.#storageError(error, write.what));
      return;
    }
    batch.forEach((write, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.error);
    });
  }

  /** Apply one write of a batch in a savepoint; throws only when the whole transaction is lost. */
  #applyInSavepoint(write: QueuedWrite): Outcome {
    this.#savepoint.run();
    try {
      const value = write.apply();
      this.#releaseSavepoint.run();
      return { ok: true, value };
    } catch (error) {
      if (!this.#db.isTransaction) throw error;
      this.#rollbackToSavepoint.run();
      this.#releaseSavepoint.run();
      return { ok: false, error: this.#storageError(error, write.what) };
    }
  }

  /** Run several reads on one consistent snapshot. */
  #snapshot<T>(what: string, fn: () => T): T {
    this.#ensureOpen();
    try {
      this.#beginRead.run();
      const result = fn();
      this.#commit.run();
      return result;
    } catch (error) {
      this.#rollbackQuietly();
      throw this.#storageError(error, what);
    }
  }

  #read<T>(what: string, fn: () => T): T {
    this.#ensureOpen();
    try {
      return fn();
    } catch (error) {
      throw this.#storageError(error, what);
    }
  }

  #rollbackQuietly(): void {
    if (!this.#db.isTransaction) return;
    try {
      this.#rollback.run();
    } catch {
      // The error that made us roll back is the one worth reporting; SQLite has already
      // rolled back whatever it could not keep.
    }
  }

  /** Our own errors pass through; SQLite and file-system errors become actionable StorageErrors. */
  #storageError(error: unknown, what: string): OrchestratorError {
    if (error instanceof OrchestratorError) return error;
    const message = messageOf(error);
    const options = { cause: error };
    const path = this.path;
    if (LOCKED.test(message)) {
      return new DatabaseLockedError(
        `The database is locked by another process for more than ${this.#busyTimeoutMs} ms: ` +
          `${path} (while ${what}). Another server or tool is writing to it; retry shortly, or ` +
          `stop the other process.`,
        options,
      );
    }
    if (/file is not a database|malformed|file is encrypted/i.test(message)) {
      return new StorageError(
        `${path} is not a usable SQLite database (${message}). Point WORKFLOW_DB_PATH at another ` +
          `file, or move this one away so a fresh database is created.`,
        options,
      );
    }
    if (/readonly database|read-only/i.test(message)) {
      return new StorageError(
        `Cannot write the database ${path} (${message}). Make the file and its folder writable ` +
          `by this user (SQLite also writes ${path}-wal and ${path}-shm beside it), or point ` +
          `WORKFLOW_DB_PATH elsewhere.`,
        options,
      );
    }
    if (/unable to open database file|cannot open|permission denied/i.test(message)) {
      return new StorageError(
        `Cannot open the database ${path} (${message}). Check that its folder exists and that ` +
          `this user may read and write both the file and the folder, or point WORKFLOW_DB_PATH ` +
          `elsewhere.`,
        options,
      );
    }
    if (/disk is full|disk I\/O error/i.test(message)) {
      return new StorageError(
        `The database ${path} could not be written (${message}) while ${what}. Free disk space ` +
          `or check the device, then retry.`,
        options,
      );
    }
    if (/UNIQUE constraint failed: workflow_instances\.id/.test(message)) {
      return new StorageError(`Cannot create an instance: ${what} failed, the id is already used.`);
    }
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      return new StorageError(`Cannot access the database ${path}: ${message}`, options);
    }
    return new StorageError(`Database error on ${path} while ${what}: ${message}`, options);
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

function checkPage(limit: number, offset: number, maxLimit?: number): void {
  if (!Number.isInteger(limit) || limit < 1 || (maxLimit !== undefined && limit > maxLimit)) {
    throw new InvalidInputError(
      `Page limit must be a whole number from 1${
        maxLimit === undefined ? "" : ` to ${maxLimit}`
      }; ` +
        `got ${limit}.`,
    );
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new InvalidInputError(`Page offset must be a whole number, 0 or more; got ${offset}.`);
  }
}

function optionalInt(value: number | undefined): number | null {
  return value === undefined ? null : Math.round(value);
}

const LOCKED = /database is locked|database table is locked|database is busy/i;

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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
