/**
 * The PostgreSQL implementation of `Store`, for several server replicas sharing one database: a
 * connection pool, one statement (one round trip, one snapshot) per read or write, and per-run
 * transitions serialized by the version check in the database. A transition reads the run, plans,
 * and writes on condition that the version is still the one it read; when another writer (in
 * this process or another replica) moved it first, it reads and plans again, so the result is the
 * one the plan would give under a lock.
 *
 * @example
 * ```ts
 * import { openPostgresStore } from "./store.ts";
 * const store = await openPostgresStore("postgres://app@db:5432/workflows", { poolSize: 10 });
 * const instance = await store.getInstance("0b6e…");
 * await store.close();
 * ```
 * @module
 */
import {
  ConflictError,
  DuplicateInstanceError,
  StorageError,
  UnknownInstanceError,
} from "../../errors.ts";
import { jsonText } from "../../json.ts";
import { checkCount, checkPage } from "../paging.ts";
import { checkPruneQuery, pruneFilterValues } from "../prune.ts";
import { instancePageSql } from "../instance_page.ts";
import {
  type ColumnValue,
  countFromRow,
  historyEntryValues,
  historyFromRow,
  instanceFromRow,
  type Row,
} from "../rows.ts";
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
import { answeredWithin } from "./answer_deadline.ts";
import { type DatabaseTarget, postgresError } from "./errors.ts";
import { connectPool, databaseTarget, type Pool, type PostgresOptions } from "./open.ts";
import { insertRun } from "./import_run.ts";
import { RunCache } from "./run_cache.ts";
import * as SQL from "./statements.ts";

export { DatabaseBusyError, DatabaseUnavailableError } from "./errors.ts";
export type { PostgresOptions } from "./open.ts";

/**
 * How many times `transition` reads and plans again after other writers moved the run between its
 * read and its write, before it gives up with a `ConflictError`.
 */
const TRANSITION_ATTEMPTS = 10;

/** How many recently written runs each store keeps to advance them in one round trip. */
const RUN_CACHE_SIZE = 1024;

/** How long `close` lets in-flight queries finish before it drops the connections. */
const CLOSE_TIMEOUT_SECONDS = 5;

/**
 * How long a statement may go unanswered by default, in seconds. A server that stops answering
 * without closing its connections (frozen, or cut off by the network) would otherwise hold a
 * call until the operating system gives up on the connection, many minutes later. Every
 * statement is one indexed row or page: seconds mean the server is not answering (or is too
 * overloaded to be of use). The call then gets the retryable "unreachable" error.
 */
const ANSWER_TIMEOUT_SECONDS = 15;

/**
 * Connect to the PostgreSQL database at `url`, bring its schema up to date and return the store.
 * @throws {StorageError} the database cannot be reached or logged into, does not exist, or has a
 * newer schema: one line naming it (never with its password) and the fix
 */
export async function openPostgresStore(
  url: string,
  options: PostgresOptions,
): Promise<PostgresStore> {
  const target = databaseTarget(url);
  const answerTimeoutSeconds = options.answerTimeoutSeconds ?? ANSWER_TIMEOUT_SECONDS;
  return new PostgresStore(target, await connectPool(target, options), answerTimeoutSeconds);
}

/** The outcome of a conditional write. */
type WriteOutcome = { applied: Instance } | { applied: undefined; found: boolean };

/** `Store` on a PostgreSQL connection pool; safe to share across concurrent calls. */
export class PostgresStore implements Store {
  readonly kind = "postgres";
  readonly location: string;
  readonly #target: DatabaseTarget;
  readonly #sql: Pool;
  readonly #answerTimeoutSeconds: number;
  /** The runs this process wrote last (see `RunCache`). */
  readonly #runs = new RunCache(RUN_CACHE_SIZE);
  #closed = false;

