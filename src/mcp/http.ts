/**
 * The Streamable HTTP transport (`serve --http HOST:PORT`) on `Deno.serve`, at the path `/mcp`.
 * 2026-07-28 (stateless, per-request) traffic goes to the SDK's `createMcpHandler`; 2025-era
 * session traffic to `LegacySessions`. Every request first passes Host/Origin validation (403,
 * against DNS rebinding) and the bearer-token gate (401); bodies over the size limit get 413, and
 * bodies that stall past the body deadline 408.
 * `shutdown()` refuses new requests (503), lets in-flight POSTs finish, then closes the sessions
 * and the listener.
 *
 * @example
 * ```ts
 * const http = serveHttp(() => createMcpServer(app), {
 *   bind: { hostname: "127.0.0.1", port: 8808 },
 *   token: "0123456789abcdef0123",
 * });
 * await http.shutdown();
 * ```
 * @module
 */
import {
  type AuthInfo,
  createMcpHandler,
  hostHeaderValidationResponse,
  isJsonContentType,
  isLegacyRequest,
  localhostAllowedOrigins,
  type McpServer,
  originValidationResponse,
} from "@modelcontextprotocol/server";
import { log } from "../log.ts";
import { type AuthGate, staticBearerGate } from "./http_auth.ts";
import {
  allowedHostnames,
  type BindAddress,
  bindPermission,
  closeListener,
  isLoopback,
  serveOn,
} from "./http_bind.ts";
import { DEFAULT_BODY_TIMEOUT_MS, readBodyWithin } from "./http_body.ts";
import { logRefused, logRefusedAnswer } from "./http_refused.ts";
import { jsonRpcErrorResponse, LegacySessions } from "./http_sessions.ts";

/** The URL path of the MCP endpoint. */
export const MCP_PATH = "/mcp";
/** Default largest accepted request body (1 MiB; tool arguments are small JSON). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** How long shutdown waits for in-flight calls before closing anyway (ms). */
export const DEFAULT_DRAIN_MS = 30_000;

/** Options for `serveHttp`. */
export interface HttpOptions {
  bind: BindAddress;
  /** Required bearer token; `undefined` disables authentication. */
  token: string | undefined;
  maxBodyBytes?: number;
  drainMs?: number;
  /** Sessions of 2025-era clients unused for this long are closed (ms). */
  sessionIdleMs?: number;
  /** A request whose body has not arrived this long after its headers gets 408 (ms). */
  bodyTimeoutMs?: number;
  /**
   * Called once with a function that tells stateless (2026-07-28) clients listening on
   * `subscriptions/listen` that the prompts and resources changed; session servers tell their
   * own clients.
   */
  watchCatalog?: (changed: () => void) => void;
  /** The web dashboard, served on the same listener under its `path` (`/ui`). */
  dashboard?: {
    path: string;
    handle(request: Request, remote?: Deno.Addr): Promise<Response>;
    /** End its open streams at shutdown. */
    close(): void;
  };
}

/** A running HTTP endpoint. */
export interface HttpEndpoint {
  /** The endpoint URL, e.g. `http://127.0.0.1:8808/mcp`. */
  url: string;
  /** Resolves once the listener is closed. */
  finished: Promise<void>;
  /** Stop accepting requests, finish in-flight ones, close sessions and the listener. */
  shutdown(): Promise<void>;
}

/** Counts in-flight requests and tells waiters when none are left. */
class InFlight {
  #count = 0;
  #idle: (() => void)[] = [];

  /**
   * Count one request until `completed` settles (response delivered, or the client left) or the
   * returned function is called (a request dropped while its connection lingers).
   */
  track(completed: Promise<void>): () => void {
    this.#count++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      if (--this.#count > 0) return;
      for (const wake of this.#idle.splice(0)) wake();
    };
    completed.catch(() => {}).finally(release);
    return release;
  }

