/**
 * Runs the real command line as a subprocess with exactly the permission flags the launcher
 * (`deno task cli`) would grant for that command.
 * @module
 */
import { parseArgs } from "node:util";
import { CLI_OPTIONS } from "../../src/cli/options.ts";
import { loadConfig } from "../../src/config.ts";
import { commandFlags } from "../../src/cli/permissions.ts";
import { permissionFlags } from "../../src/permissions.ts";
import { MAIN } from "./server.ts";

/** What a CLI run printed and how it exited. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `main.ts <args>` against these paths with the launcher's flags for the command. */
export async function runCli(
  args: string[],
  paths: { workflowsDir: string; dbPath: string },
): Promise<CliResult> {
  const config = loadConfig({
    WORKFLOW_DEFINITIONS_DIR: paths.workflowsDir,
    WORKFLOW_DB_PATH: paths.dbPath,
    AI_PROVIDER: "stub",
  });
  const { values, positionals } = parseArgs({ args, options: CLI_OPTIONS, allowPositionals: true });
  const flags = commandFlags(config, positionals, values) ?? permissionFlags(config);
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      ...flags,
      MAIN,
      ...args,
      `--workflows-dir=${paths.workflowsDir}`,
      `--db-path=${paths.dbPath}`,
      "--ai-provider=stub",
    ],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}
