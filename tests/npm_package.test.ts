/**
 * The npm package, as a user gets it: `deno task pack`'s tarball installed with npm into a fresh
 * prefix, its bin started with only Node.js on PATH (no Deno), driven by the SDK client over
 * stdio. The bin runs the launcher with exactly the `cli` task's flags, from the caller's
 * working directory, and passes signals and the exit code through. The MCP Inspector CLI check
 * downloads the Inspector (~200 MB into npm's cache on first use, ~25 s), so it runs only with
 * WORKFLOW_TEST_INSPECTOR=1, which `.ci/run` sets.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { packNpm } from "../scripts/npm_pack.ts";
import { taskArgs } from "../npm/task_args.mjs";
import type { StepResponse } from "./helpers/advance.ts";
import { freePort, TEST_TOKEN } from "./helpers/http_server.ts";
import { commandOf, descendants, killAll } from "./helpers/processes.ts";
import { BUILTIN_WORKFLOWS, call, denoDir } from "./helpers/server.ts";
import { deadline, eventually } from "./helpers/wait.ts";

const REPO = new URL("..", import.meta.url).pathname;
const CLI_TASK = (JSON.parse(Deno.readTextFileSync(`${REPO}deno.json`)) as {
  tasks: { cli: string };
}).tasks.cli;

/** The installed package: its bin, the Deno it runs on, a PATH with Node.js, npm and sh only. */
interface Installed {
  bin: string;
  deno: string;
  /** Where the bin copies the package's Deno program (`XDG_CACHE_HOME`). */
  cache: string;
  nodeOnlyPath: string;
}

let installing: Promise<Installed> | undefined;
/** Pack and install once for the whole file. */
const installed = () => installing ??= packAndInstall();

async function packAndInstall(): Promise<Installed> {
  const root = Deno.makeTempDirSync({ prefix: "orch-npm-" });
  const started = performance.now();
  const tarball = await packNpm(root);
  const packed = performance.now();
  const prefix = join(root, "prefix");
  // npm's cache first: the `deno` package (~40 MB) is downloaded once per machine.
  const install = await new Deno.Command("npm", {
    args: ["install", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", tarball],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(install.success, `npm install failed:\n${new TextDecoder().decode(install.stderr)}`);
  console.error(
    `[npm package] packed in ${seconds(started, packed)}, installed in ${seconds(packed)}`,
  );
  const nodeOnlyPath = join(root, "path");
  Deno.mkdirSync(nodeOnlyPath);
  for (const program of ["node", "npm", "npx", "sh"]) {
    Deno.symlinkSync(onPath(program), join(nodeOnlyPath, program));
  }
  return {
    bin: join(prefix, "node_modules", ".bin", "orchestrator-mcp-server"),
    deno: Deno.realPathSync(join(prefix, "node_modules", "deno", "deno")),
    cache: join(root, "cache"),
    nodeOnlyPath,
  };
}

function seconds(from: number, to = performance.now()): string {
  return `${((to - from) / 1000).toFixed(1)} s`;
}

/** The path of `program` in the first PATH folder holding it. */
function onPath(program: string): string {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      if (Deno.statSync(join(dir, program)).isFile) return join(dir, program);
    } catch {
      // Not in this folder.
    }
  }
  throw new Error(`${program} is not on PATH`);
}

/**
 * The bin's environment: Node.js, npm and sh alone on PATH, a cache folder of its own (but this Deno's
 * npm cache: a first start on a new machine downloads the dependencies, ~1 min here), stub
 * decisions.
 */
function binEnv(pkg: Installed, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NO_COLOR: "1",
    PATH: pkg.nodeOnlyPath,
    XDG_CACHE_HOME: pkg.cache,
    DENO_DIR: denoDir(),
    AI_PROVIDER: "stub",
    ...extra,
  };
}

/** A working directory with a `workflows/` folder holding only the built-in SAVE. */
function userDir(): string {
  const cwd = Deno.makeTempDirSync({ prefix: "orch-npm-cwd-" });
  const copy = (from: string, to: string) => {
    Deno.mkdirSync(to, { recursive: true });
    for (const entry of Deno.readDirSync(from)) {
      if (entry.isDirectory) copy(join(from, entry.name), join(to, entry.name));
      else Deno.copyFileSync(join(from, entry.name), join(to, entry.name));
    }
  };
  copy(join(BUILTIN_WORKFLOWS, "SAVE"), join(cwd, "workflows", "SAVE"));
  return cwd;
}

