/**
 * `deno task start` in one process: with the default locations (`./workflows`, `./data`) the
 * server keeps exactly the permissions its configuration needs and revokes the rest (run, sys, the
 * Gemini host without a key, `./data` with PostgreSQL) before it reads any input; with anything
 * elsewhere it hands over to the launcher, as before; and it stops when whatever started it dies.
 * Run as the task runs it (the `start` task's arguments, `main.ts` made absolute) from a temporary
 * working directory holding a `workflows` folder.
 */
import assert from "node:assert/strict";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { taskArgs } from "../npm/task_args.mjs";
import { START_FLAGS } from "../src/start_permissions.ts";
import { commandOf, descendants, killAll, runToEnd, spawnCollected } from "./helpers/processes.ts";
import { BUILTIN_WORKFLOWS, call, MAIN, tempDbPath } from "./helpers/server.ts";
import { INITIALIZE } from "./helpers/jsonrpc.ts";
import { deadline, eventually } from "./helpers/wait.ts";

const REPO = new URL("..", import.meta.url).pathname;
const START_ARGS = taskArgs(
  (JSON.parse(Deno.readTextFileSync(`${REPO}deno.json`)) as { tasks: { start: string } }).tasks
    .start,
  Deno.execPath(),
).map((arg) => arg === "main.ts" ? MAIN : arg);

/** A working directory with `./workflows` holding one built-in workflow (and no `./data` yet). */
function workingDir(): string {
  const dir = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "orch-start-" }));
  cpSync(join(BUILTIN_WORKFLOWS, "JOKE_GENERATOR"), join(dir, "workflows", "JOKE_GENERATOR"), {
    recursive: true,
  });
  return dir;
}

/** Start the start task's command in `cwd` with `env`, connected as an MCP client. */
async function start(cwd: string, env: Record<string, string> = {}) {
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: START_ARGS,
    cwd,
    env: { NO_COLOR: "1", LOG_LEVEL: "debug", ...env },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Uint8Array) => (stderr += new TextDecoder().decode(chunk)));
  const client = new Client({ name: "start-test", version: "1.0.0" });
  await client.connect(transport);
  return { client, pid: transport.pid!, stderr: () => stderr };
}

Deno.test("with the default locations the server runs alone and keeps only what it needs", async () => {
  const cwd = workingDir();
  const server = await start(cwd);
  try {
    const { workflows } = await call<{ workflows: { name: string }[] }>(
      server.client,
      "list_workflows",
    );
    assert.deepEqual(workflows.map((w) => w.name), ["JOKE_GENERATOR"]);
    const started = await call<{ status: string }>(server.client, "start_workflow", {
      workflow_name: "JOKE_GENERATOR",
    });
    assert.equal(started.status, "RUNNING");
    assert.ok(Deno.statSync(join(cwd, "data", "workflows.sqlite")).isFile);
    assert.deepEqual(descendants(server.pid), [], "no launcher, no second process");
    assert.match(
      server.stderr(),
      new RegExp(
        `permissions fitted to the configuration: read ${cwd}/workflows,${cwd}/data; write ` +
          `${cwd}/data; net none; run none; sys none`,
      ),
    );
  } finally {
    await server.client.close();
  }
});

Deno.test("a Gemini key keeps the Gemini host", async () => {
  const cwd = workingDir();
  const gemini = await start(cwd, { GEMINI_API_KEY: "test-key-not-used" });
  try {
    await call(gemini.client, "list_workflows");
    assert.match(
      gemini.stderr(),
      /permissions fitted to the configuration: read \S+; write \S+; net generativelanguage\.googleapis\.com; run none; sys none/,
    );
  } finally {
    await gemini.client.close();
  }
});

Deno.test("with the database elsewhere the launcher grants it, as before", async () => {
  const cwd = workingDir();
  const dbPath = tempDbPath();
  const server = await start(cwd, { WORKFLOW_DB_PATH: dbPath });
  try {
    await call(server.client, "start_workflow", { workflow_name: "JOKE_GENERATOR" });
    assert.ok(Deno.statSync(dbPath).isFile);
    const commands = descendants(server.pid).map(commandOf);
    assert.ok(commands.some((c) => c.includes("scripts/launch.ts serve")), commands.join("\n"));
    assert.ok(
      commands.some((c) => c.includes(`--allow-write=${join(dbPath, "..")}`)),
      commands.join("\n"),
    );
  } finally {
    await server.client.close();
  }
});

Deno.test("a configuration the quick check misses is handed over after the exact one", async () => {
  // No ./workflows here: the built-in workflows are used, which the task did not grant.
  const cwd = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "orch-start-" }));
  const server = await start(cwd);
  try {
    const { workflows } = await call<{ workflows: unknown[] }>(server.client, "list_workflows");
    assert.equal(workflows.length, 9);
    assert.match(
      server.stderr(),
      new RegExp(
        `'deno task start' does not grant read ${BUILTIN_WORKFLOWS}: starting the launcher`,
      ),
    );
  } finally {
    await server.client.close();
  }
});

Deno.test("--fit-permissions refuses a process granted everything, which revoking cannot narrow", async () => {
  const { code, stderr } = await runToEnd(
    Deno.execPath(),
    ["run", "-A", MAIN, "serve", "--fit-permissions"],
    { cwd: workingDir() },
  );
  assert.equal(code, 1, stderr);
  assert.match(
    stderr,
    /error: --fit-permissions narrows the permissions of 'deno task start'.*all read access is granted/,
  );
});

Deno.test("SIGKILL of what started the one-process server stops it", async () => {
  const cwd = workingDir();
  // A shell in the task's place: it runs the server (not by exec: a command follows), then dies.
  const quoted = [Deno.execPath(), ...START_ARGS].map((arg) => `'${arg}'`).join(" ");
  const shell = spawnCollected("sh", ["-c", `${quoted}; exit $?`], {
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "piped",
  });
  await shell.stdin!.write(new TextEncoder().encode(`${JSON.stringify(INITIALIZE)}\n`));
  // Answered: the server watches its parent by now.
  await eventually(
    () => shell.output().includes('"id":1') || undefined,
    "the answer to initialize",
    { timeoutMs: 30_000 },
  );
  const tree = descendants(shell.child.pid);
  assert.equal(tree.length, 1, "the shell runs one server process");
  try {
    shell.child.kill("SIGKILL");
    // stdin stays open: only the parent's death can stop the server.
    await deadline(shell.ended, 10_000, `the server to exit; its output:\n${shell.output()}`);
    assert.match(
      shell.output(),
      new RegExp(`the task that started the server \\(pid ${shell.child.pid}\\) has exited`),
    );
  } finally {
    killAll(tree);
    await shell.child.status;
    await shell.stdin!.close().catch(() => {});
  }
});

Deno.test("the start flags grant nothing beyond the default locations, run and sys", () => {
  assert.deepEqual(
    START_FLAGS.filter((flag) => flag.startsWith("--allow-") && !flag.startsWith("--allow-env")),
    [
      "--allow-read=workflows,data",
      "--allow-write=data",
      "--allow-net=generativelanguage.googleapis.com",
      "--allow-sys=homedir",
      "--allow-run",
    ],
  );
});
