/**
 * The command-line options shared by the server entry (main.ts) and the permission launcher.
 * @module
 */
import { OrchestratorError } from "../errors.ts";

/** `node:util` parseArgs option spec for every flag. */
export const CLI_OPTIONS = {
  "workflows-dir": { type: "string" },
  "db-path": { type: "string" },
  "db-synchronous": { type: "string" },
  "db-url": { type: "string" },
  "db-pool-size": { type: "string" },
  "ai-provider": { type: "string" },
  "gemini-model": { type: "string" },
  "ai-model": { type: "string" },
  "ai-endpoint": { type: "string" },
  "ai-timeout-ms": { type: "string" },
  "log-level": { type: "string" },
  "log-format": { type: "string" },
  "session-idle-ms": { type: "string" },
  "body-timeout-ms": { type: "string" },
  http: { type: "string" },
  "no-auth": { type: "boolean" },
  "parent-pid": { type: "string" },
  "fit-permissions": { type: "boolean" },
  json: { type: "boolean" },
  instance: { type: "string" },
  workflow: { type: "string" },
  status: { type: "string", multiple: true },
  limit: { type: "string" },
  "older-than": { type: "string" },
  "dry-run": { type: "boolean" },
  format: { type: "string" },
  "retention-days": { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const;

/** The options each command takes besides the configuration's, which every command reads. */
const COMMAND_OPTIONS: Record<string, readonly string[]> = {
  serve: ["http", "no-auth", "parent-pid", "fit-permissions"],
  validate: ["json"],
  list: ["json"],
  graph: ["instance"],
  instances: ["workflow", "status", "limit", "json"],
  "migrate-db": [],
  prune: ["older-than", "status", "workflow", "dry-run", "limit"],
  show: [],
  export: ["format"],
  import: [],
  ui: ["http"],
};

/** Options that belong to some command only. */
const COMMAND_ONLY: ReadonlySet<string> = new Set(Object.values(COMMAND_OPTIONS).flat());

/**
 * Refuse an option given to a command it does not apply to (say `validate --instance ID`), which
 * would otherwise be ignored without a word. Unknown commands are left to their own refusal.
 * @throws {OrchestratorError} naming the option and the command's own options
 */
export function checkCommandOptions(command: string, values: Record<string, unknown>): void {
  const own = COMMAND_OPTIONS[command];
  if (own === undefined) return;
  const stray = Object.keys(values).find((name) => COMMAND_ONLY.has(name) && !own.includes(name));
  if (stray === undefined) return;
  const takes = own.length === 0
    ? "it takes no options of its own"
    : `its options: ${own.map((name) => `--${name}`).join(", ")}`;
  throw new OrchestratorError(
    `--${stray} does not apply to '${command}' (${takes}). Run with --help for usage.`,
  );
}

/**
 * What to print for a command line `parseArgs` refused (an unknown option, a missing value), or
 * `undefined` for any other error.
 */
export function usageError(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof TypeError && typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")
    ? `${error.message}. Run with --help for usage.`
    : undefined;
}
