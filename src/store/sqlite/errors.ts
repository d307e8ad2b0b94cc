/**
 * SQLite and file-system failures translated into actionable `StorageError`s that name the file,
 * what was being done and the fix; our own errors pass through unchanged.
 *
 * @example
 * ```ts
 * import { sqliteError } from "./errors.ts";
 * try { db.exec("BEGIN IMMEDIATE"); } catch (e) { throw sqliteError(e, { path, busyTimeoutMs: 5000 }, "advancing"); }
 * ```
 * @module
 */
import { OrchestratorError, StorageError } from "../../errors.ts";

/**
 * The database stayed write-locked by another connection for longer than the busy timeout. The
 * same call may succeed later, so it is marked retryable.
 */
export class DatabaseLockedError extends StorageError {
  /** Waiting and calling again can succeed once the other writer is done. */
  override readonly retryable = true;
}

/** What an error message says about the database it happened on. */
export interface DatabaseLabel {
  path: string;
  busyTimeoutMs: number;
}

/** SQLite's messages for "another connection holds the lock". */
export const LOCKED = /database is locked|database table is locked|database is busy/i;

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Our own errors pass through; SQLite and file-system errors become actionable StorageErrors. */
export function sqliteError(
  error: unknown,
  { path, busyTimeoutMs }: DatabaseLabel,
  what: string,
): OrchestratorError {
  if (error instanceof OrchestratorError) return error;
  const message = messageOf(error);
  const options = { cause: error };
  if (LOCKED.test(message)) {
    return new DatabaseLockedError(
      `The database is locked by another process for more than ${busyTimeoutMs} ms: ` +
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
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return new StorageError(`Cannot access the database ${path}: ${message}`, options);
  }
  return new StorageError(`Database error on ${path} while ${what}: ${message}`, options);
}
