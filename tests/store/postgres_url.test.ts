/**
 * A `WORKFLOW_DB_URL` from configuration to driver (no server needed): the configuration refuses a
 * Unix-socket or malformed host in one line without the password, and the driver gets an IPv6
 * host whole.
 * @module
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { loadConfig } from "../../src/config.ts";
import { ConfigError } from "../../src/errors.ts";
import { databaseTarget, driverOptions } from "../../src/store/postgres/open.ts";

Deno.test("WORKFLOW_DB_URL: a Unix-socket or malformed host is refused in one line, no password", () => {
  const refused: [string, RegExp][] = [
    ["postgres://app:s3cret@%2Ftmp%2Fpg/runs", /a Unix socket is not supported: connect over TCP/],
    ["postgres://app:s3cret@bad host/runs", /expected postgres:\/\/USER\[:PASSWORD\]@HOST/],
    ["postgres://app:s3cret@/runs", /expected postgres:\/\//],
  ];
  for (const [url, reason] of refused) {
    assert.throws(
      () => loadConfig({ WORKFLOW_DB_URL: url }),
      (error: unknown) =>
        error instanceof ConfigError && reason.test(error.message) &&
        error.message.startsWith("Invalid configuration: WORKFLOW_DB_URL (--db-url)=(hidden): ") &&
        !error.message.includes("s3cret"),
      url,
    );
  }
  for (const url of ["postgres://app@[::1]:5433/runs", "postgresql://app@db-1.example.com/runs"]) {
    assert.equal(loadConfig({ WORKFLOW_DB_URL: url }).dbUrl, url);
  }
});

Deno.test("the driver gets an IPv6 host whole (it splits a host string at ':')", async () => {
  const sql = postgres(
    driverOptions(databaseTarget("postgres://app@[::1]:5433/runs"), { poolSize: 1 }),
  );
  try {
    assert.deepEqual(sql.options.host, ["::1"]);
    assert.deepEqual(sql.options.port, [5433]);
  } finally {
    await sql.end();
  }
});