  /** Prefer `openPostgresStore`, which connects and migrates first. */
  constructor(target: DatabaseTarget, sql: Pool, answerTimeoutSeconds = ANSWER_TIMEOUT_SECONDS) {
    this.#target = target;
    this.location = target.location;
    this.#sql = sql;
    this.#answerTimeoutSeconds = answerTimeoutSeconds;
  }

  async createInstance(
    init: { id: string; workflowName: string; definitionHash: string } & InstanceChange,
    entry: NewHistoryEntry,
  ): Promise<Instance> {
    const { contextJson, params } = changeParams(init);
    const entryValues = historyEntryValues(entry);
    const [row] = await this.#query(`creating instance '${init.id}'`, true, SQL.CREATE_INSTANCE, [
      init.id,
      init.workflowName,
      init.definitionHash,
      ...params,
      ...entryValues,
    ]);
    if (row === undefined) {
      throw new DuplicateInstanceError(init.id);
    }
    const created = instanceFromRow({
      id: init.id,
      workflow_name: init.workflowName,
      definition_hash: init.definitionHash,
      status: init.status,
      current_step: init.currentStep,
      context: contextJson,
      version: 1,
      history_length: 1,
      created_at: row.created_at,
      updated_at: row.created_at,
      completed_at: FINISHED_STATUSES.has(init.status) ? row.created_at : null,
    });
    this.#runs.remember(created, entryValues);
    return created;
  }

  async getInstance(id: string): Promise<Instance | undefined> {
    const [row] = await this.#query(`reading instance '${id}'`, false, SQL.SELECT_INSTANCE, [id]);
    return row === undefined ? undefined : instanceFromRow(row);
  }

  async applyTransition(
    id: string,
    expectedVersion: number,
    change: InstanceChange,
    entry: NewHistoryEntry,
  ): Promise<Instance> {
    const outcome = await this.#write(id, expectedVersion, change, entry);
    if (outcome.applied) return outcome.applied;
    throw outcome.found ? new ConflictError(id) : new UnknownInstanceError(id);
  }

  /**
   * Read the run (one statement), let `plan` decide, and write on condition that the version is
   * still the one read (one statement): two round trips. When another writer moved the run in
   * between, read and plan again, so no write is ever based on a stale read.
   */
  async transition<T>(id: string, plan: (run: RunSnapshot) => PlannedTransition<T>): Promise<T> {
    const cached = this.#runs.get(id);
    if (cached !== undefined) {
      const written = await this.#transitionCached(cached, plan);
      if (written) return written.value;
    }
    for (let attempt = 1;; attempt++) {
      const run = await this.#readRun(id);
      if (run === undefined) throw new UnknownInstanceError(id);
      this.#runs.set(run);
      const planned = plan(run);
      if (!planned.change) return planned.value;
      const outcome = await this.#write(id, run.instance.version, planned.change, planned.entry);
      if (outcome.applied) return planned.value;
      if (!outcome.found) throw new UnknownInstanceError(id);
      if (attempt >= TRANSITION_ATTEMPTS) throw new ConflictError(id);
    }
  }

  /**
   * Plan on the run as this process last wrote it and write on condition of its version (one round
   * trip); `undefined` when that cannot settle the call: the plan wrote nothing or threw (it is
   * planned again on a fresh read) or another writer moved the run.
   */
  async #transitionCached<T>(
    cached: RunSnapshot,
    plan: (run: RunSnapshot) => PlannedTransition<T>,
  ): Promise<{ value: T } | undefined> {
    let planned: PlannedTransition<T>;
    try {
      planned = plan(cached);
    } catch {
      return undefined;
    }
    if (!planned.change) return undefined;
    const { id, version } = cached.instance;
    const outcome = await this.#write(id, version, planned.change, planned.entry);
    if (outcome.applied) return { value: planned.value };
    if (!outcome.found) throw new UnknownInstanceError(id);
    return undefined;
  }

  async lastHistoryEntry(id: string): Promise<HistoryEntry | undefined> {
    const what = `reading the history of instance '${id}'`;
    const [row] = await this.#query(what, false, SQL.LAST_HISTORY, [id]);
    return row === undefined ? undefined : historyFromRow(row);
  }

  async listHistory(
    id: string,
    page: { limit: number; offset: number },
  ): Promise<{ entries: HistoryEntry[]; total: number }> {
    this.#ensureOpen();
    checkPage(page.limit, page.offset);
    const what = `reading the history of instance '${id}'`;
    const rows = await this.#query(what, false, SQL.HISTORY_PAGE, [id, page.limit, page.offset]);
    return {
      entries: rows.filter((row) => row.seq !== null).map(historyFromRow),
      total: countFromRow(rows[0], "workflow_instances", "total"),
    };
  }

  async recentHistory(id: string, count: number): Promise<HistoryEntry[]> {
    this.#ensureOpen();
    checkCount(count);
    if (count === 0) return [];
    const what = `reading the history of instance '${id}'`;
    return (await this.#query(what, false, SQL.RECENT_HISTORY, [id, count])).map(historyFromRow);
  }

  async listInstances(query: InstanceQuery): Promise<{ instances: Instance[]; total: number }> {
    this.#ensureOpen();
    checkPage(query.limit, query.offset, MAX_PAGE_SIZE);
    const params: ColumnValue[] = [];
    let key: SQL.ListKey = "";
    if (query.workflowName !== undefined) {
      params.push(query.workflowName);
      key = "w";
    }
    if (query.status !== undefined) {
      params.push(query.status);
      key = key === "w" ? "ws" : "s";
    }
    const rows = await this.#query("listing instances", false, SQL.LIST_INSTANCES[key], [
      ...params,
      query.limit,
      query.offset,
    ]);
    return {
      instances: rows.filter((row) => row.id !== null).map(instanceFromRow),
      total: countFromRow(rows[0], "workflow_instance_counts", "total"),
    };
  }

  async pageInstances(query: InstancePageQuery): Promise<Instance[]> {
    const { sql, values } = instancePageSql(query, (n, type) => `$${n}::${type}`);
    const rows = await this.#query("listing instances", false, sql, values);
    return rows.map(instanceFromRow);
  }

  async pinDefinition(hash: string, workflowName: string, definitionJson: string): Promise<void> {
    await this.#query(`pinning definition ${hash}`, true, SQL.INSERT_DEFINITION, [
      hash,
      workflowName,
      definitionJson,
    ]);
  }

  async pinnedDefinition(hash: string): Promise<string | undefined> {
    const [row] = await this.#query(`reading definition ${hash}`, false, SQL.SELECT_DEFINITION, [
      hash,
    ]);
    return typeof row?.body === "string" ? row.body : undefined;
  }

  /**
   * Insert the run as given in one transaction: the instance (nothing when the id is used), every
   * history entry, and its pinned definition.
   */
  async importRun(run: StoredRun): Promise<boolean> {
    this.#ensureOpen();
    checkStoredRun(run);
    const what = `importing run '${run.instance.id}'`;
    try {
      return await insertRun(this.#sql, run);
    } catch (error) {
      throw postgresError(error, this.#target, { what, writes: true });
    }
  }

  async listPrunable(query: PruneQuery): Promise<{ instances: Instance[]; total: number }> {
    const rows = await this.#prune("listing the runs to prune", false, SQL.LIST_PRUNABLE, query);
    return {
      instances: rows.filter((row) => row.id !== null).map(instanceFromRow),
      total: countFromRow(rows[0], "workflow_instances", "total"),
    };
  }

  async pruneRuns(query: PruneQuery): Promise<{ deleted: string[] }> {
    const rows = await this.#prune("pruning finished runs", true, SQL.PRUNE_RUNS, query);
    const deleted = rows.map((row) => String(row.id));
    for (const id of deleted) this.#runs.delete(id);
    return { deleted };
  }

  /**
   * Nothing to do here: autovacuum makes the space of deleted rows reusable by new ones, and only
   * `VACUUM FULL` (which locks the tables) gives it back to the file system.
   */
  reclaimSpace(): Promise<FreeSpace> {
    try {
      this.#ensureOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve({ releasedBytes: 0, reusableBytes: null });
  }

  /**
   * Let in-flight queries finish (for up to a few seconds), then close every connection
   * (idempotent); later calls fail with a `StorageError`.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#sql.end({ timeout: CLOSE_TIMEOUT_SECONDS });
  }

  /** The run as one statement reads it: the instance and its last history entry. */
  async #readRun(id: string): Promise<RunSnapshot | undefined> {
    const [row] = await this.#query(`reading instance '${id}'`, false, SQL.READ_RUN, [id]);
    if (row === undefined) return undefined;
    const last: Row = {};
    for (const [column, value] of Object.entries(row)) {
      if (column.startsWith(SQL.LAST_PREFIX)) last[column.slice(SQL.LAST_PREFIX.length)] = value;
    }
    return {
      instance: instanceFromRow(row),
      last: last.seq === null ? undefined : historyFromRow(last),
    };
  }

  /** Write a transition if the instance is still at `expectedVersion`. */
  async #write(
    id: string,
    expectedVersion: number,
    change: InstanceChange,
    entry: NewHistoryEntry,
  ): Promise<WriteOutcome> {
    const { contextJson, params } = changeParams(change);
    const entryValues = historyEntryValues(entry);
    const [row] = await this.#query(`advancing instance '${id}'`, true, SQL.APPLY_TRANSITION, [
      id,
      expectedVersion,
      ...params,
      ...entryValues,
    ]);
    if (row === undefined) {
      this.#runs.delete(id);
      const what = `reading instance '${id}'`;
      const [exists] = await this.#query(what, false, SQL.INSTANCE_EXISTS, [id]);
      return { applied: undefined, found: exists?.found === true };
    }
    // The context is parsed back from what was sent, so it equals what `getInstance` returns.
    const applied = instanceFromRow({ ...row, context: contextJson });
    this.#runs.remember(applied, entryValues);
    return { applied };
  }

  #ensureOpen(): void {
    if (this.#closed) {
      throw new StorageError(
        `The store for ${this.location} is closed; open it again with openPostgresStore.`,
      );
    }
  }

  /** Check `query`, then run the statement of `statements` that serves it. */
  async #prune(
    what: string,
    writes: boolean,
    statements: Record<SQL.PruneKey, string>,
    query: PruneQuery,
  ): Promise<Row[]> {
    this.#ensureOpen();
    checkPruneQuery(query);
    const statement = statements[query.workflowName === undefined ? "" : "w"];
    return await this.#query(what, writes, statement, [...pruneFilterValues(query), query.limit]);
  }

  /**
   * Run one prepared statement; driver errors, and no answer within the answer timeout, become
   * actionable `StorageError`s.
   */
  async #query(
    what: string,
    writes: boolean,
    text: string,
    params: (ColumnValue | boolean)[],
  ): Promise<Row[]> {
    this.#ensureOpen();
    const query = this.#sql.unsafe(text, params, { prepare: true });
    try {
      return await answeredWithin(query, this.#answerTimeoutSeconds);
    } catch (error) {
      throw postgresError(error, this.#target, { what, writes });
    }
  }
}

/**
 * What every write binds for a change (status, current step, context as JSON, whether the status
 * is a finished one), and the JSON, from which the written instance's context is parsed back.
 */
function changeParams(change: InstanceChange): {
  contextJson: string;
  params: (ColumnValue | boolean)[];
} {
  const contextJson = jsonText(change.context);
  return {
    contextJson,
    params: [change.status, change.currentStep, contextJson, FINISHED_STATUSES.has(change.status)],
  };
}
