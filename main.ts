/**
 * Command-line entry: `orchestrator-mcp-server [serve]` runs the MCP server on stdio.
 * @module
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { clearLibraryEnv, loadConfig, readEnv } from "./src/config.ts";
import { openApp } from "./src/app.ts";
import { OrchestratorError } from "./src/errors.ts";
import { log, setLogLevel } from "./src/log.ts";
import { createMcpServer, serveStdio } from "./src/mcp/server.ts";
import { VERSION } from "./src/version.ts";
import { CLI_OPTIONS } from "./src/cli/options.ts";

const HELP = `orchestrator-mcp-server ${VERSION}: runs Markdown workflows for MCP clients.

Usage:
  orchestrator-mcp-server [serve] [options]   serve MCP on stdio (default)

Options (each also an environment variable):
  --workflows-dir DIR    WORKFLOW_DEFINITIONS_DIR  workflow folders (default ./workflows)
  --db-path FILE         WORKFLOW_DB_PATH          SQLite file (default ./data/workflows.sqlite)
  --db-synchronous MODE  WORKFLOW_DB_SYNCHRONOUS   NORMAL (default) or FULL
  --ai-provider NAME     AI_PROVIDER               gemini | openai | sampling | stub
  --gemini-model NAME    GEMINI_MODEL_NAME         (default gemini-2.5-flash)
  --ai-model NAME        AI_MODEL_NAME             model for the openai provider
  --ai-endpoint URL      AI_SERVICE_ENDPOINT       base URL of the AI API
  --ai-timeout-ms N      AI_REQUEST_TIMEOUT_MS     (default 30000)
  --log-level LEVEL      LOG_LEVEL                 debug | info | warn | error
  Keys only from the environment: AI_SERVICE_API_KEY or GEMINI_API_KEY; USE_STUB_AI_CLIENT=true.
  -h, --help             this text
  -V, --version          print the version
`;

async function serve(flags: Record<string, string | boolean | undefined>): Promise<void> {
  const config = loadConfig(readEnv(), flags as Record<string, string>);
  setLogLevel(config.logLevel);
  const app = openApp(config, { watch: true });
  const server = createMcpServer(app.engine, app.definitions);
  // The client closing stdin ends the session; the file watcher would otherwise keep us alive.
  process.stdin.on("end", () => void server.close());
  try {
    await serveStdio(server);
  } finally {
    app.close();
  }
}

/** Turn a failure into one line on stderr and an exit code. */
function fail(error: unknown): never {
  if (error instanceof OrchestratorError) {
    log.error(error.message);
  } else if (
    error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied
  ) {
    const message = (error as Error).message;
    log.error(
      `missing permission: ${message}. Run through 'deno task start' (it grants exactly the ` +
        `configured paths), or add the flag named above to your deno run command.`,
    );
  } else {
    log.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
  Deno.exit(1);
}

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: CLI_OPTIONS, allowPositionals: true });
  if (values.help) return void console.log(HELP);
  if (values.version) return void console.log(VERSION);
  const [command = "serve"] = positionals;
  switch (command) {
    case "serve":
      return await serve(values);
    default:
      throw new OrchestratorError(`Unknown command '${command}'. Run with --help for usage.`);
  }
}

if (import.meta.main) {
  try {
    clearLibraryEnv();
    await main(Deno.args);
  } catch (error) {
    if (
      error instanceof TypeError && (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      log.error(`${error.message}. Run with --help for usage.`);
      Deno.exit(2);
    }
    fail(error);
  }
}
