/**
 * PostgreSQL driver failures translated into actionable `StorageError`s that name the database
 * (as `storeLocation` prints it: never with its password), what was being done and the fix. A lost
 * or refused connection becomes a retryable `DatabaseUnavailableError` that says whether the call
 * may have changed anything; our own errors pass through unchanged.
 *
 * @example
 * ```ts
 * import { postgresError } from "./errors.ts";
 * try { await sql`SELECT 1`; } catch (e) { throw postgresError(e, target, { what: "reading", writes: false }); }
 * ```
 * @module
 */
import { InvalidInputError, OrchestratorError, StorageError } from "../../errors.ts";

/**
 * The database cannot be reached (down, restarting, connection lost or refused). The same call
 * may succeed once it is back, so it is marked retryable.
 */
export class DatabaseUnavailableError extends StorageError {
  /** Calling again can succeed once the database is back. */
  override readonly retryable = true;
}

/**
 * PostgreSQL aborted the transaction to resolve a conflict with another one (a deadlock or a
 * serialization failure): nothing was changed and the same call may succeed at once.
 */
export class DatabaseBusyError extends StorageError {
  /** Calling again can succeed once the other transaction is done. */
  override readonly retryable = true;
}

/** What an error message says about the database it happened on. */
export interface DatabaseTarget {
  /** The URL as `storeLocation` gives it (password replaced). */
  location: string;
  host: string;
  port: number;
  user: string;
  database: string;
  /** The password, only to blank it out of any message that might quote it. */
  password: string;
}

/** What was being done when the error happened. */
export interface Operation {
  /** E.g. "advancing instance 'x'", "opening it". */
  what: string;
  /** Whether the call writes: a connection lost during a write leaves its outcome unknown. */
  writes: boolean;
}

/** Our code for a statement the server did not answer in time (frozen, or cut off by the network). */
export const NO_ANSWER = "NO_ANSWER";

/** SQLSTATEs and driver codes meaning the server cannot be reached or dropped the connection. */
const UNAVAILABLE = new Set([
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, shutting down, in recovery)
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "CONNECT_TIMEOUT",
  NO_ANSWER,
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "EAI_AGAIN",
]);

/** Codes that mean no connection was made, so the request was never sent. */
const NEVER_SENT = new Set([
  "57P03",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "EAI_AGAIN",
  "ENOTFOUND",
  "53300",
]);

/** The SQLSTATE or driver code of a thrown value, if it has one. */
export function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

/** The message of any thrown value, with the password (if it appears at all) blanked out. */
function messageOf(error: unknown, target: DatabaseTarget): string {
  const message = error instanceof Error ? error.message : String(error);
  return target.password ? message.replaceAll(target.password, "***") : message;
}

const address = (t: DatabaseTarget) => `${t.host}:${t.port}`;

/**
 * One line for a failure to connect at start-up (wrong password, nothing listening, no such
 * database, timeout, missing permission), or `undefined` when `error` is something else.
 */
