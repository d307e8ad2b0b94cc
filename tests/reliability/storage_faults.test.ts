/**
 * Storage faults end to end: a corrupt file, a folder that cannot be created, corrupted pages, a
 * lock held by another process past the busy timeout, a full disk and a read-only file system
 * (tiny tmpfs mounts, when this user may mount). Each must give one clear message (at start-up on
 * stderr with exit code 1, or per call as an isError result), and nothing acknowledged is lost.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { BUILTIN_WORKFLOWS, call, callError, connect, serverArgs } from "../helpers/server.ts";
import { checkDatabaseFile } from "./db_invariants.ts";

/** Run the server expecting it to stop at start-up; its exit code and stderr. */
async function startupFailure(dbPath: string): Promise<{ code: number; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: serverArgs(BUILTIN_WORKFLOWS, dbPath),
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

/** One error line naming the problem, and no stack trace. */
function assertOneClearLine(stderr: string, expected: RegExp): void {
  const errors = stderr.split("\n").filter((line) => line.includes("error"));
  assert.equal(errors.length, 1, stderr);
  assert.match(errors[0]!, expected);
  assert.doesNotMatch(stderr, /^\s+at /m, "no stack trace");
}

Deno.test("a file that is not a database stops start-up with one clear line", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "orch-fault-" });
  const dbPath = join(dir, "workflows.sqlite");
  Deno.writeFileSync(dbPath, crypto.getRandomValues(new Uint8Array(8192)));
  const { code, stderr } = await startupFailure(dbPath);
  assert.equal(code, 1);
  assertOneClearLine(stderr, /workflows\.sqlite is not a usable SQLite database.*WORKFLOW_DB_PATH/);
});

Deno.test("a DB folder that cannot be created stops start-up naming the folder", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "orch-fault-" });
  Deno.writeTextFileSync(join(dir, "blocker"), "a file where the DB folder should be");
  const { code, stderr } = await startupFailure(join(dir, "blocker", "db", "workflows.sqlite"));
  assert.equal(code, 1);
  assertOneClearLine(stderr, /Cannot create the folder .*blocker\/db for the database/);
});

Deno.test("corrupted pages stop start-up with one clear line and leave the file as it was", async () => {
  const first = await connect();
  await call(first.client, "start_workflow", { workflow_name: "JOKE_GENERATOR" });
  await first.close();
  // Keep the header page (schema, version) and overwrite every table page after it.
  const bytes = Deno.readFileSync(first.dbPath);
  bytes.fill(0xab, 4096);
  Deno.writeFileSync(first.dbPath, bytes);
  const { code, stderr } = await startupFailure(first.dbPath);
  assert.equal(code, 1);
  assertOneClearLine(
    stderr,
    /is not a usable SQLite database \(database disk image is malformed\).*move this one away/,
  );
  assert.deepEqual(Deno.readFileSync(first.dbPath), bytes);
});

Deno.test("a write lock held by another process past the busy timeout: retryable error, no loss", async () => {
  const c = await connect();
  try {
    const started = await call<{ instance_id: string; next_step: { step_name: string } }>(
      c.client,
      "start_workflow",
      { workflow_name: "JOKE_GENERATOR" },
    );
    const other = new DatabaseSync(c.dbPath);
    other.exec("BEGIN IMMEDIATE");
    const advance = {
      instance_id: started.instance_id,
      report: { step_id: started.next_step.step_name, status: "success" },
    };
    try {
      const text = await callError(c.client, "advance_workflow", advance);
      assert.match(text, /database is locked by another process for more than 5000 ms/);
      assert.match(text, /retry shortly/);
      // WAL readers are not blocked, and nothing was half-applied.
      const status = await call<{ history_length: number }>(c.client, "get_workflow_status", {
        instance_id: started.instance_id,
      });
      assert.equal(status.history_length, 1);
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    // The same call succeeds once the lock is gone.
    await call(c.client, "advance_workflow", advance);
  } finally {
    await c.close();
  }
  assert.deepEqual(checkDatabaseFile(c.dbPath), []);
});

/** Whether this user can mount a tmpfs (root with CAP_SYS_ADMIN). */
function canMountTmpfs(): boolean {
  const dir = Deno.makeTempDirSync({ prefix: "orch-mount-probe-" });
  let mounted = false;
  try {
    mounted = new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir],
      stderr: "null",
    }).outputSync().success;
  } catch {
    // No mount command here.
  }
  if (mounted) new Deno.Command("umount", { args: [dir] }).outputSync();
  Deno.removeSync(dir);
  return mounted;
}

const MOUNTABLE = canMountTmpfs();

function sh(command: string, ...args: string[]): void {
  const output = new Deno.Command(command, { args, stderr: "piped" }).outputSync();
  assert.ok(
    output.success,
    `${command} ${args.join(" ")}: ${new TextDecoder().decode(output.stderr)}`,
  );
}

/** A tmpfs of `size` mounted on a fresh temp dir for the duration of `fn`. */
async function withTmpfs(size: string, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "orch-tmpfs-" });
  sh("mount", "-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir);
  try {
    await fn(dir);
  } finally {
    sh("umount", "-l", dir);
    Deno.removeSync(dir);
  }
}

Deno.test({
  name: "a full disk: a clear per-call error, earlier runs intact, writes resume with space",
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("1m", async (dir) => {
      const dbPath = join(dir, "workflows.sqlite");
      const c = await connect({ dbPath });
      const acknowledged: string[] = [];
      try {
        let failure = "";
        for (let i = 0; i < 40 && !failure; i++) {
          const result = await c.client.callTool({
            name: "start_workflow",
            arguments: {
              workflow_name: "JOKE_GENERATOR",
              context: { blob: `${i}`.repeat(100_000) },
            },
          });
          if (result.isError) failure = (result.content as { text: string }[])[0]!.text;
          else acknowledged.push((result.structuredContent as { instance_id: string }).instance_id);
        }
        assert.match(failure, /could not be written \(database or disk is full\)/);
        assert.match(failure, /Free disk space/);
        assert.ok(acknowledged.length > 0);
        for (const id of acknowledged) {
          const status = await call<{ history_length: number }>(c.client, "get_workflow_status", {
            instance_id: id,
          });
          assert.equal(status.history_length, 1);
        }
        sh("mount", "-o", "remount,size=16m", dir);
        await call(c.client, "start_workflow", { workflow_name: "JOKE_GENERATOR" });
      } finally {
        await c.close();
      }
      assert.deepEqual(checkDatabaseFile(dbPath), []);
    }),
});

Deno.test({
  name: "a read-only file system: start-up stops with one clear line, nothing is changed",
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("4m", async (dir) => {
      const dbPath = join(dir, "workflows.sqlite");
      const c = await connect({ dbPath });
      await call(c.client, "start_workflow", { workflow_name: "JOKE_GENERATOR" });
      await c.close();
      sh("mount", "-o", "remount,ro", dir);
      const before = Deno.readFileSync(dbPath);
      const { code, stderr } = await startupFailure(dbPath);
      assert.equal(code, 1);
      assertOneClearLine(stderr, /Cannot (write|open) the database .*workflows\.sqlite/);
      assert.deepEqual(Deno.readFileSync(dbPath), before);
    }),
});