Deno.test("the installed bin serves MCP over stdio with no Deno on PATH, from the caller's folder", async () => {
  const pkg = await installed();
  const cwd = userDir();
  const transport = new StdioClientTransport({
    command: pkg.bin,
    cwd,
    env: binEnv(pkg, { WORKFLOW_DB_PATH: "data/workflows.sqlite" }),
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Uint8Array) => (stderr += new TextDecoder().decode(chunk)));
  const client = new Client({ name: "npm-package", version: "1.0.0" });
  const started = performance.now();
  try {
    await client.connect(transport);
    console.error(`[npm package] first start (copy into the cache included): ${seconds(started)}`);
    const { workflows } = await call<{ workflows: { name: string }[] }>(client, "list_workflows");
    assert.deepEqual(workflows.map((w) => w.name), ["SAVE"], "./workflows of the caller's folder");
    const first = await call<StepResponse>(client, "start_workflow", { workflow_name: "SAVE" });
    assert.equal(first.status, "RUNNING");
    assert.equal(first.next_step.step_name, "gather_context");
    assert.ok(Deno.statSync(join(cwd, "data", "workflows.sqlite")).isFile, "relative DB path");
    // The launcher runs with exactly the cli task's flags, on the package's Deno.
    const [launcher] = descendants(transport.pid!).map(commandOf).filter((c) =>
      c.includes("launch.ts")
    );
    const [app] = [...Deno.readDirSync(join(pkg.cache, "orchestrator-mcp-server"))];
    const expected = [...taskArgs(CLI_TASK, pkg.deno), "serve"].map((arg) =>
      arg === "scripts/launch.ts"
        ? join(pkg.cache, "orchestrator-mcp-server", app!.name, "scripts", "launch.ts")
        : arg
    );
    assert.equal(launcher, [pkg.deno, ...expected].join(" "));
  } catch (error) {
    throw new Error(`${error}\nserver stderr:\n${stderr}`);
  } finally {
    await client.close();
  }
});

Deno.test("SIGTERM to the bin reaches the server, and the bin exits with the server's code", async () => {
  const pkg = await installed();
  const port = freePort();
  const child = new Deno.Command(pkg.bin, {
    args: ["--http", `127.0.0.1:${port}`],
    cwd: userDir(),
    env: binEnv(pkg, { WORKFLOW_DB_PATH: "data/workflows.sqlite", MCP_HTTP_TOKEN: TEST_TOKEN }),
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const read = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (text) => void (stderr += text) }),
  );
  const tree = descendants(child.pid);
  try {
    await eventually(() => stderr.includes(`http://127.0.0.1:${port}/mcp`) || undefined, stderr, {
      timeoutMs: 60_000,
    });
    child.kill("SIGTERM");
    const status = await deadline(child.status, 15_000, "the bin to exit after SIGTERM");
    // Not killed with the bin: the server got the signal, stopped gracefully and exited 0.
    assert.equal(status.code, 0, stderr);
    assert.equal(status.signal, null);
    await read;
    assert.match(stderr, /stopping: finishing in-flight calls/);
    Deno.listen({ hostname: "127.0.0.1", port }).close();
  } finally {
    killAll(tree);
  }
});

Deno.test("a configuration error ends the bin with exit code 1 and the launcher's message", async () => {
  const pkg = await installed();
  const child = new Deno.Command(pkg.bin, {
    cwd: userDir(),
    env: binEnv(pkg, { LOG_LEVEL: "loud" }),
    stdin: "piped", // left open, as an MCP client does: the bin must not wait on it
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = await deadline(child.output(), 30_000, "the bin to exit by itself");
  await child.stdin.close();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 1, stderr);
  assert.match(stderr, /Invalid configuration: LOG_LEVEL \(--log-level\)="loud"/);
  assert.equal(new TextDecoder().decode(output.stdout), "", "nothing on the protocol's stream");
});

/** The Inspector release the check runs (pinned, so a new release cannot break CI unseen). */
const INSPECTOR_VERSION = "2.12.0";

Deno.test({
  name: "the MCP Inspector CLI lists the installed bin's tools (WORKFLOW_TEST_INSPECTOR=1)",
  ignore: Deno.env.get("WORKFLOW_TEST_INSPECTOR") !== "1",
  fn: async () => {
    const pkg = await installed();
    const cwd = userDir();
    const output = await new Deno.Command(join(pkg.nodeOnlyPath, "npx"), {
      args: [
        "-y",
        `@modelcontextprotocol/inspector@${INSPECTOR_VERSION}`,
        "--cli",
        pkg.bin,
        "--method",
        "tools/list",
      ],
      cwd,
      env: binEnv(pkg, { WORKFLOW_DB_PATH: join(cwd, "data", "workflows.sqlite") }),
      stdout: "piped",
      stderr: "piped",
      // A registry that stalls fails the check instead of hanging the suite.
      signal: AbortSignal.timeout(240_000),
    }).output();
    const stdout = new TextDecoder().decode(output.stdout);
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    const { tools } = JSON.parse(stdout) as { tools: { name: string }[] };
    assert.ok(tools.some((tool) => tool.name === "start_workflow"), stdout);
  },
});
