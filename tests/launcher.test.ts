/**
 * The launcher (`scripts/launch.ts`: `deno task cli`, the npm package, and `deno task start` with
 * anything configured elsewhere), run as the tasks run it. The server never outlives it: SIGKILL
 * of `deno task start` (HTTP) or of the launcher itself (stdio, stdin still open) stops the real
 * server within seconds, so its port is free for a restart. And it refuses to grant write access
 * to a home folder or the file system root as the database's folder.
 */
import assert from "node:assert/strict";
import { withoutDbUrl } from "../src/delegate.ts";
import { dbFolderToGrant } from "../src/permissions.ts";
import { taskArgs } from "../npm/task_args.mjs";
import { freePort, TEST_TOKEN } from "./helpers/http_server.ts";
import { INITIALIZE } from "./helpers/jsonrpc.ts";
import {
  commandOf,
  descendants,
  killAll,
  runToEnd,
  spawnCollected,
  type Watched,
} from "./helpers/processes.ts";
import { BUILTIN_WORKFLOWS, denoDir, tempDbPath } from "./helpers/server.ts";
import { deadline, eventually } from "./helpers/wait.ts";
import { freshSchema, POSTGRES_SKIP } from "./store/postgres_helpers.ts";

const REPO = new URL("..", import.meta.url).pathname;
const denoJson = JSON.parse(Deno.readTextFileSync(`${REPO}deno.json`)) as {
  tasks: Record<string, string>;
};
/** `deno task start` without `deno` (main.ts, which starts the launcher for a database elsewhere). */
const START_ARGS = taskArgs(denoJson.tasks.start!, Deno.execPath());
/** The launcher serving, as `deno task start` and the npm package start it. */
const LAUNCHER_ARGS = [...taskArgs(denoJson.tasks.cli!, Deno.execPath()), "serve"];

/** The environment of one launcher run: built-in workflows, stub decisions, a fresh database. */
function launcherEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NO_COLOR: "1",
    WORKFLOW_DEFINITIONS_DIR: BUILTIN_WORKFLOWS,
    WORKFLOW_DB_PATH: tempDbPath(),
    AI_PROVIDER: "stub",
    MCP_HTTP_TOKEN: TEST_TOKEN,
    ...extra,
  };
}

/** `deno ARGS` in the repository with one launcher run's environment, its output collected. */
function spawnWatched(args: string[], stdin: "piped" | "null"): Watched {
  return spawnCollected(Deno.execPath(), args, { cwd: REPO, env: launcherEnv(), stdin });
}

/** SIGKILL `watched`'s process and wait until all its descendants have exited too. */
async function killAndAwaitTree(watched: Watched, running: string): Promise<void> {
  await eventually(() => watched.output().includes(running) || undefined, running, {
    timeoutMs: 30_000,
  });
  const tree = descendants(watched.child.pid);
  assert.ok(tree.length > 0, "the launcher runs the server as a child");
  watched.child.kill("SIGKILL");
  try {
    await deadline(watched.ended, 10_000, `the server to exit; its output:\n${watched.output()}`);
  } finally {
    killAll(tree);
    await watched.child.status;
  }
}

Deno.test("SIGKILL of 'deno task start --http' stops the server and frees its port", async () => {
  const port = freePort();
  const task = spawnWatched(["task", "start", "--http", `127.0.0.1:${port}`], "null");
  await killAndAwaitTree(task, `Streamable HTTP at http://127.0.0.1:${port}/mcp`);
  Deno.listen({ hostname: "127.0.0.1", port }).close();
  assert.match(task.output(), /stopping: finishing in-flight calls/);
});

Deno.test("SIGKILL of the launcher stops a stdio server although its stdin stays open", async () => {
  const launcher = spawnWatched(LAUNCHER_ARGS, "piped");
  try {
    await launcher.stdin!.write(new TextEncoder().encode(`${JSON.stringify(INITIALIZE)}\n`));
    await killAndAwaitTree(launcher, '"id":1');
    assert.match(
      launcher.output(),
      new RegExp(`the launcher \\(pid ${launcher.child.pid}\\) has exited: stopping the server`),
    );
  } finally {
    await launcher.stdin!.close().catch(() => {});
  }
});

Deno.test("the launcher refuses a database directly in a home folder (or at the root)", async () => {
  const home = Deno.makeTempDirSync({ prefix: "orch-home-" });
  const cache = denoDir();
  const refusals: [string, RegExp][] = [
    [`${home}/x.sqlite`, /its folder \S+ is your home folder/],
    [`${home}/../x.sqlite`, /is a folder holding your home folder/],
  ];
  for (const [dbPath, reason] of refusals) {
    const { code, stderr } = await runToEnd(Deno.execPath(), START_ARGS, {
      cwd: REPO,
      env: launcherEnv({ HOME: home, DENO_DIR: cache, WORKFLOW_DB_PATH: dbPath }),
    });
    assert.equal(code, 1, stderr);
    assert.match(stderr, /error: Refusing WORKFLOW_DB_PATH=.*x\.sqlite/);
    assert.match(stderr, reason);
    assert.match(stderr, /Put the database in a folder of its own/);
  }
  assert.deepEqual([...Deno.readDirSync(home)], [], "nothing was created");
  // The root the same way (not run: a regression would create the file there).
  assert.throws(() => dbFolderToGrant("/x.sqlite"), /its folder \/ is the root of the file system/);
});

