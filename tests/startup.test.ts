/**
 * Start-up stays fast: `serve` answers the MCP handshake before the application loads, so what
 * main.ts imports statically must leave out the application's heavy modules (YAML and Markdown
 * parsers, SQLite, node:crypto, the engine), the HTTP transport and the authoring commands; they
 * are imported where they are used.
 */
import assert from "node:assert/strict";
import { MAIN } from "./helpers/server.ts";

interface ModuleInfo {
  specifier: string;
  dependencies?: { code?: { specifier?: string }; isDynamic?: boolean }[];
}

/** Every module main.ts loads through static value imports (type-only imports are erased). */
async function staticImports(): Promise<Set<string>> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", MAIN],
    stderr: "inherit",
  }).output();
  assert.equal(output.code, 0);
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    roots: string[];
    modules: ModuleInfo[];
  };
  const modules = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const pending = [...info.roots];
  for (let specifier = pending.pop(); specifier !== undefined; specifier = pending.pop()) {
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const dependency of modules.get(specifier)?.dependencies ?? []) {
      const code = dependency.code?.specifier;
      if (code && !dependency.isDynamic) pending.push(code);
    }
  }
  return seen;
}

Deno.test("serve loads only what answering the handshake needs before it answers", async () => {
  const loaded = [...await staticImports()];
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
      "/src/store/sqlite.ts",
      "/src/definitions/registry.ts",
      "/src/mcp/http.ts",
      "/src/cli/commands.ts",
    ]
  ) {
    const found = loaded.filter((s) => s.startsWith(heavy) || s.endsWith(heavy));
    assert.deepEqual(found, [], `${heavy} is imported statically by main.ts`);
  }
});
