/**
 * Least privilege per command: `validate`, `list` and `graph` (without `--instance`) only read
 * workflow definitions, so they get read access to that one directory (the DIR argument when
 * given) and our environment variables — no database, no write, no network. Every other command
 * needs what the server needs.
 *
 * @example
 * ```ts
 * definitionsOnlyFlags(config, ["validate", "./my-workflows"], {}); // ["--allow-read=…", "--allow-env=…"]
 * ```
 * @module
 */
import { resolve } from "node:path";
import type { Config } from "../config.ts";
import { permissionFlags, withRealPath } from "../permissions.ts";

/**
 * The `deno run` permission flags for a command that only reads definitions, or `undefined` when
 * `positionals` (command first) name a command that needs the server's flags.
 */
export function definitionsOnlyFlags(
  config: Config,
  positionals: string[],
  values: { instance?: string },
): string[] | undefined {
  const [command, dir] = positionals;
  const readsOnlyDefinitions = command === "validate" || command === "list" ||
    (command === "graph" && values.instance === undefined);
  if (!readsOnlyDefinitions) return undefined;
  const definitionsDir = command !== "graph" && dir !== undefined
    ? resolve(dir)
    : config.definitionsDir;
  return [
    `--allow-read=${withRealPath(definitionsDir).join(",")}`,
    ...permissionFlags(config).filter((flag) => flag.startsWith("--allow-env=")),
  ];
}
