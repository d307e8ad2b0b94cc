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
function withRealPath(path: string): string[] {
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

/** `deno run` permission flags granting exactly what `config` needs (plus an HTTP bind address). */
export function permissionFlags(config: Config, options: { httpBind?: string } = {}): string[] {
  const dbDir = dirname(config.dbPath);
  const flags = [
    `--allow-read=${[...withRealPath(config.definitionsDir), ...withRealPath(dbDir)].join(",")}`,
    `--allow-write=${withRealPath(dbDir).join(",")}`,
    `--allow-env=${[...ENV_VARS, ...LIBRARY_ENV_VARS].join(",")}`,
  ];
  const net = [...aiHosts(config), ...(options.httpBind ? [options.httpBind] : [])];
  if (net.length) flags.push(`--allow-net=${net.join(",")}`);
  return flags;
}
