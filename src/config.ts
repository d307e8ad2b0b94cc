/**
 * Configuration from environment variables (seed names) and command-line flags (flags win),
 * validated with zod into one typed `Config`. Invalid configuration is one `ConfigError` whose
 * message names the variable, the value and what is expected.
 *
 * @example
 * ```ts
 * const config = loadConfig(readEnv(), { "db-path": "/tmp/x.sqlite" });
 * ```
 * @module
 */
import { resolve } from "node:path";
import { z } from "zod";
import { fileURLToPath } from "node:url";
import { ConfigError } from "./errors.ts";
import { LOG_FORMATS, type LogFormat, type LogSettings } from "./log.ts";
import { ENV_VARS, type EnvVar } from "./env_vars.ts";

/**
 * Absolute path of the built-in workflows shipped with the server. With `deno run` it is the
 * repository's `workflows/`; in a binary from `deno compile --include workflows` the same URL
 * resolves inside the binary's embedded (read-only) file system, so one code path serves both.
 */
export const BUILTIN_WORKFLOWS_DIR = fileURLToPath(new URL("../workflows", import.meta.url));

/** The conventional definitions folder, relative to the working directory. */
const LOCAL_WORKFLOWS_DIR = "./workflows";

/**
 * The definitions directory when none is configured: `./workflows` if it exists in the working
 * directory (the seed's default), otherwise the built-in workflows.
 * @throws {Deno.errors.NotCapable} reading `./workflows` is not permitted (the caller reports it)
 */
export function defaultDefinitionsDir(cwd: string = Deno.cwd()): string {
  const local = resolve(cwd, LOCAL_WORKFLOWS_DIR);
  try {
    if (Deno.statSync(local).isDirectory) return local;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return BUILTIN_WORKFLOWS_DIR;
}

/** Variables whose values are secrets: configuration errors never print them. */
const SECRET_VARS: ReadonlySet<string> = new Set([
  "WORKFLOW_DB_URL",
  "AI_SERVICE_API_KEY",
  "GEMINI_API_KEY",
  "MCP_HTTP_TOKEN",
]);

/** Command-line flags that mirror environment variables: flag name -> variable. */
export const FLAG_TO_ENV: Readonly<Record<string, EnvVar>> = {
  "workflows-dir": "WORKFLOW_DEFINITIONS_DIR",
  "db-path": "WORKFLOW_DB_PATH",
  "db-synchronous": "WORKFLOW_DB_SYNCHRONOUS",
  "db-url": "WORKFLOW_DB_URL",
  "db-pool-size": "WORKFLOW_DB_POOL_SIZE",
  "ai-provider": "AI_PROVIDER",
  "gemini-model": "GEMINI_MODEL_NAME",
  "ai-model": "AI_MODEL_NAME",
  "ai-endpoint": "AI_SERVICE_ENDPOINT",
  "ai-timeout-ms": "AI_REQUEST_TIMEOUT_MS",
  "log-level": "LOG_LEVEL",
  "log-format": "LOG_FORMAT",
  "session-idle-ms": "MCP_HTTP_SESSION_IDLE_MS",
  "body-timeout-ms": "MCP_HTTP_BODY_TIMEOUT_MS",
  "retention-days": "WORKFLOW_RETENTION_DAYS",
};

/** Decision-maker providers. */
export const PROVIDERS = ["gemini", "openai", "sampling", "stub"] as const;
/** A decision-maker provider name. */
export type Provider = typeof PROVIDERS[number];

/** The validated configuration. Paths are absolute. */
export interface Config {
  /** `WORKFLOW_DEFINITIONS_DIR`, else `./workflows` if it exists, else the built-in workflows. */
  definitionsDir: string;
  /** The SQLite file (used when `dbUrl` is unset). */
  dbPath: string;
  dbSynchronous: "NORMAL" | "FULL";
  /** `postgres://user:password@host:port/db`: store runs in PostgreSQL instead of SQLite. */
  dbUrl?: string;
  /** Most connections a PostgreSQL store opens at once. */
  dbPoolSize: number;
  aiProvider: Provider;
  /** How the provider was chosen, for the one start-up line on stderr. */
  aiProviderReason: string;
  geminiModelName: string;
  aiModelName?: string;
  aiServiceEndpoint?: string;
  aiServiceApiKey?: string;
  aiRequestTimeoutMs: number;
  logLevel: "debug" | "info" | "warn" | "error";
  /** `text` lines for people, `json` (one object per line) for log collectors. */
  logFormat: LogFormat;
  /** Bearer token HTTP clients must send (`serve --http`); generated at start-up when unset. */
  httpToken?: string;
  /** An HTTP session (2025-era client) unused for this long is closed (ms). */
  httpSessionIdleMs: number;
  /** An HTTP request whose body has not fully arrived this long after its headers gets 408 (ms). */
  httpBodyTimeoutMs: number;
  /** A serving process deletes the runs that finished more than this many days ago (daily). */
  retentionDays?: number;
}

const truthy = (v: string | undefined): boolean => /^(1|true|yes|on)$/i.test(v?.trim() ?? "");

/** A host name, an IPv4 address or a bracketed IPv6 address, as a URL gives them. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])$/;

/** Whether `value` is a PostgreSQL connection URL naming a host (on TCP) and a database. */
function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return /^postgres(ql)?:$/.test(url.protocol) && HOST.test(url.hostname) &&
      url.pathname.length > 1;
  } catch {
    return false;
  }
}

