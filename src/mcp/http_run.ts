/**
 * Runs the HTTP endpoint until SIGINT or SIGTERM, then shuts down gracefully: in-flight calls
 * finish, sessions close, and only then does the caller close the database. A second signal
 * exits at once.
 *
 * @example
 * ```ts
 * await serveHttpUntilSignal(factory, { bind, token });
 * app.close();
 * ```
 * @module
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { log } from "../log.ts";
import { type HttpOptions, serveHttp, type ServerUse } from "./http.ts";

/** Signals that stop the server (Windows has no SIGTERM; SIGBREAK is its Ctrl-Break). */
export const STOP_SIGNALS: Deno.Signal[] = Deno.build.os === "windows"
  ? ["SIGINT", "SIGBREAK"]
  : ["SIGINT", "SIGTERM"];

/** Signals this close together are one stop request, delivered twice. */
const SAME_STOP_MS = 1_000;

/**
 * Serve MCP over HTTP and resolve once a stop signal (or `stop` aborting) has been handled and the
 * listener is closed.
 */
export async function serveHttpUntilSignal(
  factory: (use: ServerUse) => McpServer,
  options: HttpOptions,
  stop?: AbortSignal,
): Promise<void> {
  const endpoint = serveHttp(factory, options);
  stop?.addEventListener("abort", () => void endpoint.shutdown(), { once: true });
  let signalledAt: number | undefined;
  const onSignal = () => {
    // Ctrl-C under `deno task start` reaches us twice at once (from the terminal and forwarded by
    // the launcher): only a second stop asked for later means "do not wait".
    if (signalledAt !== undefined) {
      if (performance.now() - signalledAt < SAME_STOP_MS) return;
      log.warn("second stop signal: exiting without waiting for in-flight calls");
      Deno.exit(130);
    }
    signalledAt = performance.now();
    log.info("stopping: finishing in-flight calls, then closing sessions and the database");
    void endpoint.shutdown();
  };
  for (const signal of STOP_SIGNALS) Deno.addSignalListener(signal, onSignal);
  try {
    await endpoint.finished;
  } finally {
    for (const signal of STOP_SIGNALS) Deno.removeSignalListener(signal, onSignal);
  }
  log.info("HTTP server stopped");
}
