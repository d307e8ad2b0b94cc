/**
 * Start-up stays fast: `serve` answers the MCP handshake before the application loads, so what it
 * imports until then (main.ts, then the configuration, the bind address parser and the MCP server
 * module) must leave out the application's heavy modules (YAML and Markdown parsers, SQLite,
 * node:crypto, the engine), the HTTP transport and the authoring commands; they are imported where
 * they are used. And main.ts itself imports neither the MCP SDK nor zod, so `deno task start` hands
 * over to the launcher, when it must, without loading them. A workflows path that is a file stops
 * start-up with one line; a missing one is a warning (workflows appear once it is created).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runToEnd } from "./helpers/processes.ts";
import { MAIN, serverArgs, tempDbPath } from "./helpers/server.ts";

/** What `serve` imports before it answers `initialize` (see main.ts). */
const HANDSHAKE_PATH = [
  MAIN,
  ...["config.ts", "mcp/http_bind.ts", "mcp/server.ts"].map((file) =>
    fileURLToPath(new URL(`../src/${file}`, import.meta.url))
  ),
];

interface ModuleInfo {
  specifier: string;
  dependencies?: { code?: { specifier?: string }; isDynamic?: boolean }[];
}

/** Every module `roots` load through static value imports (type-only imports are erased). */
async function staticImports(...roots: string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  for (const root of roots) {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", root],
      stderr: "inherit",
    }).output();
    assert.equal(output.code, 0);
    const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
      roots: string[];
      modules: ModuleInfo[];
    };
    const modules = new Map(info.modules.map((m) => [m.specifier, m]));
    const pending = [...info.roots];
    for (let specifier = pending.pop(); specifier !== undefined; specifier = pending.pop()) {
      if (seen.has(specifier)) continue;
      seen.add(specifier);
      for (const dependency of modules.get(specifier)?.dependencies ?? []) {
        const code = dependency.code?.specifier;
        if (code && !dependency.isDynamic) pending.push(code);
      }
    }
  }
  return seen;
}

Deno.test("main.ts imports neither the MCP SDK nor zod statically", async () => {
  const loaded = [...await staticImports(MAIN)];
  for (const heavy of ["npm:@modelcontextprotocol", "npm:zod", "/src/config.ts"]) {
    const found = loaded.filter((s) => s.startsWith(heavy) || s.endsWith(heavy));
    assert.deepEqual(found, [], `${heavy} is imported statically by main.ts`);
  }
});

Deno.test("serve loads only what answering the handshake needs before it answers", async () => {
  const loaded = [...await staticImports(...HANDSHAKE_PATH)];
  assert.ok(loaded.some((s) => s.endsWith("/src/mcp/tools.ts")), loaded.join("\n"));
  for (
    const heavy of [
      "npm:yaml",
      "npm:marked",
      "npm:@google/genai",
      "node:crypto",
      "node:sqlite",
      "/src/app.ts",
      "/src/engine/engine.ts",
      "/src/store/open.ts",
      "/src/definitions/registry.ts",
      "/src/mcp/http.ts",
      "/src/cli/commands.ts",
    ]
  ) {
    const found = loaded.filter((s) => s.startsWith(heavy) || s.endsWith(heavy));
    assert.deepEqual(found, [], `${heavy} is imported before the handshake is answered`);
  }
});

Deno.test("serve refuses a workflows path that is a file in one line; a missing one is a warning", async () => {
  const folder = Deno.makeTempDirSync();
  const file = `${folder}/workflows.txt`;
  Deno.writeTextFileSync(file, "not a folder");
  const refused = await runToEnd(Deno.execPath(), serverArgs(file, tempDbPath()), {
    env: { NO_COLOR: "1" },
  });
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(
    refused.stderr,
    /error: WORKFLOW_DEFINITIONS_DIR .*workflows\.txt is a file, not a directory: point it \(or --workflows-dir\) at the folder that holds one folder per workflow\.\n$/,
  );
  assert.doesNotMatch(refused.stderr, /\n\s+at |Internal error/);

  const missing = await runToEnd(Deno.execPath(), serverArgs(`${folder}/nope`, tempDbPath()), {
    env: { NO_COLOR: "1" },
  });
  assert.equal(missing.code, 0, missing.stderr);
  assert.match(
    missing.stderr,
    /warn: the workflows folder .*nope does not exist: no workflow is served until it is created/,
  );
  assert.doesNotMatch(missing.stderr, /Not watching/);
});