Deno.test("'deno task cli' without a command prints the help instead of starting a server", async () => {
  const cliArgs = taskArgs(denoJson.tasks.cli!, Deno.execPath());
  const child = new Deno.Command(Deno.execPath(), {
    args: cliArgs,
    cwd: REPO,
    env: launcherEnv(),
    stdin: "piped", // left open: a server would wait on it, the help does not
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const status = await Promise.race([
    child.status,
    new Promise<undefined>((resolve) => timer = setTimeout(() => resolve(undefined), 20_000)),
  ]);
  clearTimeout(timer);
  if (status === undefined) child.kill("SIGKILL");
  await child.stdin.close();
  const stdout = await new Response(child.stdout).text();
  assert.equal(status?.code, 0, "the launcher did not exit by itself");
  assert.match(stdout, /^Usage:/m);
});

Deno.test("'deno task cli' refuses a mistyped option, a stray one or a stray argument in one line", async () => {
  const cliArgs = taskArgs(denoJson.tasks.cli!, Deno.execPath());
  const env = launcherEnv();
  const refusals: [string[], number, RegExp][] = [
    // Refused by the launcher's own parse: no Node error class, the help named.
    [
      ["validate", "--workflow-dir", "x"],
      2,
      /^\[orchestrator\] error: Unknown option '--workflow-dir'\..* Run with --help for usage\.$/,
    ],
    [
      ["instances", "--limit"],
      2,
      /^\[orchestrator\] error: Option '--limit <value>' argument missing\. Run with --help for usage\.$/,
    ],
    // Refused by the command: an option of another command, an argument serve does not take.
    [
      ["validate", "--instance", "x"],
      1,
      /error: --instance does not apply to 'validate' \(its options: --json\)\. Run with --help for usage\.$/,
    ],
    [
      ["show", "abc", "--json"],
      1,
      /error: --json does not apply to 'show' \(it takes no options of its own\)\./,
    ],
    [
      ["serve", "frob"],
      1,
      /error: Too many arguments for 'serve': frob\. Usage: serve \[--http HOST:PORT\]/,
    ],
  ];
  for (const [args, code, message] of refusals) {
    const result = await runToEnd(Deno.execPath(), [...cliArgs, ...args], { cwd: REPO, env });
    assert.equal(result.code, code, `${args.join(" ")}: ${result.stderr}`);
    const lines = result.stderr.trim().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, message);
    assert.doesNotMatch(result.stderr, /TypeError|ERR_PARSE_ARGS|\n\s+at /);
  }
});

Deno.test({
  name: "the launcher hands --db-url to the server in its environment: no password in its ps line",
  ignore: POSTGRES_SKIP !== undefined,
  async fn() {
    await using schema = await freshSchema();
    const url = new URL(schema.url);
    url.password = "S3CRET-launch-pw"; // trust authentication: accepted, and never shown
    const launcher = spawnWatched([...LAUNCHER_ARGS, "--db-url", url.toString()], "piped");
    const tree: number[] = [];
    try {
      const list = {
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "list_instances" },
      };
      await launcher.stdin!.write(
        new TextEncoder().encode(`${JSON.stringify(INITIALIZE)}\n${JSON.stringify(list)}\n`),
      );
      // Answered from PostgreSQL: the server got the URL.
      await eventually(() => /"id":2/.test(launcher.output()) || undefined, "list_instances", {
        timeoutMs: 30_000,
      });
      assert.match(launcher.output(), /database: postgres:\/\/t_\w+:\*\*\*@127\.0\.0\.1/);
      tree.push(...descendants(launcher.child.pid));
      assert.ok(tree.length > 0);
      for (const pid of tree) assert.doesNotMatch(commandOf(pid), /S3CRET/, commandOf(pid));
    } finally {
      await launcher.stdin!.close().catch(() => {});
      await deadline(launcher.ended, 30_000, "the launcher to exit");
      killAll(tree);
    }
  },
});

Deno.test("withoutDbUrl takes --db-url out of a command line, in both spellings", () => {
  assert.deepEqual(withoutDbUrl(["run", "main.ts", "serve", "--db-url", "postgres://a:b@h/d"]), {
    args: ["run", "main.ts", "serve"],
    dbUrl: "postgres://a:b@h/d",
  });
  assert.deepEqual(withoutDbUrl(["x", "--db-url=postgres://h/d", "--json"]), {
    args: ["x", "--json"],
    dbUrl: "postgres://h/d",
  });
  assert.deepEqual(withoutDbUrl(["x", "--", "--db-url", "y"]), {
    args: ["x", "--", "--db-url", "y"],
  });
});
