/**
 * The SQL of `Store.pageInstances`, shared by every backend: the filters a query has become
 * `WHERE` clauses in one fixed order (each answered by an index of `created_at DESC, id DESC`
 * behind the equality filters), the cursor a row-value comparison, the id prefix a key range.
 * A page before a cursor (newer runs) reads that index range the other way, nearest first, and
 * is put back newest first. A backend only says how it writes a parameter.
 *
 * @example
 * ```ts
 * import { instancePageSql } from "./instance_page.ts";
 * const { sql, values } = instancePageSql({ status: "RUNNING", limit: 50 }, () => "?");
 * ```
 * @module
 */
import { InvalidInputError } from "../errors.ts";
import { checkPage } from "./paging.ts";
import { INSTANCE_COLUMNS, ISO_TIMESTAMP } from "./rows.ts";
import { type InstancePageQuery, MAX_PAGE_SIZE } from "./types.ts";

/** Above every character an id can hold: the end of an id-prefix range. */
const PREFIX_END = "\u{10FFFF}";

/** How a backend writes its `n`th (1-based) parameter of SQL type `type`. */
export type Placeholder = (n: number, type: "text" | "bigint") => string;

/**
 * Refuse a page a backend would read wrongly: a limit outside 1..500, an empty id prefix, a
 * cursor timestamp that is not as the stores write them, a cursor on both sides.
 * @throws {InvalidInputError}
 */
function checkPageQuery(query: InstancePageQuery): void {
  checkPage(query.limit, 0, MAX_PAGE_SIZE);
  if (query.idPrefix !== undefined && query.idPrefix === "") {
    throw new InvalidInputError("An id prefix must hold at least one character.");
  }
  if (query.after !== undefined && query.before !== undefined) {
    throw new InvalidInputError(
      "A page continues after one run (older) or before one (newer), not both: give one cursor.",
    );
  }
  const cursor = query.after ?? query.before;
  if (cursor !== undefined && !ISO_TIMESTAMP.test(cursor.createdAt)) {
    throw new InvalidInputError(
      `A page cursor's time must be an ISO-8601 UTC timestamp like 2026-01-02T03:04:05.678Z; ` +
        `got '${cursor.createdAt}'.`,
    );
  }
}

/**
 * The statement and its values for `query`; `key` names the filters present, so a backend can
 * prepare each of the 24 shapes once.
 * @throws {InvalidInputError} as `Store.pageInstances`
 */
export function instancePageSql(
  query: InstancePageQuery,
  placeholder: Placeholder,
): { key: string; sql: string; values: (string | number)[] } {
  checkPageQuery(query);
  const values: (string | number)[] = [];
  const param = (value: string | number, type: "text" | "bigint" = "text") => {
    values.push(value);
    return placeholder(values.length, type);
  };
  const where: string[] = [];
  let key = "";
  if (query.workflowName !== undefined) {
    where.push(`workflow_name = ${param(query.workflowName)}`);
    key += "w";
  }
  if (query.status !== undefined) {
    where.push(`status = ${param(query.status)}`);
    key += "s";
  }
  if (query.idPrefix !== undefined) {
    where.push(`id >= ${param(query.idPrefix)} AND id < ${param(query.idPrefix + PREFIX_END)}`);
    key += "i";
  }
  if (query.after !== undefined) {
    where.push(`(created_at, id) < (${param(query.after.createdAt)}, ${param(query.after.id)})`);
    key += "a";
  }
  const { before } = query;
  if (before !== undefined) {
    where.push(`(created_at, id) > (${param(before.createdAt)}, ${param(before.id)})`);
    key += "b";
  }
  const order = before === undefined ? "DESC" : "ASC";
  const sql = `SELECT ${INSTANCE_COLUMNS} FROM workflow_instances` +
    (where.length ? ` WHERE ${where.join(" AND ")}` : "") +
    ` ORDER BY created_at ${order}, id ${order} LIMIT ${param(query.limit, "bigint")}`;
  if (before === undefined) return { key, sql, values };
  return {
    key,
    sql: `SELECT * FROM (${sql}) AS page ORDER BY created_at DESC, id DESC`,
    values,
  };
}
