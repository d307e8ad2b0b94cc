/**
 * `ui [--http 127.0.0.1:PORT]`: the web dashboard for people whose servers run on stdio. It binds
 * loopback only, opens the configured database (SQLite file or `WORKFLOW_DB_URL`) through the
 * application as the servers do (beside them: SQLite's WAL lets readers and writers share the
 * file), and prints a one-time URL whose token a browser exchanges for a session cookie, as
 * notebook servers do. It asks no AI and runs no retention. Ctrl-C stops it.
 *
 * @example
 * ```ts
 * Deno.exitCode = await uiCommand(config, "127.0.0.1:0");
 * ```
 * @module
 */
import { hostHeaderValidationResponse } from "@modelcontextprotocol/server";
import { openApp } from "../app.ts";
import type { Config } from "../config.ts";
import { OrchestratorError } from "../errors.ts";
import { log } from "../log.ts";
import { randomToken } from "../secrets.ts";
import {
  allowedHostnames,
  bindPermission,
  closeListener,
  isLoopback,
  parseBindAddress,
  serveOn,
} from "../mcp/http_bind.ts";
import { STOP_SIGNALS } from "../mcp/http_run.ts";
import { createDashboard, isDashboardPath, UI_PATH } from "../ui/dashboard.ts";
import { requireSqliteFile } from "./runs.ts";
import { DEFAULT_UI_ADDRESS } from "./ui_address.ts";

/** Serve the dashboard until SIGINT/SIGTERM; returns the exit code. */
export async function uiCommand(config: Config, address: string | undefined): Promise<number> {
  const bind = parseBindAddress(address ?? DEFAULT_UI_ADDRESS);
  if (!isLoopback(bind.hostname)) {
    throw new OrchestratorError(
      `'ui' listens on this machine only, not on ${bind.hostname}: use --http 127.0.0.1:PORT. ` +
        "To reach the dashboard from elsewhere, use 'serve --http' (same /ui, bearer token).",
    );
  }
  if (config.dbUrl === undefined) {
    requireSqliteFile(
      config.dbPath,
      "no runs were recorded there yet. Point --db-path (or WORKFLOW_DB_PATH) at the servers' " +
        "database.",
    );
  }
  const app = await openApp({
    ...config,
    aiProvider: "stub",
    aiProviderReason: "the dashboard decides no step",
    retentionDays: undefined,
  }, { watch: true });
  const token = randomToken();
  const dashboard = createDashboard({
    app: () => Promise.resolve(app),
    access: { kind: "one-time", token },
    bodyTimeoutMs: config.httpBodyTimeoutMs,
  });
  const hosts = allowedHostnames(bind) ?? [];
  const server = serveOn(bind, {
    onListen: ({ port }) => {
      const host = bind.hostname.includes(":") ? `[${bind.hostname}]` : bind.hostname;
      console.log(
        `Dashboard: http://${host}:${port}${UI_PATH}/login?token=${token}\n` +
          "(the link works once: it logs this browser in; Ctrl-C stops the dashboard)",
      );
    },
  }, async (request, info) => {
    const refused = hostHeaderValidationResponse(request, hosts);
    if (refused) return refused;
    const { pathname } = new URL(request.url);
    if (isDashboardPath(pathname)) return await dashboard.handle(request, info.remoteAddr);
    if (pathname === "/") return Response.redirect(new URL(UI_PATH, request.url), 303);
    return new Response("Not found: the dashboard is at /ui.", { status: 404 });
  });
  const stopped = Promise.withResolvers<void>();
  const stop = () => {
    dashboard.close();
    void closeListener(server).then(() => stopped.resolve());
  };
  for (const signal of STOP_SIGNALS) Deno.addSignalListener(signal, stop);
  await Promise.race([server.finished, stopped.promise]);
  await app.close();
  log.info(`dashboard on ${bindPermission(bind)} stopped`);
  return 0;
}
