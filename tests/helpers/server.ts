/**
 * Test harness: spawns main.ts exactly as `deno task start` would (same permission flags) and
 * connects the official MCP client to it over stdio.
 * @module
 */
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { fileURLToPath as fromFileUrl } from "node:url";
import { join } from "node:path";
import type { ClientOptions } from "@modelcontextprotocol/client";
import { type Config, loadConfig, type Provider } from "../../src/config.ts";
import type { EnvVar } from "../../src/env_vars.ts";
import { permissionFlags } from "../../src/permissions.ts";

/** The repository's main.ts. */
export const MAIN = fromFileUrl(new URL("../../main.ts", import.meta.url));
/** The built-in workflows folder. */
export const BUILTIN_WORKFLOWS = fromFileUrl(new URL("../../workflows", import.meta.url));
/** The protocol revision a modern (2026-07-28) client pins. */
export const MODERN_PROTOCOL = "2026-07-28";
/** Client options that make a client speak 2026-07-28 (`server/discover`) instead of `initialize`. */
export const MODERN_CLIENT: ClientOptions = {
  versionNegotiation: { mode: { pin: MODERN_PROTOCOL } },
};

/** Options for one spawned server. */
export interface ServerOptions {
  workflowsDir?: string;
  dbPath?: string;
  /** Extra environment variables for the server process. */
  env?: Record<string, string>;
  /** Extra command-line arguments after main.ts. */
  args?: string[];
  /** Decision maker and its variables (default: stub). */
  ai?: AiOptions;
  /** Options of the SDK client (e.g. `capabilities: { sampling: {} }`). */
  client?: ClientOptions;
  /** Called before connecting, e.g. to register the client's request handlers. */
  setup?: (client: Client) => void;
}

/** The decision maker a spawned server uses: its provider and configuration variables. */
export interface AiOptions {
  provider: Provider;
  /** E.g. `{ AI_SERVICE_ENDPOINT: "http://127.0.0.1:PORT/v1", AI_MODEL_NAME: "m" }`. */
  env?: Partial<Record<EnvVar, string>>;
}

/** A connected client plus what the test needs to inspect. */
export interface Connected {
  client: Client;
  dbPath: string;
  workflowsDir: string;
  stderr: () => string;
  close: () => Promise<void>;
}

/** How `serverArgs` departs from a plain stdio server run. */
interface ServerArgsOptions {
  /** Serve Streamable HTTP at this `host:port`: `--http=` after the paths, and its permissions. */
  httpBind?: string;
  /** Arguments right after main.ts, before the path flags (a CLI command and its options). */
  command?: string[];
  /** The permission flags for this configuration, instead of the server's (a CLI command's). */
  flags?: (config: Config) => string[];
}

/**
 * The `deno run` argument list the launcher would use for these paths and decision maker (stub
 * unless `ai` says otherwise); `ai.env` must also be in the server's environment.
 */
export function serverArgs(
  workflowsDir: string,
  dbPath: string,
  extra: string[] = [],
  ai: AiOptions = { provider: "stub" },
  options: ServerArgsOptions = {},
): string[] {
  const config = loadConfig({
    ...ai.env,
    WORKFLOW_DEFINITIONS_DIR: workflowsDir,
    WORKFLOW_DB_PATH: dbPath,
    AI_PROVIDER: ai.provider,
  });
  const { httpBind } = options;
  return [
    "run",
    "--no-prompt",
    ...(options.flags?.(config) ?? permissionFlags(config, { httpBind })),
    MAIN,
    ...(options.command ?? []),
    `--workflows-dir=${workflowsDir}`,
    `--db-path=${dbPath}`,
    `--ai-provider=${ai.provider}`,
    ...(httpBind ? [`--http=${httpBind}`] : []),
    ...extra,
  ];
}

/**
 * Deno's cache folder, for spawned Denos whose HOME or XDG_CACHE_HOME a test moves (they would
 * download every npm dependency again).
 */
export function denoDir(): string {
  const output = new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).outputSync();
  return (JSON.parse(new TextDecoder().decode(output.stdout)) as { denoDir: string }).denoDir;
}

/** A fresh temp dir holding the DB of one test. */
export function tempDbPath(): string {
  return join(Deno.makeTempDirSync({ prefix: "orch-test-" }), "data", "workflows.sqlite");
}

/** Spawn the server and connect an SDK v2 client over stdio. */
export async function connect(options: ServerOptions = {}): Promise<Connected> {
  const workflowsDir = options.workflowsDir ?? BUILTIN_WORKFLOWS;
  const dbPath = options.dbPath ?? tempDbPath();
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    // The permission flags follow the whole configuration (a WORKFLOW_DB_URL grants its host).
    args: serverArgs(workflowsDir, dbPath, options.args, {
      provider: options.ai?.provider ?? "stub",
      env: { ...options.env, ...options.ai?.env },
    }),
    env: { NO_COLOR: "1", ...options.env, ...options.ai?.env },
    stderr: "pipe",
  });
  let errors = "";
  transport.stderr?.on("data", (chunk: Uint8Array) => {
    errors += new TextDecoder().decode(chunk);
  });
  const client = new Client({ name: "orchestrator-test", version: "1.0.0" }, options.client);
  options.setup?.(client);
  await client.connect(transport);
  let closing = false;
  // A server that dies under a test is a bug: show what it said, not just "Connection closed".
  client.onclose = () => {
    if (!closing) console.error(`server exited unexpectedly; its stderr:\n${errors}`);
  };
  return {
    client,
    dbPath,
    workflowsDir,
    stderr: () => errors,
    close: () => {
      closing = true;
      return client.close();
    },
  };
}

/** Call a tool and return its structured content, failing the test on an error result. */
export async function call<T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name} failed: ${toolText(result)}`);
  return result.structuredContent as T;
}

/** Call a tool expecting an error result; returns its text. */
export async function callError(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<string> {
  const result = await client.callTool({ name, arguments: args });
  if (!result.isError) {
    throw new Error(`${name} unexpectedly succeeded: ${JSON.stringify(result.structuredContent)}`);
  }
  return toolText(result);
}

/** The text of a tool result: its text parts, one per line (the server sends one). */
export function toolText(result: { content?: unknown }): string {
  return (result.content as { text?: string }[]).map((c) => c.text).join("\n");
}
