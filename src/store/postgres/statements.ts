/**
 * The SQL of the PostgreSQL store: every statement a store method runs, named for what it does.
 * Each is ONE statement (several changes chained with data-modifying CTEs), so each method costs one
 * round trip and sees one snapshot; every parameter carries its type, so the server never guesses.
 *
 * @example
 * ```ts
 * import { READ_RUN } from "./statements.ts";
 * const [row] = await sql.unsafe(READ_RUN, [id], { prepare: true });
 * ```
 * @module
 */
import {
  HISTORY_COLUMN_NAMES,
  HISTORY_COLUMNS,
  INSTANCE_COLUMN_NAMES,
  INSTANCE_COLUMNS,
} from "../rows.ts";

/** Which filters a listing has: none, workflow, status, or both. */
export type ListKey = "" | "w" | "s" | "ws";

/** The types of the values `historyEntryValues` gives, in its order. */
const HISTORY_VALUE_TYPES = [
  "text", // step_name
  "text", // report
  "text", // context_updates
  "text", // decision_source
  "text", // next_step
  "text", // reasoning
  "text", // model
  "integer", // tokens_in
  "integer", // tokens_out
  "integer", // latency_ms
  "text", // status_after
  "text", // request_hash
];

/** `$first::type, …` for the history values, starting at parameter `first`. */
function historyParams(first: number): string {
  return HISTORY_VALUE_TYPES.map((type, i) => `$${first + i}::${type}`).join(", ");
}

/** Columns of `alias` (prefixed with `prefix`, so two tables' columns can share one row). */
function columns(names: readonly string[], alias: string, prefix = ""): string {
  return names.map((name) => `${alias}.${name}${prefix ? ` AS ${prefix}${name}` : ""}`).join(", ");
}

/** The prefix of the last history entry's columns in `READ_RUN` rows. */
export const LAST_PREFIX = "last_";

/** Instance columns except the context: a write returns these, the context is what it sent. */
const WRITTEN = INSTANCE_COLUMN_NAMES.filter((name) => name !== "context").join(", ");

/**
 * Insert an instance (version 1) and its first history entry in one statement; no row when the id
 * is already used (nothing is written then). $1 id, $2 workflow, $3 definition hash, $4 status,
 * $5 current step, $6 context, $7 finished, $8… the history values. Returns `created_at`.
 */
export const CREATE_INSTANCE = `
  WITH instance AS (
    INSERT INTO workflow_instances (${INSTANCE_COLUMNS})
    VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::text, 1, 1,
            workflow_now_iso(), workflow_now_iso(),
            CASE WHEN $7::boolean THEN workflow_now_iso() END)
    ON CONFLICT (id) DO NOTHING
    RETURNING id, created_at
  ), entry AS (
    INSERT INTO workflow_history (${HISTORY_COLUMNS})
    SELECT id, 1, ${historyParams(8)}, created_at FROM instance
  )
  SELECT created_at FROM instance`;

/**
 * Apply a change and append its history entry (seq = the new history length) in one statement,
 * only if the instance is still at the expected version; completed_at is set on the first finish
 * and cleared when the status is not a finished one. $1 id, $2 expected version, $3 status,
 * $4 current step, $5 context, $6 finished, $7… the history values. Returns the written columns,
 * or no row when nothing was written (`INSTANCE_EXISTS` then tells a stale version from an
 * unknown id: asked only then, so an advance costs one index lookup, not two).
 */
export const APPLY_TRANSITION = `
  WITH updated AS (
    UPDATE workflow_instances
    SET status = $3::text, current_step = $4::text, context = $5::text,
        updated_at = workflow_now_iso(),
        completed_at = CASE WHEN $6::boolean THEN coalesce(completed_at, workflow_now_iso()) END,
        version = version + 1, history_length = history_length + 1
    WHERE id = $1::text AND version = $2::integer
    RETURNING ${WRITTEN}
  ), entry AS (
    INSERT INTO workflow_history (${HISTORY_COLUMNS})
    SELECT id, history_length, ${historyParams(7)}, updated_at FROM updated
  )
  SELECT * FROM updated`;

/** Whether instance $1 exists. */
export const INSTANCE_EXISTS =
  "SELECT EXISTS (SELECT 1 FROM workflow_instances WHERE id = $1::text) AS found";

/** An instance and its last history entry (columns prefixed with `LAST_PREFIX`), in one read. */
export const READ_RUN = `
  SELECT ${columns(INSTANCE_COLUMN_NAMES, "i")},
         ${columns(HISTORY_COLUMN_NAMES, "h", LAST_PREFIX)}
  FROM workflow_instances AS i
  LEFT JOIN workflow_history AS h ON h.instance_id = i.id AND h.seq = i.history_length
  WHERE i.id = $1::text`;

/** One instance. */
export const SELECT_INSTANCE = `
  SELECT ${INSTANCE_COLUMNS} FROM workflow_instances WHERE id = $1::text`;

/** The last history entry of $1. */
export const LAST_HISTORY = `
  SELECT ${HISTORY_COLUMNS} FROM workflow_history
  WHERE instance_id = $1::text ORDER BY seq DESC LIMIT 1`;

/**
 * A page of $1's history ($2 limit, $3 offset) and `total` (its history length, 0 if unknown), on
 * one snapshot: at least one row, whose history columns are null when the page is empty.
 */
export const HISTORY_PAGE = `
  SELECT coalesce((SELECT history_length FROM workflow_instances WHERE id = $1::text), 0) AS total,
         page.*
  FROM (VALUES (1)) AS one (x)
  LEFT JOIN (
    SELECT ${HISTORY_COLUMNS} FROM workflow_history
    WHERE instance_id = $1::text ORDER BY seq LIMIT $2::bigint OFFSET $3::bigint
  ) AS page ON true
  ORDER BY page.seq`;

