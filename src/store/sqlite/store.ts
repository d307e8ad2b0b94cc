/**
 * The SQLite implementation of `Store` on `node:sqlite` (the embedded default): one connection,
 * statements prepared once, writes group-committed (`group_commit.ts`). A transition reads the run
 * inside the write transaction (`BEGIN IMMEDIATE` also orders us with other processes), so two
 * concurrent advances of one instance — from this process or another, in one batch or not — end
 * with exactly one winner; the other gets a `ConflictError` or its plan's refusal.
 *
 * @example
 * ```ts
 * import { openSqliteStore } from "./store.ts";
 * const store = openSqliteStore("./data/workflows.sqlite");
 * const instance = await store.getInstance("0b6e…");
 * await store.close();
 * ```
 * @module
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { DuplicateInstanceError, StorageError, UnknownInstanceError } from "../../errors.ts";
import { type JsonObject, jsonText } from "../../json.ts";
import { checkCount, checkPage } from "../paging.ts";
import { historyFromRow, instanceFromRow, instanceValues, nowIso } from "../rows.ts";
import { checkPruneQuery } from "../prune.ts";
import { instancePageSql } from "../instance_page.ts";
import {
  FINISHED_STATUSES,
  type FreeSpace,
  type HistoryEntry,
  type Instance,
  type InstanceChange,
  type InstancePageQuery,
  type InstanceQuery,
  MAX_PAGE_SIZE,
  type NewHistoryEntry,
  type PlannedTransition,
  type PruneQuery,
  type RunSnapshot,
  type Store,
  type StoredRun,
} from "../types.ts";
import { checkStoredRun } from "../stored_run.ts";
import { type DatabaseLabel, sqliteError } from "./errors.ts";
import { Checkpointer } from "./checkpointer.ts";
import { GroupCommit } from "./group_commit.ts";
import { openDatabase, rollbackQuietly, type SqliteOptions, sqliteSettings } from "./open.ts";
import { reclaimFreePages } from "./space.ts";
import { RunWrites } from "./run_writes.ts";
import { type ListKey, prepareStatements, pruneParams, type Statements } from "./statements.ts";

export type { SqliteOptions } from "./open.ts";
export { DatabaseLockedError } from "./errors.ts";

/**
 * Open (creating if needed) the SQLite database at `path` and bring its schema up to date.
 * `":memory:"` gives a private in-memory database (for tests).
 * @throws {StorageError} the folder cannot be created, the file is not a database, is read-only,
 * is locked for longer than the busy timeout, or was written by a newer server.
 */
export function openSqliteStore(path: string, options: SqliteOptions = {}): SqliteStore {
  return new SqliteStore(path, options);
}

/** `Store` backed by one `node:sqlite` connection. Not safe to share across workers; open one each. */
export class SqliteStore implements Store {
  readonly kind = "sqlite";
  /** The database file this store was opened on. */
  readonly path: string;
  readonly location: string;
  readonly #label: DatabaseLabel;
  readonly #db: DatabaseSync;
  readonly #sql: Statements;
  readonly #runs: RunWrites;
  readonly #commits: GroupCommit;
  /** `pageInstances` statements by the filters they have, prepared on first use. */
  readonly #pages = new Map<string, StatementSync>();
  readonly #checkpoints: Checkpointer;
  #closed = false;
  #closing: Promise<void> | undefined;

  /** Prefer `openSqliteStore`; this opens, configures and migrates the database at `path`. */
  constructor(path: string, options: SqliteOptions = {}) {
    const { synchronous, ...label } = sqliteSettings(path, options);
    this.path = this.location = path;
    this.#label = label;
    this.#db = openDatabase(label, synchronous);
    try {
      this.#sql = prepareStatements(this.#db);
      this.#runs = new RunWrites(this.#sql);
      this.#checkpoints = new Checkpointer(this.#db, { path, synchronous });
      this.#commits = new GroupCommit(this.#db, label, () => this.#checkpoints.committed());
    } catch (error) {
      this.#db.close();
      throw sqliteError(error, label, "opening it");
    }
  }

