/**
 * Distribution: the permission flags of the tasks and the compiled binary come from one source
 * (`ENV_VARS`), and the built-in workflows are served the way the compiled binary serves them —
 * `main.ts` run with exactly the binary's baked-in flags, no workflows dir configured, no
 * `./workflows` in the working directory.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { BUILTIN_WORKFLOWS_DIR, defaultDefinitionsDir, loadConfig } from "../src/config.ts";
import { ENV_VARS, LIBRARY_ENV_VARS } from "../src/env_vars.ts";
import { compiledPermissionFlags } from "../src/permissions.ts";
import { compileArgs, outputPath, TARGETS } from "../scripts/compile.ts";
import { advanceToEnd, type StepResponse } from "./helpers/advance.ts";
import { BUILTIN_WORKFLOWS, call, MAIN, tempDbPath } from "./helpers/server.ts";

const denoJson = JSON.parse(
  Deno.readTextFileSync(new URL("../deno.json", import.meta.url)),
) as { tasks: Record<string, string> };

/** The comma-separated values of `--flag=` in a command line. */
function flagValues(commandLine: string[] | string, flag: string): string[] {
  const args = typeof commandLine === "string" ? commandLine.split(/\s+/) : commandLine;
  const arg = args.find((a) => a.startsWith(`${flag}=`));
  assert.ok(arg, `${flag}= is missing from ${JSON.stringify(commandLine)}`);
  return arg.slice(flag.length + 1).split(",");
}

Deno.test("the start and cli tasks may read exactly ENV_VARS (the server also LIBRARY_ENV_VARS)", () => {
  // `start` runs the server itself, which clears the libraries' variables at start-up.
  const expected = { start: [...ENV_VARS, ...LIBRARY_ENV_VARS], cli: [...ENV_VARS] };
  for (const [task, variables] of Object.entries(expected)) {
    assert.deepEqual(
      flagValues(denoJson.tasks[task] ?? "", "--allow-env").sort(),
      variables.sort(),
      `deno.json task '${task}' must list exactly these in --allow-env`,
    );
  }
});

Deno.test("compile tasks bake ENV_VARS, scoped net hosts and the built-in workflows in", () => {
  assert.match(denoJson.tasks.compile ?? "", /scripts\/compile\.ts$/);
  assert.match(denoJson.tasks["compile:all"] ?? "", /scripts\/compile\.ts --all$/);
  const args = compileArgs("aarch64-apple-darwin", ["llm.internal:8443"]);
  assert.deepEqual(flagValues(args, "--allow-env"), [...ENV_VARS, ...LIBRARY_ENV_VARS]);
  const net = flagValues(args, "--allow-net");
  assert.ok(net.includes("generativelanguage.googleapis.com") && net.includes("127.0.0.1"));
  assert.ok(net.includes("llm.internal:8443"), "--net-host adds a host");
  assert.ok(args.includes("--allow-read") && args.includes("--allow-write"));
  assert.deepEqual(args.slice(args.indexOf("--include"), args.indexOf("--include") + 2), [
    "--include",
    "workflows",
  ]);
  assert.equal(args.at(-1), "main.ts");
  assert.equal(outputPath(), "dist/orchestrator-mcp-server");
  assert.deepEqual(TARGETS.map((target) => outputPath(target)), [
    "dist/orchestrator-mcp-server-x86_64-unknown-linux-gnu",
    "dist/orchestrator-mcp-server-aarch64-unknown-linux-gnu",
    "dist/orchestrator-mcp-server-x86_64-apple-darwin",
    "dist/orchestrator-mcp-server-aarch64-apple-darwin",
    "dist/orchestrator-mcp-server-x86_64-pc-windows-msvc.exe",
  ]);
});

Deno.test("no workflows dir configured: ./workflows when it exists, else the built-ins", () => {
  const empty = Deno.makeTempDirSync({ prefix: "orch-cwd-" });
  assert.equal(defaultDefinitionsDir(empty), BUILTIN_WORKFLOWS_DIR);
  assert.equal(BUILTIN_WORKFLOWS_DIR, BUILTIN_WORKFLOWS);
  Deno.mkdirSync(join(empty, "workflows"));
  assert.equal(defaultDefinitionsDir(empty), join(empty, "workflows"));
  // An explicit setting always wins.
  assert.equal(loadConfig({ WORKFLOW_DEFINITIONS_DIR: empty }).definitionsDir, empty);
});

Deno.test("with the binary's flags and no workflows dir, the embedded built-ins run", async () => {
  const cwd = Deno.makeTempDirSync({ prefix: "orch-binary-cwd-" });
  const dbPath = tempDbPath();
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", ...compiledPermissionFlags(), MAIN],
    cwd,
    env: { NO_COLOR: "1", WORKFLOW_DB_PATH: dbPath, USE_STUB_AI_CLIENT: "true" },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Uint8Array) => (stderr += new TextDecoder().decode(chunk)));
  const client = new Client({ name: "binary-like", version: "1.0.0" });
  await client.connect(transport);
  try {
    const { workflows } = await call<{ workflows: { name: string; valid: boolean }[] }>(
      client,
      "list_workflows",
    );
    const names = [...Deno.readDirSync(BUILTIN_WORKFLOWS)].map((e) => e.name).sort();
    assert.deepEqual(workflows.map((w) => w.name), names);
    assert.ok(workflows.every((w) => w.valid));
    const first = await call<StepResponse>(client, "start_workflow", { workflow_name: "SAVE" });
    assert.equal((await advanceToEnd([client], first)).at(-1)!.status, "COMPLETED");
    assert.match(stderr, new RegExp(`workflows: ${BUILTIN_WORKFLOWS_DIR.replaceAll("/", "\\/")}`));
    assert.doesNotMatch(stderr, /Not watching/);
  } finally {
    await client.close();
  }
});

Deno.test("a host the binary may not reach is one clear line at start-up", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...compiledPermissionFlags(), MAIN, "--http", "192.0.2.7:8808"],
    env: {
      NO_COLOR: "1",
      WORKFLOW_DB_PATH: tempDbPath(),
      AI_PROVIDER: "openai",
      AI_SERVICE_ENDPOINT: "https://llm.example.com/v1",
      AI_MODEL_NAME: "some-model",
    },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr).trim();
  assert.equal(output.code, 1);
  assert.equal(stderr.split("\n").length, 1, stderr);
  assert.match(
    stderr,
    /missing permission: network access to llm\.example\.com, 192\.0\.2\.7:8808\. .*--allow-net=llm\.example\.com,192\.0\.2\.7:8808 .*deno task compile --net-host/,
  );
});
