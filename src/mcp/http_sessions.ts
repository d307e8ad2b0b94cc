/**
 * Session-based Streamable HTTP for 2025-era clients (the `initialize` handshake and an
 * `Mcp-Session-Id` header): one `WebStandardStreamableHTTPServerTransport` and one `McpServer` per
 * session, all built by the same factory and so sharing one engine and one database. Sessions end
 * on `DELETE`, at shutdown, or after `idleMs` without requests. Open sessions are bounded per
 * client address and in all: a new session beyond a bound closes the least recently used idle
 * session (of that client, or of anyone) instead of being refused, so no client can lock others
 * out by opening sessions.
 *
 * @example
 * ```ts
 * const sessions = new LegacySessions(() => createMcpServer(app));
 * const response = await sessions.handle(request, { client: "127.0.0.1" });
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

/** A session unused for this long is closed, unless configured otherwise (ms; 10 minutes). */
export const DEFAULT_SESSION_IDLE_MS = 10 * 60 * 1000;
/** The most sessions open at once. */
export const MAX_SESSIONS = 1000;
/** The most sessions one client address keeps open at once. */
export const MAX_SESSIONS_PER_CLIENT = 64;
/** The longest pause between two sweeps for idle sessions (ms). */
const MAX_SWEEP_INTERVAL_MS = 60_000;

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
  /** The client's address: sessions are bounded per address. */
  client: string;
  lastUsed: number;
  /** POSTs of this session still being answered: a busy session is never evicted. */
  busy: number;
}

/** How one request reached the endpoint. */
export interface SessionRequestInfo {
  /** The client's address (e.g. its IP), the key of the per-client bound. */
  client: string;
  authInfo?: AuthInfo;
  /** The POST body, already parsed. */
  parsedBody?: unknown;
  /** Settles once the response has been delivered (or the client left). */
  completed?: Promise<void>;
}

/** Options of `LegacySessions`. */
export interface LegacySessionsOptions {
  /** POST bodies above this many bytes are answered 413. */
  maxRequestBodySize?: number;
  /** Sessions unused for this long are closed (ms). */
  idleMs?: number;
  maxSessions?: number;
  maxSessionsPerClient?: number;
}

/** A JSON-RPC error body with an HTTP status, as the SDK's transports answer. */
export function jsonRpcErrorResponse(status: number, message: string): Response {
  return Response.json({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }, { status });
}

/** What the SDK's transport takes of a request's info. */
function requestOptions({ authInfo, parsedBody }: SessionRequestInfo) {
  return { authInfo, parsedBody };
}

/** The open legacy sessions of one HTTP endpoint. */
export class LegacySessions {
  readonly #sessions = new Map<string, Session>();
  readonly #idleMs: number;
  readonly #maxSessions: number;
  readonly #maxPerClient: number;
  readonly #sweeper: ReturnType<typeof setInterval>;

  /** @param factory builds the `McpServer` of one session */
  constructor(readonly factory: () => McpServer, readonly options: LegacySessionsOptions = {}) {
    this.#idleMs = options.idleMs ?? DEFAULT_SESSION_IDLE_MS;
    this.#maxSessions = options.maxSessions ?? MAX_SESSIONS;
    this.#maxPerClient = options.maxSessionsPerClient ?? MAX_SESSIONS_PER_CLIENT;
    // Idle sessions close on time even when no new session comes to sweep them.
    this.#sweeper = setInterval(
      () => this.#sweep(),
      Math.min(this.#idleMs / 2, MAX_SWEEP_INTERVAL_MS),
    );
    Deno.unrefTimer(this.#sweeper);
  }

  /** How many sessions are open. */
  get size(): number {
    return this.#sessions.size;
  }

  /** Serve one legacy request: route it to its session, or start a session on `initialize`. */
  async handle(request: Request, info: SessionRequestInfo): Promise<Response> {
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
      if (request.method === "POST") this.#trackBusy(session, info.completed);
      return await session.transport.handleRequest(request, requestOptions(info));
    }
    if (request.method !== "POST") {
      return jsonRpcErrorResponse(
        400,
        `${request.method} needs an Mcp-Session-Id header: POST an initialize request first.`,
      );
    }
    this.#sweep();
    const full = this.#makeRoom(info.client);
    if (full) return jsonRpcErrorResponse(503, full);
    return await this.#start(request, info);
  }

  /** Count `session` busy until `completed` settles. */
  #trackBusy(session: Session, completed: Promise<void> | undefined): void {
    if (!completed) return;
    session.busy++;
    completed.catch(() => {}).finally(() => {
      session.busy--;
      session.lastUsed = Date.now();
    });
  }

  /**
   * Close the least recently used idle session of `client` when it is at its bound, then of
   * anyone when all sessions are; the refusal message when every candidate is busy.
   */
  #makeRoom(client: string): string | undefined {
    const own = [...this.#sessions].filter(([, session]) => session.client === client);
    if (own.length >= this.#maxPerClient && !this.#evictLeastRecent(own, "its client's")) {
      return `Too many open sessions from ${client} (${this.#maxPerClient}), all busy; retry ` +
        "when a call has finished, or close unused clients.";
    }
    if (this.#sessions.size >= this.#maxSessions && !this.#evictLeastRecent(this.#sessions, "")) {
      return `Too many open sessions (${this.#maxSessions}), all busy; retry when a call has ` +
        "finished, or close unused clients.";
    }
    return undefined;
  }

  /** Close the least recently used of `candidates` that is not busy; whether there was one. */
  #evictLeastRecent(candidates: Iterable<[string, Session]>, whose: string): boolean {
    let oldest: [string, Session] | undefined;
    for (const entry of candidates) {
      if (entry[1].busy === 0 && (!oldest || entry[1].lastUsed < oldest[1].lastUsed)) {
        oldest = entry;
      }
    }
    if (!oldest) return false;
    this.#close(oldest[0], `to make room: the least recently used of ${whose || "all"} sessions`);
    return true;
  }

  async #start(request: Request, info: SessionRequestInfo): Promise<Response> {
    const server = this.factory();
    const transport: WebStandardStreamableHTTPServerTransport =
      new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => crypto.randomUUID(),
        onsessioninitialized: (sessionId) => {
          this.#sessions.set(sessionId, {
            transport,
            server,
            client: info.client,
            lastUsed: Date.now(),
            busy: 0,
          });
          log.debug(`HTTP session ${sessionId} started (${this.#sessions.size} open)`);
        },
        onsessionclosed: (sessionId) => {
          this.#sessions.delete(sessionId);
          log.debug(`HTTP session ${sessionId} closed by the client`);
        },
        maxRequestBodySize: this.options.maxRequestBodySize,
      });
    await server.connect(transport);
    const response = await transport.handleRequest(request, requestOptions(info));
    // Anything but a successful initialize leaves no session behind.
    if (!transport.sessionId) await server.close();
    return response;
  }

  #sweep(): void {
    const cutoff = Date.now() - this.#idleMs;
    for (const [id, session] of this.#sessions) {
      if (session.lastUsed >= cutoff || session.busy > 0) continue;
      this.#close(id, `after ${this.#idleMs} ms without requests`);
    }
  }

  #close(id: string, why: string): void {
    const session = this.#sessions.get(id);
    if (!session) return;
    this.#sessions.delete(id);
    void session.server.close();
    log.info(`HTTP session ${id} closed ${why}`);
  }

  /** Close every session (ending their SSE streams) and stop sweeping. */
  async closeAll(): Promise<void> {
    clearInterval(this.#sweeper);
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.allSettled(sessions.map((session) => session.server.close()));
  }
}
