/**
 * What is specific to the PostgreSQL store's start-up: migrations by servers starting together,
 * schemas it must refuse, one clear line (never with the password) for each way connecting fails,
 * surviving the server going away or no longer answering, and the only permissions the driver
 * needs.
 * @module
 */
import assert from "node:assert/strict";
import { StorageError } from "../../src/errors.ts";
import { ENV_FLAG } from "../../src/permissions.ts";
import { MIGRATIONS, SCHEMA_VERSION } from "../../src/store/postgres/schema.ts";
import { DatabaseUnavailableError, openPostgresStore } from "../../src/store/postgres/store.ts";
import { asyncDisposable, moveTo, newInstance, reportEntry, startEntry } from "./helpers.ts";
import { freePort } from "../helpers/http_server.ts";
import { adminConnection, freshSchema, POSTGRES_SKIP, testDbUrl } from "./postgres_helpers.ts";
import { startScramCluster } from "./postgres_scram_cluster.ts";
import { startStallingProxy } from "./stalling_proxy.ts";
import { deadline, eventually } from "../helpers/wait.ts";

const ignore = POSTGRES_SKIP !== undefined;
const PASSWORD = "secret-pw";
const NARROW = new URL("./fixtures/postgres_narrow.ts", import.meta.url).pathname;

/** `url` with `PASSWORD` as its password (the trust-auth test server ignores it). */
function withPassword(url: string, database?: string): string {
  const parsed = new URL(url);
  parsed.password = PASSWORD;
  if (database !== undefined) parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A rejection that is a one-line StorageError matching `pattern`, without the password. */
function clearLine(pattern: RegExp, password = PASSWORD): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof StorageError, `expected a StorageError, got ${error}`);
    assert.match(error.message, pattern);
    assert.doesNotMatch(error.message, /\n/);
    assert.ok(!error.message.includes(password), `the password leaked: ${error.message}`);
    return true;
  };
}

