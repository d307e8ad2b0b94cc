/**
 * Runs the real command line as a subprocess with exactly the permission flags the launcher
 * (`deno task cli`) would grant for that command.
 * @module
 */
import { parseArgs } from "node:util";
import { CLI_OPTIONS } from "../../src/cli/options.ts";
import { commandFlags } from "../../src/cli/command_permissions.ts";
import type { EnvVar } from "../../src/env_vars.ts";
import { permissionFlags } from "../../src/permissions.ts";
import { type RunResult, runToEnd } from "./processes.ts";
import { serverArgs } from "./server.ts";

/**
 * Run `main.ts <args>` against these paths with the launcher's flags for the command; `env` (e.g.
 * `WORKFLOW_DB_URL`) is both in the configuration the flags are computed from and in the child's
 * environment. `stdin`, when given, is what the command reads on its standard input.
 */
export async function runCli(
  args: string[],
  paths: { workflowsDir: string; dbPath: string },
  env: Partial<Record<EnvVar, string>> = {},
  stdin?: string,
): Promise<RunResult> {
  const { values, positionals } = parseArgs({ args, options: CLI_OPTIONS, allowPositionals: true });
  return await runToEnd(
    Deno.execPath(),
    serverArgs(paths.workflowsDir, paths.dbPath, [], { provider: "stub", env }, {
      command: args,
      flags: (config) => commandFlags(config, positionals, values) ?? permissionFlags(config),
    }),
    { env: { NO_COLOR: "1", ...env }, stdin },
  );
}