  createInstance(
    init: { id: string; workflowName: string; definitionHash: string } & InstanceChange,
    entry: NewHistoryEntry,
  ): Promise<Instance> {
    return this.#write(`creating instance '${init.id}'`, () => {
      if (this.#sql.instanceExists.get(init.id) !== undefined) {
        throw new DuplicateInstanceError(init.id);
      }
      const now = nowIso();
      const contextJson = jsonText(init.context);
      const completedAt = FINISHED_STATUSES.has(init.status) ? now : null;
      this.#sql.insertInstance.run(
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
      this.#runs.appendHistory(init.id, 1, entry, now);
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

  getInstance(id: string): Promise<Instance | undefined> {
    return this.#read(`reading instance '${id}'`, () => this.#instance(id));
  }

  applyTransition(
    id: string,
    expectedVersion: number,
    change: InstanceChange,
    entry: NewHistoryEntry,
  ): Promise<Instance> {
    return this.#write(`advancing instance '${id}'`, () => {
      const { row, contextJson, now } = this.#runs.transitionNow(
        id,
        expectedVersion,
        change,
        entry,
      );
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
   * Read the run inside the next group commit's write transaction, let `plan` decide, and apply
   * the transition it returns in the same transaction: no other writer can come between the read
   * and the write, and the read needs no transaction of its own. The last history entry is read
   * only if the plan looks at it (a retry or a refusal), not on every advance.
   */
  transition<T>(id: string, plan: (run: RunSnapshot) => PlannedTransition<T>): Promise<T> {
    return this.#write(`advancing instance '${id}'`, () => {
      const instance = this.#instance(id);
      if (instance === undefined) throw new UnknownInstanceError(id);
      const planned = plan(this.#runs.snapshot(instance));
      if (planned.change) this.#runs.writeTransition(instance, planned.change, planned.entry);
      return planned.value;
    });
  }