/** Whether `value` names a Unix-socket folder as its host, as libpq allows (`%2Ftmp`). */
function isSocketUrl(value: string): boolean {
  try {
    return /^%2F/i.test(new URL(value).hostname);
  } catch {
    return false;
  }
}

const rawSchema = z.object({
  WORKFLOW_DEFINITIONS_DIR: z.string().min(1).optional(),
  WORKFLOW_DB_PATH: z.string().min(1).default("./data/workflows.sqlite"),
  WORKFLOW_DB_SYNCHRONOUS: z.enum(["NORMAL", "FULL"]).default("NORMAL"),
  WORKFLOW_DB_URL: z.string().refine(
    (value) => !isSocketUrl(value),
    "a Unix socket is not supported: connect over TCP, postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE",
  ).refine(
    isPostgresUrl,
    "expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE",
  ).optional(),
  WORKFLOW_DB_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  AI_PROVIDER: z.enum(PROVIDERS).optional(),
  GEMINI_MODEL_NAME: z.string().min(1).default("gemini-2.5-flash"),
  AI_MODEL_NAME: z.string().min(1).optional(),
  AI_SERVICE_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  AI_SERVICE_API_KEY: z.string().min(1).optional(),
  GEMINI_API_KEY: z.string().min(1).optional(),
  AI_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  USE_STUB_AI_CLIENT: z.string().regex(
    /^\s*(1|true|yes|on|0|false|no|off|)\s*$/i,
    "expected true or false (also 1/0, yes/no, on/off)",
  ).optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  LOG_FORMAT: z.enum(LOG_FORMATS, { error: "expected text or json" }).default("text"),
  MCP_HTTP_TOKEN: z.string().regex(
    /^[A-Za-z0-9._~+/=-]{16,}$/,
    "use at least 16 characters from A-Z a-z 0-9 . _ ~ + / = - (e.g. `openssl rand -hex 32`)",
  ).optional(),
  MCP_HTTP_SESSION_IDLE_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(600_000),
  MCP_HTTP_BODY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  WORKFLOW_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).optional(),
});

/**
 * The configured values that must never be logged: the AI API key, the HTTP bearer token, and the
 * PostgreSQL URL with its password (as written and URL-decoded).
 */
export function configSecrets(config: Config): string[] {
  const secrets = [config.aiServiceApiKey, config.httpToken];
  if (config.dbUrl) {
    const { password } = new URL(config.dbUrl);
    secrets.push(config.dbUrl, password);
    try {
      secrets.push(decodeURIComponent(password));
    } catch {
      // Not valid percent-encoding: the password is used as written, which is already hidden.
    }
  }
  return secrets.filter((secret): secret is string => !!secret);
}

/** The logger's settings for `config`: its level, its format and the secrets to hide. */
export function logSettings(config: Config): LogSettings {
  return { level: config.logLevel, format: config.logFormat, secrets: configSecrets(config) };
}

/** Read the variables of `ENV_VARS` from the process environment (empty strings count as unset). */
export function readEnv(): Partial<Record<EnvVar, string>> {
  const env: Partial<Record<EnvVar, string>> = {};
  for (const name of ENV_VARS) {
    const value = Deno.env.get(name);
    if (value !== undefined && value !== "") env[name] = value;
  }
  return env;
}

/**
 * Validate environment and flags into a `Config`.
 * @throws {ConfigError} naming the first invalid variable and what it expects
 */
