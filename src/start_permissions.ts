/**
 * One process for `deno task start`. The task starts main.ts with the permissions of the default
 * locations (`START_FLAGS`: read `./workflows` and `./data`, write `./data`, the Gemini API) plus
 * `--allow-run` and `--allow-sys=homedir`, and `--fit-permissions`. Before it reads any input the
 * server either keeps exactly what its configuration needs and revokes the rest
 * (`Deno.permissions.revokeSync`: run and sys always), or, when the configuration needs something
 * the task did not grant (a database or workflows elsewhere, PostgreSQL, another AI host, HTTP),
 * starts the launcher (`scripts/launch.ts`), which grants exactly that (`delegateToDeno` then drops
 * every permission this process holds).
 *
 * @example
 * ```ts
 * const missing = fitPermissions(permissionGrants(config));
 * if (missing.length) await relaunch(Deno.args);
 * ```
 * @module
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { delegateToDeno } from "./delegate.ts";
import { ConfigError } from "./errors.ts";
import { ENV_VARS } from "./env_vars.ts";
import { ENV_FLAG, GEMINI_HOST, type PermissionGrants } from "./permissions.ts";

/** What `deno task start` grants, paths relative to its working directory. */
export const START_GRANTS: Readonly<Record<"read" | "write" | "net", readonly string[]>> = {
  read: ["workflows", "data"],
  write: ["data"],
  net: [GEMINI_HOST],
};

/** The internal flag of the `start` task that makes the server fit its permissions. */
export const FIT_FLAG = "--fit-permissions";

/** The `deno run` flags of the `start` task (a test keeps `deno.json` equal to them). */
export const START_FLAGS = [
  "--no-prompt",
  ENV_FLAG,
  `--allow-read=${START_GRANTS.read.join(",")}`,
  `--allow-write=${START_GRANTS.write.join(",")}`,
  `--allow-net=${START_GRANTS.net.join(",")}`,
  "--allow-sys=homedir",
  "--allow-run",
] as const;

/** The `deno run` flags of the launcher, granted the Deno binary `deno` (as the `cli` task). */
export function launcherFlags(deno: string): string[] {
  return [
    "--no-prompt",
    `--allow-env=${ENV_VARS.join(",")}`,
    "--allow-read",
    "--allow-sys=homedir",
    `--allow-run=${deno}`,
  ];
}

/** Settings that put the workflows, the database, the AI host or the server somewhere else. */
const LOCATION_ENV = [
  "WORKFLOW_DEFINITIONS_DIR",
  "WORKFLOW_DB_PATH",
  "WORKFLOW_DB_URL",
  "AI_SERVICE_ENDPOINT",
] as const;
const LOCATION_FLAGS = ["workflows-dir", "db-path", "db-url", "ai-endpoint", "http"] as const;

/**
 * The first location setting in the environment or `flags` (e.g. `WORKFLOW_DB_PATH`), if any: a
 * configuration that most likely needs the launcher, known without loading the configuration.
 */
export function movedLocation(flags: Record<string, unknown>): string | undefined {
  const flag = LOCATION_FLAGS.find((name) => flags[name] !== undefined);
  if (flag) return `--${flag}`;
  return LOCATION_ENV.find((name) => Deno.env.get(name));
}

/** The launcher script. */
export const LAUNCHER = fileURLToPath(new URL("../scripts/launch.ts", import.meta.url));

/** `<this Deno> run <launcher flags> scripts/launch.ts args…`, then exit as it does. */
export function relaunch(args: string[]): Promise<never> {
  return delegateToDeno([
    "run",
    ...launcherFlags(Deno.execPath()),
    LAUNCHER,
    ...args.filter((arg) => arg !== FIT_FLAG),
  ]);
}

const granted = (descriptor: Deno.PermissionDescriptor) =>
  Deno.permissions.querySync(descriptor).state === "granted";

/**
 * Keep exactly the permissions `needed`: when each is one the start task granted, revoke the
 * others (and `run` and `sys`) and return `[]`; otherwise change nothing and return what is
 * missing, for the caller to start the launcher.
 * @throws {ConfigError} the process holds more than the start task grants (e.g. `-A`), which
 * revoking cannot narrow
 */
export function fitPermissions(needed: PermissionGrants): string[] {
  for (const name of ["read", "write", "net", "env", "ffi", "import"] as const) {
    if (granted({ name })) {
      throw new ConfigError(
        `${FIT_FLAG} narrows the permissions of 'deno task start' (${START_FLAGS.join(" ")}), ` +
          `but all ${name} access is granted; remove ${FIT_FLAG} or -A.`,
      );
    }
  }
  const read = START_GRANTS.read.map((path) => resolve(path));
  const write = START_GRANTS.write.map((path) => resolve(path));
  const missing = [
    ...needed.read.filter((path) => !read.includes(path)).map((path) => `read ${path}`),
    ...needed.write.filter((path) => !write.includes(path)).map((path) => `write ${path}`),
    ...needed.net.filter((host) => !START_GRANTS.net.includes(host)).map((host) => `net ${host}`),
    ...needed.http ? ["HTTP serving"] : [],
  ];
  if (missing.length) return missing;
  for (const path of read) {
    if (!needed.read.includes(path)) Deno.permissions.revokeSync({ name: "read", path });
  }
  for (const path of write) {
    if (!needed.write.includes(path)) Deno.permissions.revokeSync({ name: "write", path });
  }
  for (const host of START_GRANTS.net) {
    if (!needed.net.includes(host)) Deno.permissions.revokeSync({ name: "net", host });
  }
  Deno.permissions.revokeSync({ name: "run" });
  Deno.permissions.revokeSync({ name: "sys" });
  return [];
}

/** A description of what this process may do, for the debug log (queried, not assumed). */
export function heldPermissions(): string {
  const paths = (name: "read" | "write", list: readonly string[]) =>
    list.map((path) => resolve(path)).filter((path) => granted({ name, path })).join(",") ||
    "none";
  return [
    `read ${paths("read", START_GRANTS.read)}`,
    `write ${paths("write", START_GRANTS.write)}`,
    `net ${START_GRANTS.net.filter((host) => granted({ name: "net", host })).join(",") || "none"}`,
    `run ${granted({ name: "run", command: Deno.execPath() }) ? "granted" : "none"}`,
    `sys ${granted({ name: "sys", kind: "homedir" }) ? "granted" : "none"}`,
  ].join("; ");
}