  lastHistoryEntry(id: string): Promise<HistoryEntry | undefined> {
    return this.#read(`reading the history of instance '${id}'`, () => {
      const row = this.#sql.lastHistory.get(id);
      return row === undefined ? undefined : historyFromRow(row);
    });
  }

  listHistory(
    id: string,
    page: { limit: number; offset: number },
  ): Promise<{ entries: HistoryEntry[]; total: number }> {
    return this.#consistently(`reading the history of instance '${id}'`, () => {
      checkPage(page.limit, page.offset);
      const lengthRow = this.#sql.historyLength.get(id);
      const total = lengthRow === undefined ? 0 : Number(lengthRow.history_length);
      const entries = this.#sql.historyPage.all(id, page.limit, page.offset).map(historyFromRow);
      return { entries, total };
    });
  }

  recentHistory(id: string, count: number): Promise<HistoryEntry[]> {
    return this.#read(`reading the history of instance '${id}'`, () => {
      checkCount(count);
      if (count === 0) return [];
      return this.#sql.recentHistory.all(id, count).map(historyFromRow).reverse();
    });
  }

  listInstances(query: InstanceQuery): Promise<{ instances: Instance[]; total: number }> {
    return this.#consistently("listing instances", () => {
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
      const countRow = this.#sql.countInstances[key].get(...params);
      const total = countRow === undefined ? 0 : Number(countRow.n);
      const instances = this.#sql.listInstances[key]
        .all(...params, query.limit, query.offset)
        .map(instanceFromRow);
      return { instances, total };
    });
  }

  pageInstances(query: InstancePageQuery): Promise<Instance[]> {
    return this.#read("listing instances", () => {
      const { key, sql, values } = instancePageSql(query, () => "?");
      let statement = this.#pages.get(key);
      if (statement === undefined) {
        statement = this.#db.prepare(sql);
        this.#pages.set(key, statement);
      }
      return statement.all(...values).map(instanceFromRow);
    });
  }

  pinDefinition(hash: string, workflowName: string, definitionJson: string): Promise<void> {
    return this.#write(`pinning definition ${hash}`, () => {
      this.#sql.insertDefinition.run(hash, workflowName, definitionJson, nowIso());
    });
  }

  pinnedDefinition(hash: string): Promise<string | undefined> {
    return this.#read(`reading definition ${hash}`, () => {
      const row = this.#sql.selectDefinition.get(hash);
      return row === undefined ? undefined : String(row.body);
    });
  }

  importRun(run: StoredRun): Promise<boolean> {
    const { instance, history, definition } = run;
    try {
      checkStoredRun(run);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#write(`importing run '${instance.id}'`, () => {
      if (this.#sql.instanceExists.get(instance.id) !== undefined) return false;
      this.#sql.importInstance.run(...instanceValues(instance));
      for (const entry of history) {
        this.#runs.appendHistory(instance.id, entry.seq, entry, entry.createdAt);
      }
      if (definition) {
        this.#sql.insertDefinition.run(
          definition.hash,
          definition.workflowName,
          definition.body,
          nowIso(),
        );
      }
      return true;
    });
  }

  listPrunable(query: PruneQuery): Promise<{ instances: Instance[]; total: number }> {
    return this.#consistently("listing the runs to prune", () => {
      checkPruneQuery(query);
      const { key, values } = pruneParams(query);
      const countRow = this.#sql.countPrunable[key].get(...values);
      const instances = this.#sql.listPrunable[key].all(...values, query.limit)
        .map(instanceFromRow);
      return { instances, total: countRow === undefined ? 0 : Number(countRow.n) };
    });
  }

  /** One `DELETE` in the next group commit (history goes by its foreign key's cascade). */
  pruneRuns(query: PruneQuery): Promise<{ deleted: string[] }> {
    try {
      checkPruneQuery(query);
    } catch (error) {
      return Promise.reject(error);
    }
    const { key, values } = pruneParams(query);
    return this.#write("pruning finished runs", () => ({
      deleted: this.#sql.pruneRuns[key].all(...values, query.limit).map((row) => String(row.id)),
    }));
  }

  /** See `reclaimFreePages`: run in the next group commit, so no other write comes between. */
  reclaimSpace(): Promise<FreeSpace> {
    return this.#write("reclaiming free space", () => reclaimFreePages(this.#db));
  }

  /**
   * Commit the writes still queued, then close the connection (idempotent); later calls fail with
   * a `StorageError`.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#commits.flush();
    this.#closed = true;
    // Without a checkpointing worker (most stores) the connection is closed before this returns.
    this.#closing = this.#checkpoints.running
      ? this.#checkpoints.stop().then(() => this.#closeConnection())
      : Promise.resolve(this.#closeConnection());
    return this.#closing;
  }

  #closeConnection(): void {
    try {
      // Keeps the query planner's statistics fresh for the next start. Only an optimization:
      // when another process holds the write lock it is skipped rather than failing the close.
      this.#db.exec("PRAGMA optimize");
    } catch {
      // Nothing to report: the data is already committed.
    }
    this.#db.close();
  }

  #instance(id: string): Instance | undefined {
    const row = this.#sql.selectInstance.get(id);
    return row === undefined ? undefined : instanceFromRow(row);
  }

  #ensureOpen(): void {
    if (this.#closed) {
      throw new StorageError(
        `The store for ${this.path} is closed; open it again with openSqliteStore.`,
      );
    }
  }

  #write<T>(what: string, apply: () => T): Promise<T> {
    try {
      this.#ensureOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#commits.write(what, apply);
  }

  /** Run several reads on one consistent snapshot. */
  #consistently<T>(what: string, fn: () => T): Promise<T> {
    return this.#read(what, () => {
      this.#db.exec("BEGIN");
      try {
        const result = fn();
        this.#db.exec("COMMIT");
        return result;
      } catch (error) {
        rollbackQuietly(this.#db);
        throw error;
      }
    });
  }

  #read<T>(what: string, fn: () => T): Promise<T> {
    try {
      this.#ensureOpen();
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(sqliteError(error, this.#label, what));
    }
  }
}
