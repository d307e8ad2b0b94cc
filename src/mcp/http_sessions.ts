/**
 * Session-based Streamable HTTP for 2025-era clients (the `initialize` handshake and an
 * `Mcp-Session-Id` header): one `WebStandardStreamableHTTPServerTransport` and one `McpServer` per
 * session, all built by the same factory and so sharing one engine and one database. Sessions end
 * on `DELETE`, at shutdown, or after an hour without requests (swept when a new one starts).
 *
 * @example
 * ```ts
 * const sessions = new LegacySessions(() => createMcpServer(app));
 * const response = await sessions.handle(request);
 * await sessions.closeAll();
 * ```
 * @module
 */
import {
  type AuthInfo,
  type McpServer,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import { log } from "../log.ts";

/** A session unused for this long is closed when the next session starts (ms). */
export const SESSION_IDLE_MS = 60 * 60 * 1000;
/** The most sessions open at once; a new `initialize` beyond it is refused with 503. */
export const MAX_SESSIONS = 1000;

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
  lastUsed: number;
}

/** A JSON-RPC error body with an HTTP status, as the SDK's transports answer. */
export function jsonRpcErrorResponse(status: number, message: string): Response {
  return Response.json({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }, { status });
}

/** The open legacy sessions of one HTTP endpoint. */
export class LegacySessions {
  readonly #sessions = new Map<string, Session>();

  /**
   * @param factory builds the `McpServer` of one session
   * @param maxRequestBodySize POST bodies above this many bytes are answered 413
   */
  constructor(
    readonly factory: () => McpServer,
    readonly maxRequestBodySize?: number,
  ) {}

  /** How many sessions are open. */
  get size(): number {
    return this.#sessions.size;
  }

  /** Serve one legacy request: route it to its session, or start a session on `initialize`. */
  async handle(request: Request, authInfo?: AuthInfo, parsedBody?: unknown): Promise<Response> {
    const id = request.headers.get("mcp-session-id");
    if (id) {
      const session = this.#sessions.get(id);
      if (!session) {
        return jsonRpcErrorResponse(
          404,
          `Session '${id}' not found: it was closed, expired or the server restarted. ` +
            "Connect again (send a new initialize request without Mcp-Session-Id).",
        );
      }
      session.lastUsed = Date.now();
      return await session.transport.handleRequest(request, { authInfo, parsedBody });
    }
    if (request.method !== "POST") {
      return jsonRpcErrorResponse(
        400,
        `${request.method} needs an Mcp-Session-Id header: POST an initialize request first.`,
      );
    }
    this.#sweep();
    if (this.#sessions.size >= MAX_SESSIONS) {
      return jsonRpcErrorResponse(
        503,
        `Too many open sessions (${MAX_SESSIONS}); close unused clients or retry later.`,
      );
    }
    return await this.#start(request, authInfo, parsedBody);
  }

  async #start(request: Request, authInfo?: AuthInfo, parsedBody?: unknown): Promise<Response> {
    const server = this.factory();
    const transport: WebStandardStreamableHTTPServerTransport =
      new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => crypto.randomUUID(),
        onsessioninitialized: (sessionId) => {
          this.#sessions.set(sessionId, { transport, server, lastUsed: Date.now() });
          log.debug(`HTTP session ${sessionId} started (${this.#sessions.size} open)`);
        },
        onsessionclosed: (sessionId) => {
          this.#sessions.delete(sessionId);
          log.debug(`HTTP session ${sessionId} closed by the client`);
        },
        maxRequestBodySize: this.maxRequestBodySize,
      });
    await server.connect(transport);
    const response = await transport.handleRequest(request, { authInfo, parsedBody });
    // Anything but a successful initialize leaves no session behind.
    if (!transport.sessionId) await server.close();
    return response;
  }

  #sweep(): void {
    const cutoff = Date.now() - SESSION_IDLE_MS;
    for (const [id, session] of this.#sessions) {
      if (session.lastUsed >= cutoff) continue;
      this.#sessions.delete(id);
      void session.server.close();
      log.info(`HTTP session ${id} closed after an hour without requests`);
    }
  }

  /** Close every session (ending their SSE streams). */
  async closeAll(): Promise<void> {
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.allSettled(sessions.map((session) => session.server.close()));
  }
}