export function loadConfig(
  env: Partial<Record<EnvVar, string>>,
  flags: Partial<Record<string, string>> = {},
): Config {
  const merged: Partial<Record<EnvVar, string>> = { ...env };
  for (const [flag, name] of Object.entries(FLAG_TO_ENV)) {
    const value = flags[flag];
    if (value !== undefined) merged[name] = value;
  }
  if (merged.LOG_LEVEL) merged.LOG_LEVEL = merged.LOG_LEVEL.toLowerCase();
  if (merged.LOG_FORMAT) merged.LOG_FORMAT = merged.LOG_FORMAT.toLowerCase();
  if (merged.AI_PROVIDER) merged.AI_PROVIDER = merged.AI_PROVIDER.toLowerCase();
  if (merged.WORKFLOW_DB_SYNCHRONOUS) {
    merged.WORKFLOW_DB_SYNCHRONOUS = merged.WORKFLOW_DB_SYNCHRONOUS.toUpperCase();
  }
  const parsed = rawSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    const flag = Object.entries(FLAG_TO_ENV).find(([, env]) => env === name)?.[0];
    throw new ConfigError(
      `Invalid configuration: ${name}${flag ? ` (--${flag})` : ""}=${
        SECRET_VARS.has(name) ? "(hidden)" : JSON.stringify(merged[name as EnvVar])
      }: ${issue.message}.`,
    );
  }
  const raw = parsed.data;
  const apiKey = raw.AI_SERVICE_API_KEY ?? raw.GEMINI_API_KEY;
  let provider: Provider;
  let reason: string;
  if (truthy(raw.USE_STUB_AI_CLIENT)) {
    provider = "stub";
    reason = "USE_STUB_AI_CLIENT is set";
  } else if (raw.AI_PROVIDER) {
    provider = raw.AI_PROVIDER;
    reason = "AI_PROVIDER is set";
  } else if (raw.GEMINI_API_KEY || (raw.AI_SERVICE_API_KEY && !raw.AI_SERVICE_ENDPOINT)) {
    provider = "gemini";
    reason = "a Gemini API key is set";
  } else if (raw.AI_SERVICE_ENDPOINT) {
    provider = "openai";
    reason = "AI_SERVICE_ENDPOINT is set";
  } else {
    provider = "stub";
    reason = "no AI key or endpoint is configured";
  }
  if (provider === "gemini" && !apiKey) {
    throw new ConfigError(
      "Invalid configuration: AI_PROVIDER=gemini needs an API key: set GEMINI_API_KEY or " +
        "AI_SERVICE_API_KEY.",
    );
  }
  if (provider === "openai" && !raw.AI_SERVICE_ENDPOINT) {
    throw new ConfigError(
      "Invalid configuration: AI_PROVIDER=openai needs AI_SERVICE_ENDPOINT, the base URL of an " +
        "OpenAI-compatible API (e.g. http://127.0.0.1:11434/v1 for Ollama).",
    );
  }
  if (provider === "openai" && !raw.AI_MODEL_NAME) {
    throw new ConfigError(
      `Invalid configuration: AI_PROVIDER=openai (${reason}) needs AI_MODEL_NAME (--ai-model), ` +
        "the model to ask at AI_SERVICE_ENDPOINT (e.g. llama3.2 for Ollama, " +
        "openai/gpt-4o-mini for OpenRouter).",
    );
  }
  return {
    definitionsDir: raw.WORKFLOW_DEFINITIONS_DIR
      ? resolve(raw.WORKFLOW_DEFINITIONS_DIR)
      : defaultDefinitionsDir(),
    dbPath: resolve(raw.WORKFLOW_DB_PATH),
    dbSynchronous: raw.WORKFLOW_DB_SYNCHRONOUS,
    dbUrl: raw.WORKFLOW_DB_URL,
    dbPoolSize: raw.WORKFLOW_DB_POOL_SIZE,
    aiProvider: provider,
    aiProviderReason: reason,
    geminiModelName: raw.GEMINI_MODEL_NAME,
    aiModelName: raw.AI_MODEL_NAME,
    aiServiceEndpoint: raw.AI_SERVICE_ENDPOINT,
    aiServiceApiKey: apiKey,
    aiRequestTimeoutMs: raw.AI_REQUEST_TIMEOUT_MS,
    logLevel: raw.LOG_LEVEL,
    logFormat: raw.LOG_FORMAT,
    httpToken: raw.MCP_HTTP_TOKEN,
    httpSessionIdleMs: raw.MCP_HTTP_SESSION_IDLE_MS,
    httpBodyTimeoutMs: raw.MCP_HTTP_BODY_TIMEOUT_MS,
    retentionDays: raw.WORKFLOW_RETENTION_DAYS,
  };
}
