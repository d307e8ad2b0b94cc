/**
 * The least-privilege Deno permission flags for a configuration: read the workflows and the DB
 * folder, write only the DB folder, reach only the AI endpoint, read only our environment variables.
 * A DB folder that is the file system root or a home folder (or holds one) is refused, as granting
 * it would open all of the user's files.
 *
 * @example
 * ```ts
 * permissionFlags(config); // ["--allow-read=/w,/data", "--allow-write=/data", "--allow-env=…"]
 * ```
 * @module
 */
import { homedir } from "node:os";
import { basename, dirname, join, parse, resolve } from "node:path";
import type { Config } from "./config.ts";
import { ENV_VARS, LIBRARY_ENV_VARS } from "./env_vars.ts";
import { isInside } from "./paths.ts";
import { ConfigError } from "./errors.ts";

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

/** This user's home folder, when this process may know it (env `HOME`, or `--allow-sys=homedir`). */
function homeFolder(): string | undefined {
  for (const variable of ["HOME", "USERPROFILE"]) {
    if (Deno.permissions.querySync({ name: "env", variable }).state !== "granted") continue;
    const value = Deno.env.get(variable);
    if (value) return resolve(value);
  }
  if (Deno.permissions.querySync({ name: "sys", kind: "homedir" }).state !== "granted") return;
  return homedir() || undefined;
}

/** Why granting write access to all of `dir` is refused, or `undefined` when it is not. */
function tooBroadToGrant(dir: string): string | undefined {
  const home = homeFolder();
  for (const path of withRealPath(dir)) {
    if (parse(path).root === path) return "the root of the file system";
    for (const homePath of home ? withRealPath(home) : []) {
      if (path === homePath) return "your home folder";
      if (isInside(path, homePath)) return `a folder holding your home folder ${homePath}`;
    }
  }
  return undefined;
}

/**
 * The database folder, which the server may write (SQLite writes `-wal`, `-shm` and `-journal`
 * files beside the database, and the store creates the folder).
 * @throws {ConfigError} the folder is the file system root or a home folder (or holds one):
 * granting write access to all of it would let the server change any of your files
 */
export function dbFolderToGrant(dbPath: string): string {
  const dir = dirname(dbPath);
  const reason = tooBroadToGrant(dir);
  if (reason) {
    throw new ConfigError(
      `Refusing WORKFLOW_DB_PATH=${dbPath}: its folder ${dir} is ${reason}, and the server is ` +
        `granted write access to the database's whole folder. Put the database in a folder of ` +
        `its own, e.g. WORKFLOW_DB_PATH=${join(dir, "orchestrator", basename(dbPath))} (the ` +
        `folder is created for you).`,
    );
  }
  return dir;
}

/** What `permissionFlags` grants besides the database and the AI host. */
export interface PermissionOptions {
  /** Serve HTTP here: `--allow-net` for it and `HTTP_RUNTIME_FLAG`. */
  httpBind?: string;
  /** The SQLite file's folder besides PostgreSQL (`migrate-db`). */
  sqliteFileToo?: boolean;
  /** Read the workflows folder (default true; commands on stored runs alone need not). */
  definitions?: boolean;
  /** Files to read besides (`import FILE`). */
  readFiles?: string[];
}

/** What a configuration needs: paths to read and write, network destinations, HTTP serving. */
export interface PermissionGrants {
  read: string[];
  write: string[];
  /** `host[:port]` destinations. */
  net: string[];
  /** Serves HTTP (so needs `HTTP_RUNTIME_FLAG`). */
  http: boolean;
}

/**
 * Exactly what `config` and `options` need (paths with their real paths when those differ).
 * @throws {ConfigError} the database folder is too broad to grant (see `dbFolderToGrant`)
 */
export function permissionGrants(
  config: Config,
  options: PermissionOptions = {},
): PermissionGrants {
  // With PostgreSQL no database file is touched (unless a command copies one into it): only the
  // workflows are read, nothing written.
  const usesFile = config.dbUrl === undefined || options.sqliteFileToo === true;
  const dbDirs = usesFile ? withRealPath(dbFolderToGrant(config.dbPath)) : [];
  return {
    read: [
      ...(options.definitions === false ? [] : withRealPath(config.definitionsDir)),
      ...dbDirs,
      ...(options.readFiles ?? []).flatMap(withRealPath),
    ],
    write: dbDirs,
    net: netHosts(config, options.httpBind),
    http: options.httpBind !== undefined,
  };
}

/**
 * `deno run` flags granting exactly what `config` and `options` need.
 * @throws {ConfigError} the database folder is too broad to grant (see `dbFolderToGrant`)
 */
export function permissionFlags(config: Config, options: PermissionOptions = {}): string[] {
  const { read, write, net, http } = permissionGrants(config, options);
  return [
    ...(read.length ? [`--allow-read=${read.join(",")}`] : []),
    ...(write.length ? [`--allow-write=${write.join(",")}`] : []),
    ENV_FLAG,
    ...(net.length ? [`--allow-net=${net.join(",")}`] : []),
    ...(http ? [HTTP_RUNTIME_FLAG] : []),
  ];
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