Deno.test({
  name: "postgres: five servers starting at once on an empty database migrate it once",
  ignore,
  async fn() {
    await using schema = await freshSchema();
    const stores = await Promise.all(
      Array.from({ length: 5 }, () => openPostgresStore(schema.url, { poolSize: 1 })),
    );
    try {
      await using admin = adminConnection();
      const versions = await admin.unsafe(`SELECT version FROM ${schema.role}.schema_version`);
      assert.deepEqual(versions.map((row) => row.version), [SCHEMA_VERSION]);
      const tables = await admin.unsafe(
        "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1",
        [schema.role],
      );
      assert.deepEqual(tables.map((row) => row.tablename), [
        "schema_version",
        "workflow_definitions",
        "workflow_history",
        "workflow_instance_counts",
        "workflow_instances",
      ]);
      const init = newInstance();
      await stores[0]!.createInstance(init, startEntry());
      assert.equal((await stores[4]!.getInstance(init.id))?.version, 1);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  },
});

Deno.test({
  name: "postgres: a database of schema version 2 is upgraded with its runs kept, and deleting " +
    "a run still deletes its history",
  ignore,
  async fn() {
    await using schema = await freshSchema();
    await using owner = adminConnection(schema.url);
    await owner.begin(async (tx) => {
      for (const migration of MIGRATIONS.slice(0, 2)) await tx.unsafe(migration.sql);
      await tx.unsafe("INSERT INTO schema_version (version) VALUES (2)");
      await tx.unsafe(`
        INSERT INTO workflow_instances VALUES
          ('run-1', 'W', 'sha256-abc', 'RUNNING', 'b', '{"n":1}', 2, 2,
           '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', NULL);
        INSERT INTO workflow_history (instance_id, seq, decision_source, next_step, status_after,
                                      created_at)
        VALUES ('run-1', 1, 'start', 'a', 'RUNNING', '2026-01-01T00:00:00.000Z'),
               ('run-1', 2, 'route', 'b', 'RUNNING', '2026-01-01T00:00:01.000Z')`);
    });
    const store = asyncDisposable(await openPostgresStore(schema.url, { poolSize: 1 }));
    await using _ = store;
    assert.equal((await store.getInstance("run-1"))?.currentStep, "b");
    const advanced = await store.applyTransition("run-1", 2, moveTo("c"), reportEntry("b", "c"));
    assert.equal(advanced.historyLength, 3);
    assert.deepEqual(
      (await store.listHistory("run-1", { limit: 10, offset: 0 })).entries.map((e) => e.seq),
      [1, 2, 3],
    );
    await using admin = adminConnection();
    const [version] = await admin.unsafe(`SELECT version FROM ${schema.role}.schema_version`);
    assert.equal(version?.version, SCHEMA_VERSION);
    await admin.unsafe(`DELETE FROM ${schema.role}.workflow_instances WHERE id = 'run-1'`);
    const [left] = await admin.unsafe(
      `SELECT count(*)::integer AS n FROM ${schema.role}.workflow_history`,
    );
    assert.equal(left?.n, 0, "the run's history went with it");
  },
});

Deno.test({
  name: "postgres: a database migrated by a newer server is refused and left unchanged",
  ignore,
  async fn() {
    await using schema = await freshSchema();
    await (await openPostgresStore(schema.url, { poolSize: 1 })).close();
    await using admin = adminConnection();
    await admin.unsafe(`UPDATE ${schema.role}.schema_version SET version = ${SCHEMA_VERSION + 1}`);
    await assert.rejects(
      openPostgresStore(withPassword(schema.url), { poolSize: 1 }),
      clearLine(
        new RegExp(
          `:\\*\\*\\*@.*schema version ${
            SCHEMA_VERSION + 1
          }, but this server only knows versions ` +
            `up to ${SCHEMA_VERSION}.*newer orchestrator-mcp-server.*Upgrade`,
        ),
      ),
    );
    const [row] = await admin.unsafe(`SELECT version FROM ${schema.role}.schema_version`);
    assert.equal(row?.version, SCHEMA_VERSION + 1);
  },
});

Deno.test({
  name: "postgres: workflow tables created by another program are refused, not migrated",
  ignore,
  async fn() {
    await using schema = await freshSchema();
    await using admin = adminConnection();
    await admin.unsafe(`CREATE TABLE ${schema.role}.workflow_instances (id text)`);
    await assert.rejects(
      openPostgresStore(schema.url, { poolSize: 1 }),
      clearLine(/already has workflow tables but no schema_version.*another program/),
    );
    const [row] = await admin.unsafe(
      `SELECT to_regclass('${schema.role}.schema_version') IS NULL AS untouched`,
    );
    assert.equal(row?.untouched, true);
  },
});

Deno.test({
  name: "postgres: no server, no database, no answer: one clear line each",
  ignore,
  async fn() {
    const refusedAt = `postgres://app:${PASSWORD}@127.0.0.1:${freePort()}/workflows`;
    await assert.rejects(openPostgresStore(refusedAt, { poolSize: 1 }), (error) => {
      assert.ok(error instanceof DatabaseUnavailableError && error.retryable);
      return clearLine(/^Cannot connect to PostgreSQL at 127\.0\.0\.1:\d+: connection refused/)(
        error,
      );
    });

    const database = `no_such_db_${crypto.randomUUID().slice(0, 8)}`;
    await assert.rejects(
      openPostgresStore(withPassword(testDbUrl(), database), { poolSize: 1 }),
      clearLine(new RegExp(`^Database '${database}' does not exist.*createdb .*${database}`)),
    );

    // A server that accepts the connection and never answers.
    const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const held: Deno.Conn[] = [];
    const accepting = (async () => {
      for await (const conn of silent) held.push(conn);
    })();
    try {
      const port = (silent.addr as Deno.NetAddr).port;
      const url = `postgres://app:${PASSWORD}@127.0.0.1:${port}/workflows`;
      await assert.rejects(
        openPostgresStore(url, { poolSize: 1, connectTimeoutSeconds: 0.3 }),
        clearLine(/^Cannot connect to PostgreSQL at 127\.0\.0\.1:\d+: no answer within 0\.3 s/),
      );
    } finally {
      silent.close();
      await accepting;
      for (const conn of held) conn.close();
    }
  },
});

Deno.test({
  name: "postgres: a server that only allows reading is refused with one clear line",
  ignore,
  async fn() {
    await using schema = await freshSchema();
    await using admin = adminConnection();
    await admin.unsafe(`ALTER ROLE ${schema.role} SET default_transaction_read_only = on`);
    await assert.rejects(
      openPostgresStore(withPassword(schema.url), { poolSize: 1 }),
      clearLine(/^PostgreSQL at .* only allows reading .*point WORKFLOW_DB_URL at the primary/),
    );
  },
});

Deno.test({
  name: "postgres: a password-checking server: wrong password, restart while in use",
  ignore,
  async fn(t) {
    const password = "s3cret p@ss/w:rd%";
    await using cluster = await startScramCluster(password);

    await t.step("a wrong password is one clear line naming neither password", async () => {
      await assert.rejects(
        openPostgresStore(cluster.url(`${PASSWORD}-wrong`), { poolSize: 1 }),
        clearLine(/^PostgreSQL at 127\.0\.0\.1:\d+ refused the login of user 'postgres'.*password/),
      );
      await assert.rejects(openPostgresStore(cluster.url("nope"), { poolSize: 1 }), (error) => {
        clearLine(/refused the login/, password)(error);
        return true;
      });
    });

    await t.step("while the server is down calls fail retryably; then work again", async () => {
      await using store = asyncDisposable(
        await openPostgresStore(cluster.url(password), { poolSize: 2 }),
      );
      assert.equal(store.location, `postgres://postgres:***@127.0.0.1:${cluster.port}/postgres`);
      const init = newInstance();
      const created = await store.createInstance(init, startEntry());
      await cluster.stop();
      const unavailable = (error: unknown) => {
        assert.ok(error instanceof DatabaseUnavailableError, `${error}`);
        assert.equal(error.retryable, true);
        return clearLine(/unreachable.*changed nothing.*Retry/, password)(error);
      };
      await assert.rejects(store.getInstance(init.id), unavailable);
      await assert.rejects(
        store.applyTransition(init.id, 1, moveTo("b"), reportEntry("a", "b")),
        unavailable,
      );
      // Each failed attempt lengthens the driver's wait before the next one: it stays short, so
      // calls keep failing at once and the first call after the restart is answered at once.
      for (let attempt = 0; attempt < 12; attempt++) {
        const began = performance.now();
        await assert.rejects(store.getInstance(init.id), unavailable);
        assert.ok(performance.now() - began < 2_000, `attempt ${attempt} waited`);
      }
      await cluster.start();
      const began = performance.now();
      assert.deepEqual(await store.getInstance(init.id), created);
      assert.ok(performance.now() - began < 2_000, "the pool reconnects without a long wait");
      const advanced = await store.applyTransition(init.id, 1, moveTo("b"), reportEntry("a", "b"));
      assert.equal(advanced.version, 2);
    });
  },
});

Deno.test({
  name: "postgres: a server that stops answering fails calls after the answer timeout",
  ignore,
  async fn() {
    await using schema = await freshSchema();
    await using proxy = startStallingProxy(Number(new URL(testDbUrl()).port));
    const url = new URL(schema.url);
    url.port = String(proxy.port);
    await using store = asyncDisposable(
      await openPostgresStore(url.toString(), { poolSize: 2, answerTimeoutSeconds: 0.5 }),
    );
    const init = newInstance();
    await store.createInstance(init, startEntry());
    proxy.stall();
    const began = performance.now();
    // Bounded here too: without the answer timeout these calls would wait for many minutes.
    const bounded = <T>(call: Promise<T>) => deadline(call, 5_000, "the call to fail");
    await assert.rejects(bounded(store.getInstance(init.id)), (error) => {
      assert.ok(error instanceof DatabaseUnavailableError && error.retryable, `${error}`);
      return clearLine(/unreachable \(no answer within 0\.5 s\) while reading .*changed nothing/)(
        error,
      );
    });
    await assert.rejects(
      bounded(store.applyTransition(init.id, 1, moveTo("b"), reportEntry("a", "b"))),
      clearLine(/no answer within 0\.5 s.*may or may not have been committed/),
    );
    assert.ok(performance.now() - began < 3_000, "each call waited about the timeout");
    // The write was held back, not lost: delivered now, it commits — as the message warned.
    proxy.resume();
    await eventually(
      async () => (await store.getInstance(init.id))?.version === 2 || undefined,
      "the held-back write to commit",
    );
  },
});

Deno.test({
  name: "postgres: the driver needs only --allow-net=<db> and the server's --allow-env",
  ignore,
  async fn() {
    await using schema = await freshSchema();
    const { host } = new URL(testDbUrl());
    const run = async (allowNet: string) => {
      const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--no-prompt", `--allow-net=${allowNet}`, ENV_FLAG, NARROW],
        // Set, but not readable: the driver must not need them (reading one would throw).
        env: {
          WORKFLOW_DB_URL: withPassword(schema.url),
          PGHOST: "nowhere.invalid",
          PGUSER: "nobody",
          PGPASSWORD: "wrong",
          PGDATABASE: "none",
          PGSSLMODE: "require",
        },
      }).output();
      const text = new TextDecoder();
      assert.equal(code, 0, text.decode(stderr));
      const lines = text.decode(stdout).trim().split("\n");
      assert.equal(lines.length, 1, `stdout is only our line: ${lines.join("\n")}`);
      return JSON.parse(lines[0]!);
    };
    assert.deepEqual(await run(host), { ok: true, version: 2, total: 1 });
    const denied = await run("127.0.0.1:1");
    assert.equal(denied.ok, false);
    assert.match(denied.message, new RegExp(`--allow-net=${host.replaceAll(".", "\\.")}`));
    assert.ok(!denied.message.includes(PASSWORD));
  },
});
