/**
 * The tasks that start a child Deno grant `--allow-run` for exactly the Deno binary that runs
 * them, so `deno task start` works with any Deno — one not on PATH, one behind a symlink, the one
 * `npx -y deno@2.9.6` fetched — and `taskArgs` reads a task the way `deno task` runs it.
 */
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { EXEC_PATH_GRANT, taskArgs } from "../npm/task_args.mjs";
import { call, tempDbPath } from "./helpers/server.ts";

const REPO = new URL("..", import.meta.url).pathname;
const denoJson = JSON.parse(Deno.readTextFileSync(`${REPO}deno.json`)) as {
  tasks: Record<string, string>;
};

Deno.test("the tasks that run a child Deno grant the running Deno binary and nothing else", () => {
  for (const task of ["start", "cli", "bench", "compile", "compile:all"]) {
    const command = denoJson.tasks[task]!;
    assert.ok(command.includes(EXEC_PATH_GRANT), `task '${task}' grants Deno.execPath()`);
    const runGrants = taskArgs(command, "/opt/deno 2.9/deno").filter((arg) =>
      arg.startsWith("--allow-run")
    );
    assert.deepEqual(runGrants, ["--allow-run=/opt/deno 2.9/deno"], `task '${task}'`);
  }
  assert.doesNotMatch(JSON.stringify(denoJson.tasks), /--allow-run=deno\b/);
});

Deno.test("taskArgs refuses what it cannot run as deno task would", () => {
  assert.deepEqual(taskArgs("deno run  --allow-read x.ts serve", "/d"), [
    "run",
    "--allow-read",
    "x.ts",
    "serve",
  ]);
  assert.throws(() => taskArgs("deno run x.ts && rm -rf data", "/d"), /found '&&'/);
  assert.throws(() => taskArgs("node x.js", "/d"), /expected one plain 'deno …' command/);
  assert.throws(
    () => taskArgs(`deno run ${EXEC_PATH_GRANT} ${EXEC_PATH_GRANT} x.ts`, "/d"),
    /grants the Deno binary twice/,
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
  transport.stderr?.on("data", (chunk: Uint8Array) => (stderr += new TextDecoder().decode(chunk)));
  const client = new Client({ name: "no-deno-on-path", version: "1.0.0" });
  try {
    await client.connect(transport);
    const { workflows } = await call<{ workflows: { name: string }[] }>(client, "list_workflows");
    assert.ok(workflows.some((w) => w.name === "SAVE"), stderr);
  } catch (error) {
    throw new Error(`${error}\nserver stderr:\n${stderr}`);
  } finally {
    await client.close();
  }
});
