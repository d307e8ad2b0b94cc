/**
 * The command-line options shared by the server entry (main.ts) and the permission launcher.
 * @module
 */

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
