/**
 * The authoring and inspection commands (`validate`, `list`, `graph`, `instances`) and the
 * operations on stored runs (`migrate-db`, `prune`, `show`, `export`, `import`): argument checks, configuration, and dispatch
 * to one module per command. They write their output to
 * stdout (only `serve` reserves stdout for the protocol).
 *
 * @example
 * ```ts
 * Deno.exitCode = await runAuthoringCommand("validate", { json: true }, ["./workflows"]);
 * ```
 * @module
 */
import { resolve } from "node:path";
import { loadConfig, logSettings, readEnv } from "../config.ts";
import { OrchestratorError } from "../errors.ts";
import { configureLog } from "../log.ts";
import { graphCommand } from "./graph.ts";
import { instancesCommand } from "./instances.ts";
import { listCommand } from "./list.ts";
import { validateCommand } from "./validate.ts";

/** Usage lines of these commands, for `--help`. */
export const COMMANDS_HELP = `  orchestrator-mcp-server validate [DIR] [--json]
                                              check every workflow in DIR (default: the
                                              workflows dir); each problem as file:line: fix;
                                              exit 1 on errors
  orchestrator-mcp-server list [DIR] [--json]  workflows with steps and validity
  orchestrator-mcp-server graph NAME [DIR] [--instance ID]
                                              Mermaid flowchart of a workflow (in DIR,
                                              default the workflows dir); --instance
                                              numbers and highlights the path a run took
  orchestrator-mcp-server instances [--workflow NAME] [--status STATUS] [--limit N] [--json]
                                              recorded runs, newest first
  orchestrator-mcp-server migrate-db --db-path FILE --db-url URL
                                              copy every run of a SQLite file into
                                              PostgreSQL (runs already there are skipped)
  orchestrator-mcp-server prune --older-than AGE|DATE [--status STATUS]... [--workflow NAME]
                                [--limit N] [--dry-run]
                                              delete the finished runs (COMPLETED, FAILED,
                                              CANCELLED) that finished before AGE (30d, 12h,
                                              90m) ago or DATE, with their history; --limit:
                                              only the N oldest; --dry-run only lists them
  orchestrator-mcp-server show ID              a run: status, context, its history as a table
  orchestrator-mcp-server export ID [--format json|md]
                                              the whole run on stdout: JSON (for import) or a
                                              Markdown report
  orchestrator-mcp-server import FILE|-        add an exported run (JSON) to the database
                                              (a run already there is skipped)
  orchestrator-mcp-server ui [--http 127.0.0.1:PORT]
                                              the web dashboard on this machine (default
                                              127.0.0.1:8809): prints a one-time login URL`;

type Values = Record<string, string | boolean | string[] | undefined>;

function atMost(command: string, args: string[], count: number, usage: string): void {
  if (args.length > count) {
    throw new OrchestratorError(
      `Too many arguments for '${command}': ${args.slice(count).join(" ")}. Usage: ${usage}.`,
    );
  }
}

/** Run a command other than `serve` with the parsed flags and its positional arguments; returns the exit code. */
export async function runAuthoringCommand(
  command: string,
  values: Values,
  args: string[],
): Promise<number> {
  const config = loadConfig(readEnv(), values as Record<string, string>);
  configureLog(logSettings(config));
  const json = values.json === true;
  switch (command) {
    case "validate":
      atMost(command, args, 1, "validate [DIR] [--json]");
      return validateCommand(args[0] ?? config.definitionsDir, { json });
    case "list":
      atMost(command, args, 1, "list [DIR] [--json]");
      return listCommand(args[0] ?? config.definitionsDir, { json });
    case "graph":
      atMost(command, args, 2, "graph NAME [DIR] [--instance ID]");
      return await graphCommand(
        args[1] === undefined ? config : { ...config, definitionsDir: resolve(args[1]) },
        args[0],
        values.instance as string | undefined,
      );
    case "instances":
      atMost(command, args, 0, "instances [--workflow NAME] [--status STATUS] [--limit N]");
      return await instancesCommand(config, {
        workflow: values.workflow as string | undefined,
        status: values.status as string[] | undefined,
        limit: values.limit as string | undefined,
        json,
      });
    case "migrate-db": {
      atMost(command, args, 0, "migrate-db --db-path FILE --db-url URL");
      const { migrateDbCommand } = await import("./migrate_db.ts");
      return await migrateDbCommand(config);
    }
    case "prune": {
      atMost(command, args, 0, "prune --older-than AGE|DATE [--status STATUS]... [--dry-run]");
      const { pruneCommand } = await import("./prune.ts");
      return await pruneCommand(config, {
        olderThan: values["older-than"] as string | undefined,
        statuses: (values.status as string[] | undefined) ?? [],
        workflow: values.workflow as string | undefined,
        dryRun: values["dry-run"] === true,
        limit: values.limit as string | undefined,
      });
    }
    case "show": {
      atMost(command, args, 1, "show ID");
      const { showCommand } = await import("./show.ts");
      return await showCommand(config, args[0]);
    }
    case "export": {
      atMost(command, args, 1, "export ID [--format json|md]");
      const { exportCommand } = await import("./export.ts");
      return await exportCommand(config, args[0], values.format as string | undefined);
    }
    case "import": {
      atMost(command, args, 1, "import FILE|-");
      const { importCommand } = await import("./import.ts");
      return await importCommand(config, args[0]);
    }
    case "ui": {
      atMost(command, args, 0, "ui [--http 127.0.0.1:PORT]");
      const { uiCommand } = await import("./ui.ts");
      return await uiCommand(config, values.http as string | undefined);
    }
    default:
      throw new OrchestratorError(`Unknown command '${command}'. Run with --help for usage.`);
  }
}
