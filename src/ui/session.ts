/**
 * Who may use the dashboard. A token (the server's `MCP_HTTP_TOKEN` under `serve --http`, or the
 * one-time token the `ui` command prints) is exchanged once for a session cookie (`HttpOnly`,
 * `SameSite=Strict`, path `/ui`); a one-time token no longer works after that. Each session has
 * its own form token, which every POST must carry (CSRF). `--no-auth` gives every browser a
 * session without a token.
 *
 * @example
 * ```ts
 * const sessions = new UiSessions({ kind: "one-time", token });
 * const session = sessions.login(token); // a Session; a second login(token) is undefined
 * ```
 * @module
 */
import { randomToken, sameSecret } from "../secrets.ts";

/** How the dashboard is entered. */
export type UiAccess =
  /** `serve --http`: the bearer token logs in (any number of times), or is sent as a header. */
  | { kind: "token"; token: string }
  /** The `ui` command: the printed token logs in once. */
  | { kind: "one-time"; token: string }
  /** `serve --http --no-auth`: no token at all. */
  | { kind: "open" };

/** A logged-in browser. */
export interface Session {
  id: string;
  /** The form token its POSTs must carry; "" for a bearer-header request, which may not POST. */
  csrf: string;
  expires: number;
}

/**
 * The session cookie's name for the dashboard `request` reaches: one per port, since browsers
 * share cookies across the ports of a host, and a dashboard on another port (the `ui` command, a
 * second replica) would otherwise replace this one's session.
 */
export function sessionCookie(request: Request): string {
  const url = new URL(request.url);
  return `orchestrator_ui_${url.port || (url.protocol === "https:" ? "443" : "80")}`;
}
/** How long a session lasts (ms): 12 hours. */
const SESSION_MS = 12 * 3600_000;
/** Sessions kept at most; the oldest goes first. */
const MAX_SESSIONS = 1000;

/** The value of cookie `name` in `request`, if sent. */
function cookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

/** The dashboard's sessions, in memory (a restart logs everyone out). */
export class UiSessions {
  readonly #access: UiAccess;
  readonly #sessions = new Map<string, Session>();
  #oneTimeUsed = false;

  constructor(access: UiAccess) {
    this.#access = access;
  }

  /** Whether the dashboard needs no token (`--no-auth`). */
  get open(): boolean {
    return this.#access.kind === "open";
  }

  /** A new session for `token`, or `undefined` when it is wrong (or a one-time token was used). */
  login(token: string): Session | undefined {
    const access = this.#access;
    if (access.kind === "open") return this.#create();
    if (!sameSecret(token, access.token)) return undefined;
    if (access.kind === "one-time") {
      if (this.#oneTimeUsed) return undefined;
      this.#oneTimeUsed = true;
    }
    return this.#create();
  }

  /**
   * The session `request` belongs to (its cookie, or under `serve --http` a bearer header);
   * `undefined` when it has none that is valid. With `--no-auth`, `undefined` too until a session
   * is created by `login`.
   */
  find(request: Request): Session | undefined {
    const id = cookie(request, sessionCookie(request));
    const session = id === undefined ? undefined : this.#sessions.get(id);
    if (session && session.expires > Date.now()) return session;
    if (session) this.#sessions.delete(session.id);
    const header = request.headers.get("authorization") ?? "";
    const access = this.#access;
    if (access.kind === "token" && header.startsWith("Bearer ")) {
      if (sameSecret(header.slice(7).trim(), access.token)) {
        return { id: "", csrf: "", expires: Date.now() };
      }
    }
    return undefined;
  }

  /** End `session` (logging out). */
  end(session: Session): void {
    this.#sessions.delete(session.id);
  }

  /** The `Set-Cookie` answer to `request` that gives the browser `session` (or clears it). */
  cookieFor(request: Request, session: Session | undefined): string {
    const name = sessionCookie(request);
    const base = `${name}=${session?.id ?? ""}; Path=/ui; HttpOnly; SameSite=Strict`;
    return session ? `${base}; Max-Age=${Math.floor(SESSION_MS / 1000)}` : `${base}; Max-Age=0`;
  }

  #create(): Session {
    if (this.#sessions.size >= MAX_SESSIONS) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest !== undefined) this.#sessions.delete(oldest);
    }
    const session = { id: randomToken(), csrf: randomToken(), expires: Date.now() + SESSION_MS };
    this.#sessions.set(session.id, session);
    return session;
  }
}