  /** Resolves `true` when no tracked request is left, or `false` after `ms`. */
  idle(ms: number): Promise<boolean> {
    if (this.#count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.#idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

/** What a server is built for: one stateless (2026-07-28) request, or one legacy session. */
export type ServerUse = "request" | "session";

/** What `jsonBody` returns for a body that did not arrive in time. */
const BODY_TIMED_OUT = Symbol("body timed out");

/**
 * A POST's JSON body, read and parsed once for both the protocol-era routing and the handler
 * (the SDK's `parsedBody`). `undefined` for other requests, and for a body that is too large or
 * not JSON: the handlers then read the untouched original and answer 413, 400 or 415 themselves.
 * `BODY_TIMED_OUT` when the body has not ended `timeoutMs` after the call.
 */
async function jsonBody(request: Request, maxBytes: number, timeoutMs: number): Promise<unknown> {
  if (request.method !== "POST" || !isJsonContentType(request.headers.get("content-type"))) {
    return undefined;
  }
  const read = await readBodyWithin(request.clone(), maxBytes, timeoutMs);
  if (read.kind === "timeout") return BODY_TIMED_OUT;
  if (read.kind === "tooLarge" || read.text === "") return undefined;
  try {
    return JSON.parse(read.text);
  } catch {
    return undefined;
  }
}

/** The `408` for a request whose body stalled: nothing more of it is read. */
function bodyTimedOut(request: Request, info: Deno.ServeHandlerInfo, ms: number): Response {
  request.body?.cancel().catch(() => {});
  logRefused(request, info.remoteAddr, 408, `sent part of a request body and stalled for ${ms} ms`);
  const response = jsonRpcErrorResponse(
    408,
    `Request body not received within ${ms} ms of its headers, so the request was dropped. ` +
      "Send the whole body without pausing (the server's MCP_HTTP_BODY_TIMEOUT_MS).",
  );
  response.headers.set("connection", "close");
  return response;
}

/** The address a request came from: the key of the per-client session bound. */
function clientAddress(info: Deno.ServeHandlerInfo): string {
  const address = info.remoteAddr as Deno.Addr;
  return "hostname" in address ? address.hostname : address.transport;
}

/** Serve MCP over Streamable HTTP; every session and request gets a server from `factory`. */
export function serveHttp(
  factory: (use: ServerUse) => McpServer,
  options: HttpOptions,
): HttpEndpoint {
  const maxRequestBodySize = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const hosts = allowedHostnames(options.bind);
  const origins = hosts ?? localhostAllowedOrigins();
  const gate: AuthGate | undefined = options.token ? staticBearerGate(options.token) : undefined;
  const onerror = (error: Error) => log.debug(`HTTP: ${error.message}`);
  const modern = createMcpHandler(() => factory("request"), {
    legacy: "reject",
    maxRequestBodySize,
    onerror,
  });
  options.watchCatalog?.(() => {
    modern.notify.promptsChanged();
    modern.notify.resourcesChanged();
  });
  const sessions = new LegacySessions(() => factory("session"), {
    maxRequestBodySize,
    idleMs: options.sessionIdleMs,
  });
  const inFlight = new InFlight();
  let draining = false;

  const route = async (
    request: Request,
    info: Deno.ServeHandlerInfo,
    authInfo?: AuthInfo,
    release?: () => void,
  ): Promise<Response> => {
    const parsedBody = await jsonBody(request, maxRequestBodySize, bodyTimeoutMs);
    if (parsedBody === BODY_TIMED_OUT) {
      // The stalled connection may stay open (Deno.serve cannot close it), but shutdown must
      // not wait for it.
      release?.();
      return bodyTimedOut(request, info, bodyTimeoutMs);
    }
    if (await isLegacyRequest(request, parsedBody, { maxRequestBodySize })) {
      return await sessions.handle(request, {
        client: clientAddress(info),
        authInfo,
        parsedBody,
        completed: info.completed,
      });
    }
    return await modern.fetch(request, { authInfo, parsedBody });
  };

  const handler = async (request: Request, info: Deno.ServeHandlerInfo): Promise<Response> => {
    if (draining) {
      logRefused(request, info.remoteAddr, 503, "the server is shutting down");
      return jsonRpcErrorResponse(503, "The server is shutting down; reconnect when it is back.");
    }
    const { pathname } = new URL(request.url);
    const { dashboard } = options;
    const badHost = () => hosts ? hostHeaderValidationResponse(request, hosts) : undefined;
    if (dashboard && (pathname === dashboard.path || pathname.startsWith(`${dashboard.path}/`))) {
      // The dashboard checks its own session and Origin; the Host check guards it too.
      return badHost() ?? await dashboard.handle(request, info.remoteAddr);
    }
    if (pathname !== MCP_PATH) {
      const notFound = jsonRpcErrorResponse(404, `Not found: the MCP endpoint is ${MCP_PATH}.`);
      return logRefusedAnswer(request, info.remoteAddr, notFound);
    }
    const refused = badHost() ?? originValidationResponse(request, origins);
    if (refused) {
      const origin = request.headers.get("origin") ?? "-";
      const host = request.headers.get("host") ?? "-";
      logRefused(
        request,
        info.remoteAddr,
        refused.status,
        `Origin ${origin} Host ${host} not allowed (DNS-rebinding protection)`,
      );
      return refused;
    }
    const auth = gate ? await gate(request) : undefined;
    if (auth instanceof Response) {
      const reason = request.headers.has("authorization")
        ? "wrong or malformed bearer token"
        : "no Authorization header";
      logRefused(request, info.remoteAddr, auth.status, reason);
      return auth;
    }
    // Only POSTs carry calls; a GET is a long-lived notification stream that shutdown ends.
    const release = request.method === "POST" ? inFlight.track(info.completed) : undefined;
    return logRefusedAnswer(request, info.remoteAddr, await route(request, info, auth, release));
  };

  const url = `http://${bindPermission(options.bind)}${MCP_PATH}`;
  const dashboardUrl = options.dashboard
    ? `http://${bindPermission(options.bind)}${options.dashboard.path}`
    : undefined;
  const server = listen(options.bind, url, handler, dashboardUrl);
  // Resolved when shutdown stops waiting for connections that will not close.
  const abandoned = Promise.withResolvers<void>();
  warnAboutExposure(options);

  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      draining = true;
      options.dashboard?.close();
      const drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
      if (!await inFlight.idle(drainMs)) {
        log.warn(`HTTP: calls still running after ${drainMs} ms; closing anyway.`);
      }
      await sessions.closeAll();
      await modern.close();
      if (!await closeListener(server)) abandoned.resolve();
    })();
    return stopping;
  };
  return { url, finished: Promise.race([server.finished, abandoned.promise]), shutdown };
}

