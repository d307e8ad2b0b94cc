/**
 * `deno task compile` / `deno task compile:all`: builds the single-file executables with the
 * built-in workflows embedded and the permission flags of `compiledPermissionFlags` baked in (the
 * one source for them, so the binary cannot drift from `ENV_VARS`).
 *
 * Usage: `deno task compile [--target TRIPLE | --all] [--net-host HOST]...`
 * Output: `dist/orchestrator-mcp-server` (host), `dist/orchestrator-mcp-server-<triple>[.exe]`.
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { compiledPermissionFlags } from "../src/permissions.ts";

/** The release targets (`deno compile --target`). */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/** The executable's base name. */
export const BINARY_NAME = "orchestrator-mcp-server";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Output path (relative to the repository) for `target`, or for the host when omitted. */
export function outputPath(target?: string): string {
  if (!target) return `dist/${BINARY_NAME}`;
  return `dist/${BINARY_NAME}-${target}${target.includes("windows") ? ".exe" : ""}`;
}

/** The `deno compile` arguments for one target (the host when omitted). */
export function compileArgs(target?: string, extraNetHosts: readonly string[] = []): string[] {
  return [
    "compile",
    "--frozen",
    ...compiledPermissionFlags(extraNetHosts),
    "--include",
    "workflows",
    ...(target ? ["--target", target] : []),
    "--output",
    outputPath(target),
    "main.ts",
  ];
}

async function compile(target: string | undefined, extraNetHosts: string[]): Promise<void> {
  const args = compileArgs(target, extraNetHosts);
  console.error(`$ deno ${args.join(" ")}`);
  const { code } = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT }).spawn().status;
  if (code !== 0) {
    throw new Error(
      `deno compile failed for ${target ?? "the host"} (exit ${code}). It downloads the Deno ` +
        "runtime for the target on first use: check network access to dl.deno.land.",
    );
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      target: { type: "string" },
      all: { type: "boolean" },
      "net-host": { type: "string", multiple: true },
    },
  });
  if (values.target && !(TARGETS as readonly string[]).includes(values.target)) {
    console.error(`Unknown --target '${values.target}'. Use one of: ${TARGETS.join(", ")}.`);
    Deno.exit(2);
  }
  const targets = values.all ? [...TARGETS] : [values.target];
  try {
    for (const target of targets) await compile(target, values["net-host"] ?? []);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
}
