/**
 * The least-privilege Deno permission flags for a configuration: read the workflows and the DB
 * folder, write only the DB folder, reach only the AI endpoint, read only our environment variables.
 *
 * @example
 * ```ts
 * permissionFlags(config); // ["--allow-read=/w,/data", "--allow-write=/data", "--allow-env=…"]
 * ```
 * @module
 */
import { dirname } from "node:path";
import { type Config, ENV_VARS, LIBRARY_ENV_VARS } from "./config.ts";

/** Google's Gemini API host, used when no endpoint override is configured. */
export const GEMINI_HOST = "generativelanguage.googleapis.com";

/** A path plus its real path when that differs (Deno checks the path actually opened). */
export function withRealPath(path: string): string[] {
  try {
    const real = Deno.realPathSync(path);
    return real === path ? [path] : [path, real];
  } catch {
    return [path];
  }
}

/** Hosts the configured decision maker talks to (none for stub and sampling). */
export function aiHosts(config: Config): string[] {
  if (config.aiProvider === "stub" || config.aiProvider === "sampling") return [];
  if (config.aiServiceEndpoint) return [new URL(config.aiServiceEndpoint).host];
  return config.aiProvider === "gemini" ? [GEMINI_HOST] : [];
}

/**
 * Deno's `request.signal` of `Deno.serve` aborts on every finished response unless this flag
 * opts in to aborting only on client disconnects — which is what the MCP SDK's HTTP transports
 * expect (and it silences Deno's warning about the legacy behaviour).
 */
export const HTTP_RUNTIME_FLAG = "--unstable-no-legacy-abort";

/** `--allow-env` for the variables we read (and the libraries' ones we clear at start). */
export const ENV_FLAG = `--allow-env=${[...ENV_VARS, ...LIBRARY_ENV_VARS].join(",")}`;

/** The PostgreSQL server as `host:port` (5432 when the URL names none), if one is configured. */
export function databaseHost(config: Pick<Config, "dbUrl">): string | undefined {
  if (config.dbUrl === undefined) return undefined;
  const url = new URL(config.dbUrl);
  return `${url.hostname}:${url.port || "5432"}`;
}

/**
 * Network destinations (`host[:port]`) this process needs: the AI host, the PostgreSQL server and
 * the HTTP bind address.
 */
function netHosts(config: Config, httpBind: string | undefined): string[] {
  const database = databaseHost(config);
  return [...aiHosts(config), ...(database ? [database] : []), ...(httpBind ? [httpBind] : [])];
}

/**
 * `deno run` flags granting exactly what `config` needs; with an HTTP bind address, also
 * `--allow-net` for it and `HTTP_RUNTIME_FLAG`; with `sqliteFileToo`, the SQLite file's folder
 * besides PostgreSQL (for `migrate-db`).
 */
export function permissionFlags(
  config: Config,
  options: { httpBind?: string; sqliteFileToo?: boolean } = {},
): string[] {
  // With PostgreSQL no database file is touched (unless a command copies one into it): only the
  // workflows are read, nothing written.
  const usesFile = config.dbUrl === undefined || options.sqliteFileToo === true;
  const dbDirs = usesFile ? withRealPath(dirname(config.dbPath)) : [];
  const flags = [
    `--allow-read=${[...withRealPath(config.definitionsDir), ...dbDirs].join(",")}`,
    ...(dbDirs.length ? [`--allow-write=${dbDirs.join(",")}`] : []),
    ENV_FLAG,
  ];
  const net = netHosts(config, options.httpBind);
  if (net.length) flags.push(`--allow-net=${net.join(",")}`);
  if (options.httpBind) flags.push(HTTP_RUNTIME_FLAG);
  return flags;
}

/**
 * Hosts a compiled binary may reach, fixed at compile time: the Gemini API, the documented
 * OpenAI-compatible services, this machine (Ollama, vLLM, llama.cpp servers; HTTP on loopback)
 * and `0.0.0.0` (HTTP inside a container). Any port of each.
 */
export const COMPILED_NET_HOSTS = [
  GEMINI_HOST,
  "api.openai.com",
  "openrouter.ai",
  "127.0.0.1",
  "localhost",
  "[::1]",
  "0.0.0.0",
] as const;

/**
 * The permission flags baked into the `deno compile` binary. Read and write cannot be narrowed
 * to paths chosen at run time, so they are unrestricted and the server confines itself (real-path
 * checks against the workflows folder; it writes only the configured database); environment and
 * network stay scoped. `extraNetHosts` adds hosts (e.g. a private AI endpoint) at build time.
 */
export function compiledPermissionFlags(extraNetHosts: readonly string[] = []): string[] {
  return [
    "--no-prompt",
    "--allow-read",
    "--allow-write",
    ENV_FLAG,
    `--allow-net=${[...COMPILED_NET_HOSTS, ...extraNetHosts].join(",")}`,
    HTTP_RUNTIME_FLAG,
  ];
}

/**
 * Network destinations (`host[:port]`) this process needs but may not use: the AI host of
 * `config` and the HTTP bind address. Checked at start-up so a compiled binary built without a
 * host fails with one clear line instead of on the first AI call.
 */
export function deniedNetHosts(config: Config, httpBind?: string): string[] {
  return netHosts(config, httpBind).filter((host) =>
    Deno.permissions.querySync({ name: "net", host }).state !== "granted"
  );
}