export function connectError(
  error: unknown,
  target: DatabaseTarget,
  connectTimeoutSeconds?: number,
): StorageError | undefined {
  if (error instanceof OrchestratorError) return undefined;
  const code = codeOf(error);
  const at = `PostgreSQL at ${address(target)}`;
  const options = { cause: error };
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return new StorageError(
      `Not allowed to connect to ${at}: run the server with --allow-net=${address(target)} ` +
        `(the launcher adds it from WORKFLOW_DB_URL).`,
      options,
    );
  }
  const message = messageOf(error, target);
  if (/\b(TLS|SSL)\b|certificate/i.test(message)) {
    return new StorageError(
      `No TLS connection to ${at} (${message}): for a server without TLS, set sslmode=disable ` +
        `in WORKFLOW_DB_URL; for one with TLS, check its certificate (sslmode=verify-full ` +
        `checks it against this machine's trusted certificates and the host name).`,
      options,
    );
  }
  switch (code) {
    case "28P01":
    case "28000":
      return new StorageError(
        `${at} refused the login of user '${target.user}' to database '${target.database}' ` +
          `(${message}): check the user name and password in WORKFLOW_DB_URL.`,
        options,
      );
    case "3D000":
      return new StorageError(
        `Database '${target.database}' does not exist on ${at}: create it with ` +
          `\`createdb -h ${target.host} -p ${target.port} -U ${target.user} ${target.database}\` ` +
          `(or CREATE DATABASE "${target.database}"), or fix the database name in WORKFLOW_DB_URL.`,
        options,
      );
    case "ECONNREFUSED":
      return new DatabaseUnavailableError(
        `Cannot connect to ${at}: connection refused. Is the server running and listening on ` +
          `that address? Check the host and port in WORKFLOW_DB_URL.`,
        options,
      );
    case "ENOTFOUND":
      return new StorageError(
        `Cannot connect to ${at}: the host name '${target.host}' is unknown. Check the host ` +
          `in WORKFLOW_DB_URL.`,
        options,
      );
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "EHOSTDOWN":
      return new DatabaseUnavailableError(
        `Cannot connect to ${at}: the host is unreachable (${code}). Check the host in ` +
          `WORKFLOW_DB_URL and the network between this machine and the database.`,
        options,
      );
    case NO_ANSWER:
      return new DatabaseUnavailableError(
        `Cannot connect to ${at}: connections were accepted, but nothing answered as ` +
          `PostgreSQL: is another service listening on that port? Check the host and port in ` +
          `WORKFLOW_DB_URL.`,
        options,
      );
    case "CONNECT_TIMEOUT":
    case "ETIMEDOUT":
      return new DatabaseUnavailableError(
        `Cannot connect to ${at}: no answer within ` +
          `${
            connectTimeoutSeconds === undefined
              ? "the connect timeout"
              : `${connectTimeoutSeconds} s`
          }. ` +
          `Check the host and port in WORKFLOW_DB_URL, and that a firewall lets this machine ` +
          `reach the server.`,
        options,
      );
    case "CONNECTION_DESTROYED": // at start-up: the driver hung up on a read-only server
    case "25006":
      return new StorageError(
        `${at} only allows reading to user '${target.user}' on database '${target.database}' ` +
          `(a standby server, or default_transaction_read_only is on): point WORKFLOW_DB_URL at ` +
          `the primary server, or turn that setting off for this user or database.`,
        options,
      );
    case "53300":
      return new DatabaseUnavailableError(
        `${at} has no connection slot left (${message}): lower ` +
          `WORKFLOW_DB_POOL_SIZE on the servers sharing it, or raise max_connections.`,
        options,
      );
  }
  return undefined;
}

/**
 * Our own errors pass through; driver errors become `StorageError`s (a lost or refused connection a
 * retryable `DatabaseUnavailableError`) that name the database and the operation, never the password.
 */
export function postgresError(
  error: unknown,
  target: DatabaseTarget,
  { what, writes }: Operation,
): OrchestratorError {
  if (error instanceof OrchestratorError) return error;
  const code = codeOf(error);
  const options = { cause: error };
  if (code !== undefined && UNAVAILABLE.has(code)) {
    const outcome = !writes || NEVER_SENT.has(code)
      ? "This call changed nothing."
      : "The change may or may not have been committed: check the run's state before " +
        "repeating it (an identical retry of an advance is recognized and not applied twice; " +
        "a start is, when it carries the same request_id).";
    return new DatabaseUnavailableError(
      `The database ${target.location} is unreachable (${messageOf(error, target)}) while ` +
        `${what}. ${outcome} Retry once it is back.`,
      options,
    );
  }
  const refused = connectError(error, target);
  if (refused !== undefined) return refused;
  if (code === "40P01" || code === "40001" || code === "55P03") {
    return new DatabaseBusyError(
      `The database ${target.location} aborted ${what} to resolve a conflict with another ` +
        `transaction (${messageOf(error, target)}). Nothing was changed; retry.`,
      options,
    );
  }
  if (code === "22021" || code === "22P05") {
    return new InvalidInputError(
      `Cannot store a value while ${what}: PostgreSQL text cannot hold it ` +
        `(${messageOf(error, target)}); remove NUL characters (\\u0000) from it.`,
    );
  }
  if (code === "42501") {
    return new StorageError(
      `The user '${target.user}' lacks a privilege on ${target.location} while ${what} ` +
        `(${messageOf(error, target)}): make it the database owner (ALTER DATABASE ` +
        `"${target.database}" OWNER TO "${target.user}") or grant it the privilege.`,
      options,
    );
  }
  if (code === "53100") {
    return new StorageError(
      `The database ${target.location} is out of disk space while ${what}: free space on the ` +
        `database server, then retry.`,
      options,
    );
  }
  return new StorageError(
    `Database error on ${target.location} while ${what}: ${messageOf(error, target)}` +
      (code === undefined ? "" : ` (${code})`),
    options,
  );
}
