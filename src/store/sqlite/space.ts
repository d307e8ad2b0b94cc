/**
 * The space of deleted rows in a SQLite file: given back to the file system when the file uses
 * `auto_vacuum = INCREMENTAL`, otherwise left as free pages that new rows reuse and only a
 * `VACUUM` (which needs the file to itself) gives back.
 *
 * @example
 * ```ts
 * import { reclaimFreePages } from "./space.ts";
 * const { releasedBytes, reusableBytes } = reclaimFreePages(db);
 * ```
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { FreeSpace } from "../types.ts";

/** `PRAGMA auto_vacuum`'s value for INCREMENTAL. */
const INCREMENTAL = 2;

/**
 * Run `PRAGMA incremental_vacuum` if the file allows it (inside the caller's write transaction;
 * the file shrinks at the next checkpoint) and say how much was released and how much is left.
 */
export function reclaimFreePages(db: DatabaseSync): FreeSpace {
  const pragma = (name: string) => Number(db.prepare(`PRAGMA ${name}`).get()?.[name]);
  const pageSize = pragma("page_size");
  const free = pragma("freelist_count");
  if (pragma("auto_vacuum") === INCREMENTAL) {
    // It frees one page per row it steps through, so every row is read.
    db.prepare("PRAGMA incremental_vacuum").all();
  }
  const left = pragma("freelist_count");
  return { releasedBytes: (free - left) * pageSize, reusableBytes: left * pageSize };
}
