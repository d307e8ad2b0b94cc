/**
 * The PostgreSQL schema as a list of forward-only migrations, the same tables as the SQLite
 * backend's final schema. `schema_version` holds the number of migrations applied; migration `i`
 * takes a database from version `i` to `i + 1`. Never edit a released migration: append one.
 *
 * @example
 * ```ts
 * import { MIGRATIONS, SCHEMA_VERSION } from "./schema.ts";
 * console.log(SCHEMA_VERSION === MIGRATIONS.length); // true
 * ```
 * @module
 */
import type { Migration } from "../sqlite/schema.ts";

export type { Migration } from "../sqlite/schema.ts";

/**
 * The `pg_advisory_xact_lock` key every server takes before migrating ("orchestr" in ASCII), so
 * replicas starting together migrate one after the other.
 */
export const MIGRATION_LOCK_KEY = "8030604373227860338";

/** Every migration, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    description: "create workflow_instances, workflow_history, workflow_definitions and the counts",
    sql: `
      CREATE TABLE schema_version (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        version   integer NOT NULL
      );

      -- Timestamps come from the database, so replicas with skewed clocks agree. One statement
      -- sees one statement_timestamp(), so an instance and its history entry get the same time.
      CREATE FUNCTION workflow_now_iso() RETURNS text LANGUAGE sql STABLE AS $$
        SELECT to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
      $$;

      -- COLLATE "C" on the keys: ids, names and ISO timestamps sort byte by byte, as in SQLite,
      -- whatever the database's locale. The context stays text, not jsonb: jsonb reorders keys.
      -- fillfactor leaves room in each page, so an advance (which changes no indexed column)
      -- is a HOT update that writes no index entry.
      CREATE TABLE workflow_instances (
        id              text COLLATE "C" PRIMARY KEY,
        workflow_name   text COLLATE "C" NOT NULL,
        definition_hash text NOT NULL,
        status          text COLLATE "C" NOT NULL
          CHECK (status IN ('RUNNING', 'SUSPENDED', 'COMPLETED', 'FAILED', 'CANCELLED')),
        current_step    text NOT NULL,
        context         text NOT NULL,
        version         integer NOT NULL CHECK (version >= 1),
        history_length  integer NOT NULL CHECK (history_length >= 0),
        created_at      text COLLATE "C" NOT NULL,
        updated_at      text NOT NULL,
        completed_at    text
      ) WITH (fillfactor = 85);

      -- Listing is "newest started first" with optional workflow/status filters; each index
      -- serves one filter combination in order, so a page costs O(log n + offset + limit).
      CREATE INDEX workflow_instances_by_created
        ON workflow_instances (created_at DESC, id DESC);
      CREATE INDEX workflow_instances_by_status
        ON workflow_instances (status, created_at DESC, id DESC);
      CREATE INDEX workflow_instances_by_workflow
        ON workflow_instances (workflow_name, created_at DESC, id DESC);
      CREATE INDEX workflow_instances_by_workflow_status
        ON workflow_instances (workflow_name, status, created_at DESC, id DESC);

      CREATE TABLE workflow_history (
        instance_id     text COLLATE "C" NOT NULL
          REFERENCES workflow_instances (id) ON DELETE CASCADE,
        seq             integer NOT NULL CHECK (seq >= 1),
        step_name       text,
        report          text,
        context_updates text,
        decision_source text NOT NULL,
        next_step       text NOT NULL,
        reasoning       text,
        model           text,
        tokens_in       integer,
        tokens_out      integer,
        latency_ms      integer,
        status_after    text NOT NULL,
        request_hash    text,
        created_at      text NOT NULL,
        PRIMARY KEY (instance_id, seq)
      );

      CREATE TABLE workflow_definitions (
        hash          text COLLATE "C" PRIMARY KEY,
        workflow_name text NOT NULL,
        body          text NOT NULL,
        created_at    text NOT NULL
      );

      -- Exact counts per workflow and status, kept by a trigger in the same transaction as each
      -- change, so a listing's total is a sum over a few rows instead of COUNT(*) over millions.
      -- Each connection counts in its own shard (backend pid modulo 16): with one row per
      -- (workflow, status), every start of a workflow would wait for the previous one's commit
      -- on that row. A shard may go negative (a run counted in one shard, finished in another);
      -- the sum over the shards is the exact count.
      CREATE TABLE workflow_instance_counts (
        workflow_name text COLLATE "C" NOT NULL,
        status        text COLLATE "C" NOT NULL,
        shard         smallint NOT NULL,
        n             bigint NOT NULL,
        PRIMARY KEY (workflow_name, status, shard)
      );

      CREATE FUNCTION workflow_instances_count(workflow text, status_ text, delta integer)
        RETURNS void LANGUAGE sql AS $$
        INSERT INTO workflow_instance_counts (workflow_name, status, shard, n)
          VALUES (workflow, status_, pg_backend_pid() % 16, delta)
          ON CONFLICT (workflow_name, status, shard)
          DO UPDATE SET n = workflow_instance_counts.n + excluded.n
      $$;

      -- A status change touches two count rows; taking them in key order means two opposite
      -- changes (finish one run, reopen another) cannot deadlock on them.
      CREATE FUNCTION workflow_instances_counted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM workflow_instances_count(NEW.workflow_name, NEW.status, 1);
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM workflow_instances_count(OLD.workflow_name, OLD.status, -1);
        ELSIF (OLD.workflow_name, OLD.status) < (NEW.workflow_name, NEW.status) THEN
          PERFORM workflow_instances_count(OLD.workflow_name, OLD.status, -1);
          PERFORM workflow_instances_count(NEW.workflow_name, NEW.status, 1);
        ELSE
          PERFORM workflow_instances_count(NEW.workflow_name, NEW.status, 1);
          PERFORM workflow_instances_count(OLD.workflow_name, OLD.status, -1);
        END IF;
        RETURN NULL;
      END
      $$;

      -- Pin the functions to this schema: a trigger runs with the search_path of whoever
      -- changes the table (an admin pruning from psql has another one).
      DO $$
      BEGIN
        EXECUTE format('ALTER FUNCTION workflow_instances_count(text, text, integer) '
                       'SET search_path = %I', current_schema());
        EXECUTE format('ALTER FUNCTION workflow_instances_counted() SET search_path = %I',
                       current_schema());
      END
      $$;

      CREATE TRIGGER workflow_instances_counted_insert_delete
        AFTER INSERT OR DELETE ON workflow_instances
        FOR EACH ROW EXECUTE FUNCTION workflow_instances_counted();

      -- Most advances keep the status: the WHEN clause makes those cost nothing here.
      CREATE TRIGGER workflow_instances_counted_update
        AFTER UPDATE OF workflow_name, status ON workflow_instances
        FOR EACH ROW
        WHEN (OLD.workflow_name IS DISTINCT FROM NEW.workflow_name
              OR OLD.status IS DISTINCT FROM NEW.status)
        EXECUTE FUNCTION workflow_instances_counted();
    `,
  },
  {
    description: "index finished runs by completion time, for pruning",
    sql: `
      -- prune and the retention setting delete the runs that finished before a cutoff, oldest
      -- first, a batch at a time: this index finds each batch without reading the other runs.
      -- Partial, so starting a run writes no entry here; an advance changes no column of it, so
      -- it stays a HOT update. completed_at has the database's collation: the index and the
      -- queries compare it byte by byte (COLLATE "C"), as ISO timestamps sort.
      CREATE INDEX workflow_instances_by_completed
        ON workflow_instances (completed_at COLLATE "C", id) WHERE completed_at IS NOT NULL;
    `,
  },
  {
    description: "delete a run's history by a statement trigger instead of a foreign key",
    sql: `
      -- Every history row is written by the same statement as its instance row (CREATE_INSTANCE,
      -- APPLY_TRANSITION, an import's transaction), so the foreign key checked nothing those
      -- statements do not guarantee, while its check (a row lock query per appended entry) cost
      -- 0.04-0.10 ms of every advance. What it did that matters, deleting the history with its
      -- run (prune, or an admin in psql), a statement trigger does, once per DELETE statement.
      ALTER TABLE workflow_history DROP CONSTRAINT IF EXISTS workflow_history_instance_id_fkey;

      CREATE FUNCTION workflow_instances_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM workflow_history WHERE instance_id IN (SELECT id FROM gone);
        RETURN NULL;
      END
      $$;

      DO $$
      BEGIN
        EXECUTE format('ALTER FUNCTION workflow_instances_deleted() SET search_path = %I',
                       current_schema());
      END
      $$;

      CREATE TRIGGER workflow_instances_deleted
        AFTER DELETE ON workflow_instances
        REFERENCING OLD TABLE AS gone
        FOR EACH STATEMENT EXECUTE FUNCTION workflow_instances_deleted();
    `,
  },
];

/** The schema version this build creates and understands (`schema_version.version`). */
export const SCHEMA_VERSION: number = MIGRATIONS.length;

/** The tables of our schema: finding one without `schema_version` means another program's. */
export const OUR_TABLES: readonly string[] = [
  "workflow_instances",
  "workflow_history",
  "workflow_definitions",
];
