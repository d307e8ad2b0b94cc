/**
 * How driver failures become our errors (no server needed): what a lost connection says about the
 * call's outcome, which errors are retryable, and that the password never shows.
 * @module
 */
import assert from "node:assert/strict";
import { ConflictError, InvalidInputError, StorageError } from "../../src/errors.ts";
import {
  type DatabaseTarget,
  type Operation,
  postgresError,
} from "../../src/store/postgres/errors.ts";
import { DatabaseBusyError, DatabaseUnavailableError } from "../../src/store/postgres/store.ts";

const target: DatabaseTarget = {
  location: "postgres://app:***@db.internal:5432/workflows",
  host: "db.internal",
  port: 5432,
  user: "app",
  database: "workflows",
  password: "hunter2-secret",
};
const write: Operation = { what: "advancing instance 'i-1'", writes: true };
const read: Operation = { what: "reading instance 'i-1'", writes: false };

/** A driver error with a SQLSTATE or socket code. */
function driverError(code: string, message = `failure ${code}`): Error {
  return Object.assign(new Error(message), { code });
}

Deno.test("postgres errors: a connection lost during a write leaves the outcome unknown", () => {
  for (const code of ["57P01", "CONNECTION_CLOSED", "ECONNRESET", "57P02"]) {
    const error = postgresError(driverError(code), target, write);
    assert.ok(error instanceof DatabaseUnavailableError, code);
    assert.equal(error.retryable, true);
    assert.match(error.message, /^The database postgres:\/\/app:\*\*\*@db\.internal.* unreachable/);
    assert.match(error.message, /may or may not have been committed.*identical retry/);
  }
});

Deno.test("postgres errors: a read, or a write never sent, changed nothing", () => {
  for (const [code, operation] of [["57P01", read], ["ECONNREFUSED", write], ["57P03", write]]) {
    const error = postgresError(driverError(code as string), target, operation as Operation);
    assert.ok(error instanceof DatabaseUnavailableError, `${code}`);
    assert.match(error.message, /This call changed nothing\. Retry once it is back\./);
  }
});

Deno.test("postgres errors: deadlocks are retryable, NUL text is invalid input", () => {
  const busy = postgresError(driverError("40P01", "deadlock detected"), target, write);
  assert.ok(busy instanceof DatabaseBusyError && busy.retryable);
  assert.match(busy.message, /Nothing was changed; retry/);
  const nul = postgresError(driverError("22P05"), target, write);
  assert.ok(nul instanceof InvalidInputError);
  assert.match(nul.message, /NUL/);
});

Deno.test("postgres errors: ours pass through; others name the database, never the password", () => {
  const conflict = new ConflictError("i-1");
  assert.equal(postgresError(conflict, target, write), conflict);
  const leaky = driverError("XX000", `internal error near 'hunter2-secret'`);
  const error = postgresError(leaky, target, read);
  assert.ok(error instanceof StorageError);
  assert.equal(
    error.message,
    "Database error on postgres://app:***@db.internal:5432/workflows while reading instance " +
      "'i-1': internal error near '***' (XX000)",
  );
});
