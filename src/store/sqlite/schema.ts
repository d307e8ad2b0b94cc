/**
 * The SQLite schema as a list of forward-only migrations. `PRAGMA user_version` holds the number of
 * migrations applied; migration `i` takes a database from version `i` to `i + 1`. Never edit a
 * released migration: append a new one.
 *
 * @example
 * ```ts
 * import { MIGRATIONS, SCHEMA_VERSION } from "./schema.ts";
 * console.log(SCHEMA_VERSION === MIGRATIONS.length); // true
 * ```
 * @module
 */

/** One schema step: SQL run inside the migration transaction. */
export interface Migration {
  /** What the migration does, for error messages. */
  description: string;
  /** The statements, run with `exec` inside the migration transaction. */
  sql: string;
}

/** Every migration, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    description: "create workflow_instances, workflow_history and workflow_definitions",
    sql: `
      CREATE TABLE workflow_instances (
        id              TEXT PRIMARY KEY NOT NULL,
        workflow_name   TEXT NOT NULL,
        definition_hash TEXT NOT NULL,
        status          TEXT NOT NULL
          CHECK (status IN ('RUNNING', 'SUSPENDED', 'COMPLETED', 'FAILED', 'CANCELLED')),
        current_step    TEXT NOT NULL,
        context         TEXT NOT NULL,
        version         INTEGER NOT NULL CHECK (version >= 1),
        history_length  INTEGER NOT NULL CHECK (history_length >= 0),
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        completed_at    TEXT
      );

      -- Listing is "newest first" with optional workflow/status filters; each index serves one
      -- filter combination in order, so a page costs O(log n + offset + limit).
      CREATE INDEX workflow_instances_by_updated
        ON workflow_instances (updated_at DESC, id DESC);
      CREATE INDEX workflow_instances_by_status
        ON workflow_instances (status, updated_at DESC, id DESC);
      CREATE INDEX workflow_instances_by_workflow
        ON workflow_instances (workflow_name, updated_at DESC, id DESC);
      CREATE INDEX workflow_instances_by_workflow_status
        ON workflow_instances (workflow_name, status, updated_at DESC, id DESC);

      -- A rowid table (not WITHOUT ROWID): rows carry the report and the replayable response,
      -- often several KB, and SQLite keeps large rows better in a table b-tree than in the
      -- index b-tree a WITHOUT ROWID table uses. The primary key is the (instance_id, seq) index.
      CREATE TABLE workflow_history (
        instance_id     TEXT NOT NULL
          REFERENCES workflow_instances (id) ON DELETE CASCADE,
        seq             INTEGER NOT NULL CHECK (seq >= 1),
        step_name       TEXT,
        report          TEXT,
        context_updates TEXT,
        decision_source TEXT NOT NULL,
        next_step       TEXT NOT NULL,
        reasoning       TEXT,
        model           TEXT,
        tokens_in       INTEGER,
        tokens_out      INTEGER,
        latency_ms      INTEGER,
        status_after    TEXT NOT NULL,
        request_hash    TEXT,
        response        TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        PRIMARY KEY (instance_id, seq)
      );

      CREATE TABLE workflow_definitions (
        hash          TEXT PRIMARY KEY NOT NULL,
        workflow_name TEXT NOT NULL,
        body          TEXT NOT NULL,
        created_at    TEXT NOT NULL
      );
    `,
  },
  {
    description: "keep instance counts per workflow and status for list_instances totals",
    sql: `
      -- COUNT(*) walks every matching index entry: at a million instances a listing's total cost
      -- more than the page itself. These counts are kept exact by triggers in the same
      -- transaction as each change, so a total is a sum over a few rows (workflows x statuses).
      CREATE TABLE workflow_instance_counts (
        workflow_name TEXT NOT NULL,
        status        TEXT NOT NULL,
        n             INTEGER NOT NULL CHECK (n >= 0),
        PRIMARY KEY (workflow_name, status)
      ) WITHOUT ROWID;

      INSERT INTO workflow_instance_counts (workflow_name, status, n)
        SELECT workflow_name, status, COUNT(*) FROM workflow_instances GROUP BY 1, 2;

      CREATE TRIGGER workflow_instances_counted_insert AFTER INSERT ON workflow_instances BEGIN
        INSERT INTO workflow_instance_counts (workflow_name, status, n)
          VALUES (new.workflow_name, new.status, 1)
          ON CONFLICT (workflow_name, status) DO UPDATE SET n = n + 1;
      END;

      CREATE TRIGGER workflow_instances_counted_delete AFTER DELETE ON workflow_instances BEGIN
        UPDATE workflow_instance_counts SET n = n - 1
          WHERE workflow_name = old.workflow_name AND status = old.status;
      END;

      -- Most advances keep the status: the WHEN clause makes those cost nothing here.
      CREATE TRIGGER workflow_instances_counted_update
        AFTER UPDATE OF workflow_name, status ON workflow_instances
        WHEN old.workflow_name IS NOT new.workflow_name OR old.status IS NOT new.status
      BEGIN
        UPDATE workflow_instance_counts SET n = n - 1
          WHERE workflow_name = old.workflow_name AND status = old.status;
        INSERT INTO workflow_instance_counts (workflow_name, status, n)
          VALUES (new.workflow_name, new.status, 1)
          ON CONFLICT (workflow_name, status) DO UPDATE SET n = n + 1;
      END;
    `,
  },
  {
    description: "list instances by creation time, so an advance rewrites only its own row",
    sql: `
      -- Listing by updated_at made every advance rewrite four index entries (several WAL pages
      -- per commit), and a run that advanced jumped between pages while a client paged through
      -- the list. created_at never changes, so an advance that keeps the status touches no index;
      -- "newest first" now means newest started, which also keeps offset paging stable.
      DROP INDEX workflow_instances_by_updated;
      DROP INDEX workflow_instances_by_status;
      DROP INDEX workflow_instances_by_workflow;
      DROP INDEX workflow_instances_by_workflow_status;
      CREATE INDEX workflow_instances_by_created
        ON workflow_instances (created_at DESC, id DESC);
      CREATE INDEX workflow_instances_by_status
        ON workflow_instances (status, created_at DESC, id DESC);
      CREATE INDEX workflow_instances_by_workflow
        ON workflow_instances (workflow_name, created_at DESC, id DESC);
      CREATE INDEX workflow_instances_by_workflow_status
        ON workflow_instances (workflow_name, status, created_at DESC, id DESC);
    `,
  },
  {
    description: "keep history in its (instance_id, seq) key order, without a rowid",
    sql: `
      -- Rows no longer carry the response (a retry's answer is rebuilt), so they are small and a
      -- WITHOUT ROWID table keyed by (instance_id, seq) holds them in one b-tree: each appended
      -- entry dirties one page instead of two (the rowid table's and its primary-key index's),
      -- a third of every advance's WAL frames. The always-empty response column is dropped.
      CREATE TABLE workflow_history_by_key (
        instance_id     TEXT NOT NULL
          REFERENCES workflow_instances (id) ON DELETE CASCADE,
        seq             INTEGER NOT NULL CHECK (seq >= 1),
        step_name       TEXT,
        report          TEXT,
        context_updates TEXT,
        decision_source TEXT NOT NULL,
        next_step       TEXT NOT NULL,
        reasoning       TEXT,
        model           TEXT,
        tokens_in       INTEGER,
        tokens_out      INTEGER,
        latency_ms      INTEGER,
        status_after    TEXT NOT NULL,
        request_hash    TEXT,
        created_at      TEXT NOT NULL,
        PRIMARY KEY (instance_id, seq)
      ) WITHOUT ROWID;

      INSERT INTO workflow_history_by_key
        SELECT instance_id, seq, step_name, report, context_updates, decision_source, next_step,
               reasoning, model, tokens_in, tokens_out, latency_ms, status_after, request_hash,
               created_at
        FROM workflow_history;

      DROP TABLE workflow_history;
      ALTER TABLE workflow_history_by_key RENAME TO workflow_history;
    `,
  },
  {
    description: "index finished runs by completion time, for pruning",
    sql: `
      -- prune and the retention setting delete the runs that finished before a cutoff, oldest
      -- first, a batch at a time: this index finds each batch without reading the other runs.
      -- Partial, so starting a run writes no entry here, and an advance (which never assigns
      -- completed_at) touches it no more than before; only finishing a run adds an entry.
      CREATE INDEX workflow_instances_by_completed
        ON workflow_instances (completed_at, id) WHERE completed_at IS NOT NULL;
    `,
  },
];

/** The schema version this build creates and understands (`PRAGMA user_version`). */
export const SCHEMA_VERSION: number = MIGRATIONS.length;
