/**
 * Command-line entry: `orchestrator-mcp-server [serve] [--http HOST:PORT]` runs the MCP server on
 * stdio, or on Streamable HTTP.
 * @module
 */
import { parseArgs } from "node:util";
import type { Config } from "./src/config.ts";
import { clearLibraryEnv } from "./src/env_vars.ts";
import type { App } from "./src/app.ts";
import { ConfigError, OrchestratorError } from "./src/errors.ts";
import { configureLog, log } from "./src/log.ts";
import { VERSION } from "./src/version.ts";
import { checkCommandOptions, CLI_OPTIONS, usageError } from "./src/cli/options.ts";
import { deniedNetHosts, permissionGrants } from "./src/permissions.ts";
import { onParentExit } from "./src/parent_watch.ts";
import {
  fitPermissions,
  heldPermissions,
  movedLocation,
  relaunch,
} from "./src/start_permissions.ts";

// Start-up speed: main.ts imports statically only what validating the configuration needs, so that
// `deno task start` hands over to the launcher quickly when it must (see src/start_permissions.ts).
// The MCP SDK once the permissions are settled; the application (YAML and Markdown parsers,
// SQLite, engine) behind the first answer; the HTTP transport and the authoring commands where
// they are used.

const help = (commandsHelp: string) =>
  `orchestrator-mcp-server ${VERSION}: runs Markdown workflows for MCP clients.

Usage:
  orchestrator-mcp-server [serve] [options]   serve MCP on stdio (default)
  orchestrator-mcp-server serve --http 127.0.0.1:8808
                                              serve MCP over Streamable HTTP at /mcp
${commandsHelp}

Options (each also an environment variable):
  --workflows-dir DIR    WORKFLOW_DEFINITIONS_DIR  workflow folders (default ./workflows if it
                                                   exists, else the built-in workflows)
  --db-path FILE         WORKFLOW_DB_PATH          SQLite file (default ./data/workflows.sqlite)
  --db-synchronous MODE  WORKFLOW_DB_SYNCHRONOUS   NORMAL (default) or FULL
  --db-url URL           WORKFLOW_DB_URL           postgres://USER[:PASSWORD]@HOST[:PORT]/DB:
                                                   keep runs in PostgreSQL (shared by replicas)
  --db-pool-size N       WORKFLOW_DB_POOL_SIZE     PostgreSQL connections at most (default 10)
  --ai-provider NAME     AI_PROVIDER               gemini | openai | sampling | stub
  --gemini-model NAME    GEMINI_MODEL_NAME         (default gemini-2.5-flash)
  --ai-model NAME        AI_MODEL_NAME             model for the openai provider
  --ai-endpoint URL      AI_SERVICE_ENDPOINT       base URL of the AI API
  --ai-timeout-ms N      AI_REQUEST_TIMEOUT_MS     (default 30000)
  --log-level LEVEL      LOG_LEVEL                 debug | info | warn | error
  --log-format FORMAT    LOG_FORMAT                text (default) or json: one JSON object
                                                   per stderr line
  --retention-days N     WORKFLOW_RETENTION_DAYS   serving, delete finished runs that finished
                                                   more than N days ago (at start, then daily)
  --http HOST:PORT                                 serve over HTTP instead of stdio
  --session-idle-ms N    MCP_HTTP_SESSION_IDLE_MS  close HTTP sessions unused this long
                                                   (default 600000, 10 minutes)
  --body-timeout-ms N    MCP_HTTP_BODY_TIMEOUT_MS  answer 408 to an HTTP body not received
                                                   within N ms of its headers (default 30000)
  --no-auth                                        HTTP without a bearer token (warned)
  --parent-pid PID                                 stop when process PID exits (the launcher
                                                   passes its own)
  --fit-permissions                                keep only the permissions the configuration
                                                   needs, or start the launcher when one is
                                                   missing ('deno task start' passes it)
  Only from the environment: AI_SERVICE_API_KEY or GEMINI_API_KEY; USE_STUB_AI_CLIENT=true;
  MCP_HTTP_TOKEN (bearer token HTTP clients must send; generated and printed when unset).
  -h, --help             this text
  -V, --version          print the version
`;

/** Said once when `serve` on stdio finds a person at a terminal rather than an MCP client. */
const STDIO_TERMINAL_NOTICE =
  "this is an MCP server: it speaks MCP (JSON-RPC) on stdin/stdout and is waiting for a " +
  "client, so typing here does nothing useful. Configure it in an MCP client (see the README), " +
  "or try it in the MCP Inspector: npx @modelcontextprotocol/inspector npx -y " +
  "orchestrator-mcp-server (from a checkout: npx @modelcontextprotocol/inspector deno task " +
  "start). Ctrl-C stops it.";

/**
 * A loader of the application: the first call imports and opens it, later calls return the same
 * promise. A failure (e.g. an unusable database) stops the server with its one-line error.
 */
function appLoader(config: Config, builtinDir: string): () => Promise<App> {
  let loading: Promise<App> | undefined;
  return () =>
    loading ??= import("./src/app.ts").then(({ openApp }) =>
      // The built-ins never change (and cannot be watched inside a compiled binary).
      openApp(config, { watch: config.definitionsDir !== builtinDir })
    ).catch(fail);
}

