import assert from "node:assert/strict";
import { cpSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { StorageError } from "../../src/errors.ts";
import { MIGRATIONS, SCHEMA_VERSION } from "../../src/store/sqlite/schema.ts";
import { DatabaseLockedError, openSqliteStore } from "../../src/store/sqlite/store.ts";
import { disposable, newInstance, reportEntry, startEntry, tempDbPath } from "./helpers.ts";

const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;

function isStorageError(pattern: RegExp): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof StorageError, `expected a StorageError, got ${error}`);
    assert.match(error.message, pattern);
    return true;
  };
}

Deno.test("openSqliteStore creates missing parent folders and migrates to the current schema", () => {
  using tmp = tempDbPath();
  const path = `${tmp.dir}/a/b/c/workflows.sqlite`;
  openSqliteStore(path).close();
  const raw = new DatabaseSync(path);
  try {
    assert.equal(raw.prepare("PRAGMA user_version").get()?.user_version, SCHEMA_VERSION);
    assert.ok(SCHEMA_VERSION >= 1);
    assert.equal(raw.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
    const tables = raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
      .all().map((r) => r.name);
    assert.deepEqual(tables, [
      "workflow_definitions",
      "workflow_history",
      "workflow_instance_counts",
      "workflow_instances",
    ]);
  } finally {
    raw.close();
  }
});

Deno.test("reopening a migrated file runs no migration again", () => {
  using tmp = tempDbPath();
  openSqliteStore(tmp.path).close();
  openSqliteStore(tmp.path, { synchronous: "FULL" }).close();
  const raw = new DatabaseSync(tmp.path);
  try {
    assert.equal(raw.prepare("PRAGMA user_version").get()?.user_version, SCHEMA_VERSION);
  } finally {
    raw.close();
  }
});

Deno.test("migration 4 keeps the history of a version-3 database, in a WITHOUT ROWID table", async () => {
  using tmp = tempDbPath();
  const raw = new DatabaseSync(tmp.path);
  try {
    for (const migration of MIGRATIONS.slice(0, 3)) raw.exec(migration.sql);
    raw.exec("PRAGMA user_version = 3");
    raw.exec(`
      INSERT INTO workflow_instances VALUES ('i', 'W', 'h', 'RUNNING', 'b', '{}', 2, 2,
        '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', NULL);
      INSERT INTO workflow_history VALUES
        ('i', 1, NULL, NULL, '{}', 'start', 'a', 'Started.', NULL, NULL, NULL, NULL, 'RUNNING',
         NULL, '{"old":"response"}', '2026-01-01T00:00:00.000Z'),
        ('i', 2, 'a', '{"step_id":"a","status":"success"}', NULL, 'route', 'b', 'Route.', NULL,
         NULL, NULL, NULL, 'RUNNING', 'hash', '', '2026-01-01T00:00:01.000Z');
    `);
  } finally {
    raw.close();
  }
  const store = openSqliteStore(tmp.path);
  try {
    const { entries, total } = await store.listHistory("i", { limit: 10, offset: 0 });
    assert.equal(total, 2);
    assert.deepEqual(entries.map((e) => [e.seq, e.step, e.decision.nextStep, e.requestHash]), [
      [1, null, "a", null],
      [2, "a", "b", "hash"],
    ]);
    assert.deepEqual(entries[1]?.report, { step_id: "a", status: "success" });
  } finally {
    store.close();
  }
  const check = new DatabaseSync(tmp.path);
  try {
    const sql = String(
      check.prepare("SELECT sql FROM sqlite_schema WHERE name = 'workflow_history'").get()?.sql,
    );
    assert.match(sql, /WITHOUT ROWID/);
    assert.doesNotMatch(sql, /response/);
  } finally {
    check.close();
  }
});

/** The store's prune statements with typical values, as EXPLAIN QUERY PLAN takes them. */
function prunePlans(): string[] {
  const from = "workflow_instances INDEXED BY workflow_instances_by_completed";
  const where = "WHERE completed_at < '2026-01-01T00:00:00.000Z' " +
    "AND status IN ('COMPLETED', 'FAILED', 'CANCELLED')";
  const page = "ORDER BY completed_at, id LIMIT 500";
  return [
    `SELECT * FROM ${from} ${where} ${page}`,
    `SELECT * FROM ${from} ${where} AND workflow_name = 'W' ${page}`,
    `SELECT count(*) FROM ${from} ${where}`,
    `DELETE FROM workflow_instances WHERE id IN (SELECT id FROM ${from} ${where} ${page})`,
  ];
}

Deno.test("the hot queries use indexes: no table scans, no sorting", () => {
  using tmp = tempDbPath();
  openSqliteStore(tmp.path).close();
  const raw = new DatabaseSync(tmp.path);
  const plan = (sql: string) =>
    raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all().map((r) => String(r.detail)).join(" | ");
  try {
    const queries = [
      "SELECT * FROM workflow_instances WHERE id = 'x'",
      "SELECT * FROM workflow_history WHERE instance_id = 'x' ORDER BY seq DESC LIMIT 1",
      "SELECT * FROM workflow_history WHERE instance_id = 'x' ORDER BY seq LIMIT 10 OFFSET 5",
      "SELECT * FROM workflow_instances ORDER BY created_at DESC, id DESC LIMIT 10",
      "SELECT * FROM workflow_instances WHERE status = 'RUNNING' " +
      "ORDER BY created_at DESC, id DESC LIMIT 10",
      "SELECT * FROM workflow_instances WHERE workflow_name = 'W' " +
      "ORDER BY created_at DESC, id DESC LIMIT 10",
      "SELECT * FROM workflow_instances WHERE workflow_name = 'W' AND status = 'RUNNING' " +
      "ORDER BY created_at DESC, id DESC LIMIT 10",
      "SELECT SUM(n) FROM workflow_instance_counts WHERE workflow_name = 'W' AND status = 'RUNNING'",
      "SELECT body FROM workflow_definitions WHERE hash = 'h'",
      ...prunePlans(),
    ];
    for (const sql of queries) {
      const detail = plan(sql);
      assert.doesNotMatch(detail, /TEMP B-TREE/, `${sql} sorts: ${detail}`);
      if (!sql.startsWith("SELECT * FROM workflow_instances ORDER BY")) {
        assert.match(detail, /SEARCH/, `${sql} scans: ${detail}`);
      }
    }
  } finally {
    raw.close();
  }
});

Deno.test("a database written by a newer server is refused and left unchanged", () => {
  using tmp = tempDbPath();
  const raw = new DatabaseSync(tmp.path);
  raw.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
  raw.close();
  assert.throws(
    () => openSqliteStore(tmp.path),
    isStorageError(new RegExp(`schema version ${SCHEMA_VERSION + 1}.*Upgrade the server`, "s")),
  );
  const check = new DatabaseSync(tmp.path);
  try {
    assert.equal(check.prepare("PRAGMA user_version").get()?.user_version, SCHEMA_VERSION + 1);
    assert.equal(check.prepare("PRAGMA journal_mode").get()?.journal_mode, "delete");
  } finally {
    check.close();
  }
});

Deno.test("a database created by another program (tables, no version) is refused", () => {
  using tmp = tempDbPath();
  const raw = new DatabaseSync(tmp.path);
  raw.exec("CREATE TABLE workflow_instances (instance_id TEXT PRIMARY KEY, state TEXT)");
  raw.close();
  assert.throws(
    () => openSqliteStore(tmp.path),
    isStorageError(/already has tables but no schema version.*new file/s),
  );
  const check = new DatabaseSync(tmp.path);
  try {
    assert.equal(check.prepare("PRAGMA user_version").get()?.user_version, 0);
    assert.equal(check.prepare("PRAGMA journal_mode").get()?.journal_mode, "delete");
  } finally {
    check.close();
  }
});

Deno.test("a file that is not a database gives a StorageError naming the path", () => {
  using tmp = tempDbPath();
  const garbage = "this is not sqlite\n".repeat(300);
  Deno.writeTextFileSync(tmp.path, garbage);
  assert.throws(
    () => openSqliteStore(tmp.path),
    isStorageError(/is not a usable SQLite database \(file is not a database\)/),
  );
  assert.throws(() => openSqliteStore(tmp.path), isStorageError(new RegExp(tmp.path)));
  assert.equal(Deno.readTextFileSync(tmp.path), garbage, "the file is not touched");
});

Deno.test("a parent path that cannot be created gives a StorageError naming the folder", () => {
  using tmp = tempDbPath();
  Deno.writeTextFileSync(`${tmp.dir}/plain-file`, "x");
  assert.throws(
    () => openSqliteStore(`${tmp.dir}/plain-file/sub/workflows.sqlite`),
    isStorageError(/Cannot create the folder .*plain-file\/sub for the database/),
  );
});

/** Whether file permission bits bind this process (they do not for root). */
function permissionBitsApply(): boolean {
  const dir = Deno.makeTempDirSync({ prefix: "store-test-probe-" });
  try {
    Deno.writeTextFileSync(`${dir}/probe`, "x");
    Deno.chmodSync(`${dir}/probe`, 0o444);
    try {
      Deno.writeTextFileSync(`${dir}/probe`, "y");
      return false;
    } catch (error) {
      if (error instanceof Deno.errors.PermissionDenied) return true;
      throw error;
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/**
 * This Deno, or a copy of it in `dir` when another user could not run ours: `npx deno` as root
 * runs a binary inside root's private home.
 */
function denoOthersCanRun(dir: string): string {
  const deno = Deno.execPath();
  const enterable = (folder: string): boolean =>
    ((Deno.statSync(folder).mode ?? 0) & 0o001) !== 0 &&
    (dirname(folder) === folder || enterable(dirname(folder)));
  if (enterable(dirname(deno))) return deno;
  Deno.copyFileSync(deno, `${dir}/deno`);
  Deno.chmodSync(`${dir}/deno`, 0o755);
  return `${dir}/deno`;
}

/**
 * Open `path` in a child process; when permission bits do not bind us (root), the child runs as
 * `nobody` so read-only files really are read-only.
 */
function openInChild(path: string): { ok: boolean; error?: string; message?: string } {
  const root = !permissionBitsApply();
  const denoDir = Deno.makeTempDirSync({ prefix: "store-test-deno-dir-" });
  Deno.chmodSync(denoDir, 0o777);
  // `nobody` may not enter the checkout (a private home, a 0700 temp folder): it runs a copy of
  // the helper and the sources it imports, from a folder it can enter.
  const copy = `${denoDir}/checkout`;
  cpSync(new URL("../../src/", import.meta.url), `${copy}/src`, { recursive: true });
  cpSync(FIXTURES, `${copy}/tests/store/fixtures`, { recursive: true });
  try {
    const output = new Deno.Command(root ? denoOthersCanRun(denoDir) : Deno.execPath(), {
      args: [
        "run",
        "--no-config",
        "--allow-read",
        "--allow-write",
        `${copy}/tests/store/fixtures/open_store.ts`,
        path,
      ],
      cwd: copy,
      env: { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1" },
      ...(root ? { uid: 65534, gid: 65534 } : {}),
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    const stdout = new TextDecoder().decode(output.stdout);
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    return JSON.parse(stdout);
  } finally {
    Deno.removeSync(denoDir, { recursive: true });
  }
}

Deno.test("a read-only database file gives a StorageError saying to make it writable", () => {
  using tmp = tempDbPath();
  Deno.chmodSync(tmp.dir, 0o755);
  openSqliteStore(tmp.path).close();
  Deno.chmodSync(tmp.path, 0o444);
  const result = openInChild(tmp.path);
  assert.equal(result.ok, false);
  assert.equal(result.error, "STORAGE_ERROR");
  assert.match(result.message ?? "", /Cannot write the database .*workflows\.sqlite/);
  assert.match(result.message ?? "", /readonly database/);
  assert.match(result.message ?? "", /writable/);
});

Deno.test("a new database in a read-only folder gives a StorageError naming the path", () => {
  using tmp = tempDbPath();
  Deno.chmodSync(tmp.dir, 0o555);
  try {
    const result = openInChild(tmp.path);
    assert.equal(result.ok, false);
    assert.equal(result.error, "STORAGE_ERROR");
    assert.match(result.message ?? "", /Cannot open the database .*workflows\.sqlite/);
    assert.match(result.message ?? "", /folder/);
  } finally {
    Deno.chmodSync(tmp.dir, 0o755);
  }
});

Deno.test("the child-process helper itself can open a writable database", () => {
  using tmp = tempDbPath();
  Deno.chmodSync(tmp.dir, 0o777);
  assert.deepEqual(openInChild(tmp.path), { ok: true });
});

Deno.test("a database write-locked by another connection gives a 'locked' StorageError", async () => {
  using tmp = tempDbPath();
  using store = disposable(openSqliteStore(tmp.path, { busyTimeoutMs: 50 }));
  const init = newInstance();
  await store.createInstance(init, startEntry());

  const other = new DatabaseSync(tmp.path);
  other.exec("BEGIN EXCLUSIVE");
  try {
    const change = { status: "RUNNING" as const, currentStep: "b", context: {} };
    await assert.rejects(
      () => store.applyTransition(init.id, 1, change, reportEntry("identify_target", "b")),
      (error: unknown) => {
        assert.ok(error instanceof DatabaseLockedError);
        assert.ok(error instanceof StorageError);
        assert.equal(error.retryable, true);
        assert.match(
          error.message,
          /database is locked by another process for more than 50 ms: .*workflows\.sqlite/,
        );
        assert.match(error.message, new RegExp(`advancing instance '${init.id}'`));
        return true;
      },
    );
    // Opening needs the write lock too (the migration transaction proves the file is writable).
    assert.throws(
      () => openSqliteStore(tmp.path, { busyTimeoutMs: 20 }),
      isStorageError(/database is locked by another process for more than 20 ms/),
    );
    // WAL readers are not blocked by a writer.
    assert.equal((await store.getInstance(init.id))?.version, 1);
  } finally {
    other.exec("ROLLBACK");
    other.close();
  }
  // Nothing was half-applied, and the store works again once the lock is gone.
  assert.equal((await store.listHistory(init.id, { limit: 10, offset: 0 })).total, 1);
  const change = { status: "RUNNING" as const, currentStep: "b", context: {} };
  assert.equal(
    (await store.applyTransition(init.id, 1, change, reportEntry("identify_target", "b"))).version,
    2,
  );
});

Deno.test("invalid options are rejected with a StorageError", () => {
  using tmp = tempDbPath();
  assert.throws(
    () => openSqliteStore(tmp.path, { busyTimeoutMs: -1 }),
    isStorageError(/busyTimeoutMs/),
  );
});
