/**
 * Least privilege per command: `validate`, `list` and `graph` (without `--instance`) only read
 * workflow definitions, so they get read access to that one directory (the DIR argument when
 * given, `graph NAME DIR` too) and our environment variables — no database, no write, no network. `instances` and
 * `graph --instance` read the database too but never ask an AI, so they get no AI host;
 * `migrate-db` gets both the SQLite file's folder and the PostgreSQL server. `show`, `export`,
 * `prune` and `import` work on stored runs alone: the database and nothing else (no workflows
 * folder), plus the file `import` reads. A SQLite database needs its folder writable even to be
 * read (WAL's `-shm` file, migrations). `ui` reads the workflows and the database and listens on
 * its loopback address. Serving needs what the server needs.
 *
 * @example
 * ```ts
 * commandFlags(config, ["validate", "./my-workflows"], {}); // ["--allow-read=…", "--allow-env=…"]
 * ```
 * @module
 */
import { resolve } from "node:path";
import type { Config } from "../config.ts";
import { bindPermission, parseBindAddress } from "../mcp/http_bind.ts";
import { ENV_FLAG, permissionFlags, withRealPath } from "../permissions.ts";
import { DEFAULT_UI_ADDRESS } from "./ui_address.ts";

/** Commands that work on stored runs alone: no workflow files, no AI. */
const RUN_COMMANDS: ReadonlySet<string> = new Set(["show", "export", "import", "prune"]);

/**
 * The `deno run` permission flags for a command-line command, or `undefined` when `positionals`
 * (command first) name `serve` (or nothing), which needs the server's flags.
 */
export function commandFlags(
  config: Config,
  positionals: string[],
  values: { instance?: string; http?: string },
): string[] | undefined {
  const [command = "serve"] = positionals;
  if (command === "serve") return undefined;
  if (command === "ui") {
    // The database and the workflows (to draw them), the loopback address; no AI host.
    const bind = parseBindAddress(values.http ?? DEFAULT_UI_ADDRESS);
    return permissionFlags({ ...config, aiProvider: "stub" }, { httpBind: bindPermission(bind) });
  }
  // `graph NAME [DIR]`, `validate [DIR]`, `list [DIR]`, `import FILE`.
  const dir = positionals[command === "graph" ? 2 : 1];
  if (RUN_COMMANDS.has(command)) {
    // Only the database (and for `import`, the file named; `-` is standard input).
    const file = command === "import" && dir !== undefined && dir !== "-" ? [resolve(dir)] : [];
    return permissionFlags({ ...config, aiProvider: "stub" }, {
      definitions: false,
      readFiles: file,
    });
  }
  const readsOnlyDefinitions = command === "validate" || command === "list" ||
    (command === "graph" && values.instance === undefined);
  const definitionsDir = dir === undefined ? config.definitionsDir : resolve(dir);
  if (!readsOnlyDefinitions) {
    return permissionFlags({ ...config, definitionsDir, aiProvider: "stub" }, {
      sqliteFileToo: command === "migrate-db",
    });
  }
  return [
    `--allow-read=${withRealPath(definitionsDir).join(",")}`,
    ENV_FLAG,
  ];
}
