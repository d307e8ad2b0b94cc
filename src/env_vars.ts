/**
 * The environment variables the server reads, in a module of their own (no dependencies), so the
 * start-up path can name them without loading the configuration's schemas.
 * @module
 */

/** Every environment variable the server reads (and so the `--allow-env` list). */
export const ENV_VARS = [
  "WORKFLOW_DEFINITIONS_DIR",
  "WORKFLOW_DB_PATH",
  "WORKFLOW_DB_SYNCHRONOUS",
  "WORKFLOW_DB_URL",
  "WORKFLOW_DB_POOL_SIZE",
  "AI_PROVIDER",
  "GEMINI_MODEL_NAME",
  "AI_MODEL_NAME",
  "AI_SERVICE_ENDPOINT",
  "AI_SERVICE_API_KEY",
  "GEMINI_API_KEY",
  "AI_REQUEST_TIMEOUT_MS",
  "USE_STUB_AI_CLIENT",
  "LOG_LEVEL",
  "LOG_FORMAT",
  "MCP_HTTP_TOKEN",
  "MCP_HTTP_SESSION_IDLE_MS",
  "MCP_HTTP_BODY_TIMEOUT_MS",
  "WORKFLOW_RETENTION_DAYS",
] as const;

/**
 * Variables our dependencies read: the `yaml` parser prints debug output to stdout when
 * `LOG_TOKENS` or `LOG_STREAM` is set, which would corrupt the stdio protocol, and the `postgres`
 * driver reads `PGAPPNAME` whatever options it is given (every other `PG*` variable it reads only
 * for options we leave unset; we set them all). The server is allowed to read them only to clear
 * them at start-up (`clearLibraryEnv`).
 */
export const LIBRARY_ENV_VARS = ["LOG_TOKENS", "LOG_STREAM", "PGAPPNAME"] as const;

/** Remove `LIBRARY_ENV_VARS` from this process's environment. */
export function clearLibraryEnv(): void {
  for (const name of LIBRARY_ENV_VARS) Deno.env.delete(name);
}

/** One of the environment variables in `ENV_VARS`. */
export type EnvVar = typeof ENV_VARS[number];
