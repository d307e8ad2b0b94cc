/**
 * Least privilege per command: `validate`, `list` and `graph` (without `--instance`) only read
 * workflow definitions, so they get read access to that one directory (the DIR argument when
 * given) and our environment variables — no database, no write, no network. `instances` and
 * `graph --instance` read the database too but never ask an AI, so they get no AI host;
 * `migrate-db` gets both the SQLite file's folder and the PostgreSQL server. Serving needs what
 * the server needs.
 *
 * @example
 * ```ts
 * commandFlags(config, ["validate", "./my-workflows"], {}); // ["--allow-read=…", "--allow-env=…"]
 * ```
 * @module
 */
import { resolve } from "node:path";
import type { Config } from "../config.ts";
import { ENV_FLAG, permissionFlags, withRealPath } from "../permissions.ts";

/**
 * The `deno run` permission flags for a command-line command, or `undefined` when `positionals`
 * (command first) name `serve` (or nothing), which needs the server's flags.
 */
export function commandFlags(
  config: Config,
  positionals: string[],
  values: { instance?: string },
): string[] | undefined {
  const [command = "serve", dir] = positionals;
  if (command === "serve") return undefined;
  const readsOnlyDefinitions = command === "validate" || command === "list" ||
    (command === "graph" && values.instance === undefined);
  if (!readsOnlyDefinitions) {
    return permissionFlags({ ...config, aiProvider: "stub" }, {
      sqliteFileToo: command === "migrate-db",
    });
  }
  const definitionsDir = command !== "graph" && dir !== undefined
    ? resolve(dir)
    : config.definitionsDir;
  return [
    `--allow-read=${withRealPath(definitionsDir).join(",")}`,
    ENV_FLAG,
  ];
}
