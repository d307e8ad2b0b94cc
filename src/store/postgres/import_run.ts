/**
 * A whole run written into PostgreSQL as given (the `import` command, `migrate-db`): its instance,
 * every history entry and its pinned definition, in one transaction.
 *
 * @example
 * ```ts
 * const inserted = await insertRun(sql, run); // false when the id is already used
 * ```
 * @module
 */
import { historyEntryValues, instanceValues } from "../rows.ts";
import type { StoredRun } from "../types.ts";
import type { Pool } from "./open.ts";
import * as SQL from "./statements.ts";

/** Insert `run` in one transaction; `false` (and nothing written) when its id is already used. */
export async function insertRun(sql: Pool, run: StoredRun): Promise<boolean> {
  const { instance, history, definition } = run;
  return await sql.begin(async (tx) => {
    const inserted = await tx.unsafe(SQL.IMPORT_INSTANCE, instanceValues(instance), {
      prepare: true,
    });
    if (inserted.length === 0) return false;
    for (const entry of history) {
      await tx.unsafe(SQL.IMPORT_HISTORY, [
        instance.id,
        entry.seq,
        ...historyEntryValues(entry),
        entry.createdAt,
      ], { prepare: true });
    }
    if (definition) {
      await tx.unsafe(SQL.INSERT_DEFINITION, [
        definition.hash,
        definition.workflowName,
        definition.body,
      ], { prepare: true });
    }
    return true;
  });
}
