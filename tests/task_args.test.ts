/**
 * The tasks that start a child Deno grant `--allow-run` for exactly the Deno binary that runs
 * them, so `deno task start` works with any Deno — one not on PATH, one behind a symlink, the one
 * `npx -y deno@2.9.6` fetched — and `taskArgs` reads a task the way `deno task` runs it. The
 * `start` task runs the server itself, with the flags `src/start_permissions.ts` narrows.
 */
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { DENO_EXEC_PATH, taskArgs } from "../npm/task_args.mjs";
import { call, tempDbPath } from "./helpers/server.ts";
import { FIT_FLAG, launcherFlags, START_FLAGS } from "../src/start_permissions.ts";

const REPO = new URL("..", import.meta.url).pathname;
const denoJson = JSON.parse(Deno.readTextFileSync(`${REPO}deno.json`)) as {
  tasks: Record<string, string>;
};

Deno.test("the tasks that run a child Deno grant the running Deno binary, not 'deno'", () => {
  const deno = "C:\\Program Files (x86)\\deno 2.9\\deno.exe";
  const runGrants = (task: string) =>
    taskArgs(denoJson.tasks[task]!, deno).filter((arg) => arg.startsWith("--allow-run"));
  for (const task of ["cli", "bench", "compile", "compile:all"]) {
    assert.deepEqual(
      runGrants(task),
      [`--allow-run=${deno}`],
      `task '${task}'`,
    );
  }
  assert.deepEqual(runGrants("pack"), [`--allow-run=npm,${deno}`]);
  // The server revokes `run` before it reads any input, and spawns only this binary with it.
  assert.deepEqual(runGrants("start"), ["--allow-run"]);
  assert.doesNotMatch(JSON.stringify(denoJson.tasks), /--allow-run=deno\b/);
});

Deno.test("the start task grants what src/start_permissions.ts narrows, and the launcher's flags are the cli task's", () => {
  const deno = "/opt/deno 2.9/deno";
  assert.deepEqual(
    taskArgs(denoJson.tasks.start!, deno),
    ["run", ...START_FLAGS, "main.ts", "serve", FIT_FLAG],
  );
  assert.deepEqual(
    taskArgs(denoJson.tasks.cli!, deno),
    ["run", ...launcherFlags(deno), "scripts/launch.ts"],
  );
});

Deno.test("taskArgs reads a plain deno command and refuses other shell syntax", () => {
  assert.deepEqual(
    taskArgs(`deno run  "--allow-run=${DENO_EXEC_PATH}" x.ts serve`, "/d e"),
    [
      "run",
      "--allow-run=/d e",
      "x.ts",
      "serve",
    ],
  );
  assert.throws(
    () => taskArgs("deno run x.ts && rm -rf data", "/d"),
    /found '&'/,
  );
  assert.throws(() => taskArgs("deno run $(whoami).ts", "/d"), /found '\$'/);
  assert.throws(() => taskArgs('deno run "x.ts', "/d"), /found '"'/);
  assert.throws(
    () => taskArgs("node x.js", "/d"),
    /expected one plain 'deno …' command/,
  );
});

Deno.test("deno task start serves MCP with no deno on PATH", async () => {
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["task", "--quiet", "start"],
    cwd: REPO,
    env: {
      NO_COLOR: "1",
      PATH: Deno.makeTempDirSync({ prefix: "orch-empty-path-" }),
      WORKFLOW_DB_PATH: tempDbPath(),
      AI_PROVIDER: "stub",
    },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on(
    "data",
    (chunk: Uint8Array) => (stderr += new TextDecoder().decode(chunk)),
  );
  const client = new Client({ name: "no-deno-on-path", version: "1.0.0" });
  try {
    await client.connect(transport);
    const { workflows } = await call<{ workflows: { name: string }[] }>(
      client,
      "list_workflows",
    );
    assert.ok(workflows.some((w) => w.name === "SAVE"), stderr);
  } catch (error) {
    throw new Error(`${error}\nserver stderr:\n${stderr}`);
  } finally {
    await client.close();
  }
});