/**
 * `Deno.serve` on `bind`, logging the URL to stderr (never stdout).
 * @throws {OrchestratorError} the address is taken or not available on this machine
 */
function listen(
  bind: BindAddress,
  url: string,
  handler: Deno.ServeHandler,
  dashboardUrl?: string,
): Deno.HttpServer {
  const dashboard = dashboardUrl ? `; the dashboard at ${dashboardUrl}` : "";
  return serveOn(bind, {
    onListen: () => log.info(`MCP over Streamable HTTP at ${url}${dashboard}`),
    onError: (error) => {
      log.error(`HTTP: ${error instanceof Error ? error.message : String(error)}`);
      return jsonRpcErrorResponse(500, "Internal server error; see the server's stderr.");
    },
  }, handler);
}

function warnAboutExposure(options: HttpOptions): void {
  const { hostname } = options.bind;
  if (isLoopback(hostname)) return;
  log.warn(
    `HTTP is bound to ${hostname}, which is reachable from other machines; traffic is plain ` +
      `HTTP, so put a TLS-terminating proxy in front of it` +
      (options.token ? "." : " — and with --no-auth anyone who can reach it has full control."),
  );
  if (!allowedHostnames(options.bind)) {
    log.warn(
      `HTTP: the Host header cannot be checked for a wildcard bind (${hostname}); ` +
        (options.token
          ? "only the bearer token guards against DNS rebinding."
          : "with --no-auth nothing guards against DNS rebinding."),
    );
  }
}
