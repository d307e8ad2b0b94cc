/**
 * `deno task start` / `deno task cli`: reads the configuration, then runs main.ts with exactly the
 * permissions the command needs (the workflows dir and DB folder, our env vars, the AI host; only
 * the definitions dir for `validate`, `list` and `graph`) — never `-A`. The server does not outlive
 * the launcher, nor the launcher whoever started it (see src/parent_watch.ts).
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath as fromFileUrl } from "node:url";
import { loadConfig, readEnv } from "../src/config.ts";
import { CLI_OPTIONS, usageError } from "../src/cli/options.ts";
import { OrchestratorError } from "../src/errors.ts";
import { permissionFlags } from "../src/permissions.ts";
import { commandFlags } from "../src/cli/command_permissions.ts";
import { bindPermission, parseBindAddress } from "../src/mcp/http_bind.ts";
import { delegateToDeno } from "../src/delegate.ts";

const MAIN = fromFileUrl(new URL("../main.ts", import.meta.url));

try {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: CLI_OPTIONS,
    allowPositionals: true,
  });
  const config = loadConfig(readEnv(), values as Record<string, string>);
  const commandOnly = commandFlags(config, positionals, values);
  // `deno task cli` without a command shows the commands instead of starting a server on a
  // terminal (`deno task start` always names `serve`).
  const args = positionals.length === 0 && !values.help && !values.version
    ? [...Deno.args, "--help"]
    : Deno.args;
  await delegateToDeno([
    "run",
    "--no-prompt",
    ...commandOnly ?? permissionFlags(config, {
      httpBind: values.http === undefined
        ? undefined
        : bindPermission(parseBindAddress(values.http)),
    }),
    MAIN,
    ...args,
    `--workflows-dir=${config.definitionsDir}`,
    `--db-path=${config.dbPath}`,
    // The server stops when this launcher exits, even by SIGKILL.
    ...commandOnly ? [] : [`--parent-pid=${Deno.pid}`],
  ]);
} catch (error) {
  const usage = usageError(error);
  const message = usage ?? (error instanceof OrchestratorError ? error.message : String(error));
  console.error(`[orchestrator] error: ${message}`);
  Deno.exit(usage === undefined ? 1 : 2);
}