/** The last $2 history entries of $1, oldest first. */
export const RECENT_HISTORY = `
  SELECT * FROM (
    SELECT ${HISTORY_COLUMNS} FROM workflow_history
    WHERE instance_id = $1::text ORDER BY seq DESC LIMIT $2::bigint
  ) AS recent ORDER BY seq`;

/** Remember a definition ($1 hash, $2 workflow, $3 body); the first one stored is kept. */
export const INSERT_DEFINITION = `
  INSERT INTO workflow_definitions (hash, workflow_name, body, created_at)
  VALUES ($1::text, $2::text, $3::text, workflow_now_iso())
  ON CONFLICT (hash) DO NOTHING`;

/** A pinned definition's body. */
export const SELECT_DEFINITION = "SELECT body FROM workflow_definitions WHERE hash = $1::text";

/** The filters of each listing: workflow is $1 when given, status the next parameter. */
const LIST_WHERE: Record<ListKey, string> = {
  "": "",
  w: "WHERE workflow_name = $1::text",
  s: "WHERE status = $1::text",
  ws: "WHERE workflow_name = $1::text AND status = $2::text",
};

/**
 * A page of instances, newest started first, and `total` (from the counts the triggers keep, see
 * schema.ts), on one snapshot: at least one row, whose instance columns are null when the page is
 * empty. Limit and offset are the two parameters after the filters.
 */
export const LIST_INSTANCES: Record<ListKey, string> = Object.fromEntries(
  Object.entries(LIST_WHERE).map(([key, where]) => {
    const next = key.length + 1;
    return [
      key,
      `SELECT (SELECT coalesce(sum(n), 0) FROM workflow_instance_counts ${where})::integer AS total,
              page.*
       FROM (VALUES (1)) AS one (x)
       LEFT JOIN (
         SELECT ${INSTANCE_COLUMNS} FROM workflow_instances ${where}
         ORDER BY created_at DESC, id DESC LIMIT $${next}::bigint OFFSET $${next + 1}::bigint
       ) AS page ON true
       ORDER BY page.created_at DESC, page.id DESC`,
    ];
  }),
) as Record<ListKey, string>;

/** Insert an instance exactly as given ($1…$11 in `INSTANCE_COLUMNS` order); no row if the id is used. */
export const IMPORT_INSTANCE = `
  INSERT INTO workflow_instances (${INSTANCE_COLUMNS})
  VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::integer, $8::integer,
          $9::text, $10::text, $11::text)
  ON CONFLICT (id) DO NOTHING
  RETURNING id`;

/** Insert one history entry as given: $1 instance id, $2 seq, $3… the history values, then created_at. */
export const IMPORT_HISTORY = `
  INSERT INTO workflow_history (${HISTORY_COLUMNS})
  VALUES ($1::text, $2::integer, ${historyParams(3)}, $${3 + HISTORY_VALUE_TYPES.length}::text)`;

/** Whether a prune is of one workflow's runs ("w") or of every workflow's (""). */
export type PruneKey = "" | "w";

/**
 * The runs a prune selects: finished before the cutoff ($1), in one of three statuses ($2…$4, see
 * `pruneFilterValues`), of one workflow ($5) with "w"; the limit is the next parameter. Compared
 * and ordered byte by byte, as `workflow_instances_by_completed` keeps them.
 */
const PRUNE_WHERE: Record<PruneKey, string> = {
  "": `completed_at COLLATE "C" < $1::text AND status IN ($2::text, $3::text, $4::text)`,
  w: `completed_at COLLATE "C" < $1::text AND status IN ($2::text, $3::text, $4::text)
      AND workflow_name = $5::text`,
};

/** A statement per `PruneKey`, given its filter and the number of its limit parameter. */
function byPruneKey(sql: (where: string, limit: string) => string): Record<PruneKey, string> {
  return {
    "": sql(PRUNE_WHERE[""], "$5::bigint"),
    w: sql(PRUNE_WHERE.w, "$6::bigint"),
  };
}

/**
 * The runs a prune selects, oldest finished first, and `total` (how many it selects in all), on
 * one snapshot: at least one row, whose instance columns are null when none is selected.
 */
export const LIST_PRUNABLE: Record<PruneKey, string> = byPruneKey((where, limit) => `
  SELECT (SELECT count(*) FROM workflow_instances WHERE ${where})::integer AS total, page.*
  FROM (VALUES (1)) AS one (x)
  LEFT JOIN (
    SELECT ${INSTANCE_COLUMNS} FROM workflow_instances WHERE ${where}
    ORDER BY completed_at COLLATE "C", id LIMIT ${limit}
  ) AS page ON true
  ORDER BY page.completed_at COLLATE "C", page.id`);

/**
 * Delete what `LIST_PRUNABLE` lists, in one statement (the history and the counts by their
 * triggers, see schema.ts), returning the ids. The rows are locked first and checked again once
 * locked, so a run another statement changed is not deleted on a stale read; rows another prune
 * holds are skipped, so replicas pruning together do not queue behind each other. The ids are
 * handed over as an array, which the primary key looks up (a join would rather scan the table).
 */
export const PRUNE_RUNS: Record<PruneKey, string> = byPruneKey((where, limit) => `
  WITH doomed AS (
    SELECT id FROM workflow_instances WHERE ${where}
    ORDER BY completed_at COLLATE "C", id LIMIT ${limit}
    FOR UPDATE SKIP LOCKED
  )
  DELETE FROM workflow_instances WHERE id = ANY (ARRAY (SELECT id FROM doomed))
  RETURNING id`);