async function serve(
  flags: Record<string, string | boolean | string[] | undefined>,
): Promise<void> {
  const { BUILTIN_WORKFLOWS_DIR, loadConfig, logSettings, readEnv } = await import(
    "./src/config.ts"
  );
  const config = loadConfig(readEnv(), flags as Record<string, string>);
  configureLog(logSettings(config));
  if (flags["no-auth"] && flags.http === undefined) {
    throw new OrchestratorError("--no-auth only applies to --http HOST:PORT; remove it for stdio.");
  }
  const { bindPermission, parseBindAddress } = await import("./src/mcp/http_bind.ts");
  const bind = typeof flags.http === "string" ? parseBindAddress(flags.http) : undefined;
  const httpBind = bind && bindPermission(bind);
  if (flags["fit-permissions"]) {
    const missing = fitPermissions(permissionGrants(config, { httpBind }));
    if (missing.length) {
      log.debug(`'deno task start' does not grant ${missing.join(", ")}: starting the launcher`);
      await relaunch(Deno.args);
    }
    log.debug(`permissions fitted to the configuration: ${heldPermissions()}`);
  }
  const denied = deniedNetHosts(config, httpBind);
  if (denied.length) {
    throw new OrchestratorError(
      `missing permission: network access to ${denied.join(", ")}. With deno run add ` +
        `--allow-net=${denied.join(",")} ('deno task start' grants it for you); a compiled ` +
        `binary must be rebuilt with 'deno task compile --net-host <host>'.`,
    );
  }
  // Started by `deno task start` directly, the server stops with the task (even by SIGKILL).
  const launcherGone = flags["fit-permissions"]
    ? watchLauncher(String(Deno.ppid), "the task that started the server")
    : watchLauncher(flags["parent-pid"] as string | undefined);
  const { connectStdio, createMcpServer, watchCatalog } = await import("./src/mcp/server.ts");
  // The configuration is valid: serve first, load the application behind the first answer (its
  // modules are most of the start-up time); the MCP handlers wait for it.
  const app = appLoader(config, BUILTIN_WORKFLOWS_DIR);
  if (bind) {
    const [{ resolveHttpToken }, { serveHttpUntilSignal }, { createDashboard, UI_PATH }] =
      await Promise.all([
        import("./src/mcp/http_auth.ts"),
        import("./src/mcp/http_run.ts"),
        import("./src/ui/dashboard.ts"),
      ]);
    const token = resolveHttpToken(config.httpToken, { noAuth: flags["no-auth"] === true });
    const dashboard = createDashboard({
      app,
      access: token === undefined ? { kind: "open" } : { kind: "token", token },
      bodyTimeoutMs: config.httpBodyTimeoutMs,
    });
    const stopped = serveHttpUntilSignal(
      (use) => createMcpServer(app, { notifyCatalogChanges: use === "session" }),
      {
        bind,
        token,
        sessionIdleMs: config.httpSessionIdleMs,
        bodyTimeoutMs: config.httpBodyTimeoutMs,
        watchCatalog: (changed) =>
          void app().then(({ definitions }) => watchCatalog(definitions, changed)),
        dashboard: { path: UI_PATH, ...dashboard },
      },
      launcherGone,
    );
    void app(); // Many clients, no single handshake to wait for: load now.
    await stopped;
  } else {
    // The client closing stdin ends the session once its calls are answered (the transport then
    // closes the server, whose file watcher would otherwise keep us alive).
    if (Deno.stdin.isTerminal()) log.always("info", STDIO_TERMINAL_NOTICE);
    const stdio = connectStdio(() => createMcpServer(app), { onAnswered: () => void app() });
    launcherGone.addEventListener("abort", () => void stdio.close(), { once: true });
    await stdio.closed;
  }
  // Also when the client left before any answer: an unusable database is still reported.
  await (await app()).close();
  // A stalled client's connection (which Deno.serve cannot close) must not keep a stopped HTTP
  // server alive; everything is closed and written by now.
  if (bind) Deno.exit(0);
}

/**
 * A signal that aborts when the launcher that passed `--parent-pid` has exited (even by SIGKILL),
 * so the server stops with it; never for a server started without the flag.
 * @throws {ConfigError} the flag is not a process id
 */
function watchLauncher(
  parentPid: string | boolean | undefined,
  parent = "the launcher",
): AbortSignal {
  const gone = new AbortController();
  if (parentPid === undefined) return gone.signal;
  const pid = Number(parentPid);
  if (!Number.isInteger(pid) || pid < 1) {
    throw new ConfigError(`Invalid --parent-pid '${parentPid}': use a process id (1 or more).`);
  }
  onParentExit(pid, () => {
    log.warn(`${parent} (pid ${pid}) has exited: stopping the server`);
    gone.abort();
  });
  return gone.signal;
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
  if (values.help || positionals[0] === "help") {
    const { COMMANDS_HELP } = await import("./src/cli/commands.ts");
    return void console.log(help(COMMANDS_HELP));
  }
  if (values.version) return void console.log(VERSION);
  clearLibraryEnv();
  const [command = "serve"] = positionals;
  checkCommandOptions(command, values);
  if (command === "serve" && positionals.length > 1) {
    throw new OrchestratorError(
      `Too many arguments for 'serve': ${positionals.slice(1).join(" ")}. Usage: serve ` +
        "[--http HOST:PORT]. Run with --help for usage.",
    );
  }
  // `deno task start` with the workflows, the database, the AI host or the server elsewhere: the
  // launcher grants those, so hand over before loading anything else (the exact check is in serve).
  if (command === "serve" && values["fit-permissions"] && movedLocation(values)) {
    await relaunch(args);
  }
  if (command === "serve") return await serve(values);
  // The other commands, and the refusal of unknown ones, live in src/cli/commands.ts.
  const { runAuthoringCommand } = await import("./src/cli/commands.ts");
  // A command is over when it returns: exiting now, not when every handle is gone (`ui` may
  // leave a stalled browser connection that Deno.serve cannot close).
  Deno.exit(await runAuthoringCommand(command, values, positionals.slice(1)));
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (error) {
    const usage = usageError(error);
    if (usage !== undefined) {
      log.error(usage);
      Deno.exit(2);
    }
    fail(error);
  }
}
