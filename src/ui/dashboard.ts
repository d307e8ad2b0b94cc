/**
 * The dashboard's HTTP entry under `/ui`, for `serve --http` (on the MCP listener) and for the
 * `ui` command: serves the embedded assets, exchanges a token for a session cookie, refuses
 * everything else without a session (401), refuses a POST whose `Origin` is not this server or
 * that lacks the session's form token (403), and routes to the pages. It reads and acts only
 * through the application it is given (store, definitions, engine): it opens nothing itself.
 *
 * @example
 * ```ts
 * const dashboard = createDashboard({ app: () => Promise.resolve(app), access: { kind: "open" } });
 * const response = await dashboard.handle(new Request("http://127.0.0.1:8808/ui/runs"));
 * dashboard.close();
 * ```
 * @module
 */
import type { App } from "../app.ts";
import {
  InvalidInputError,
  OrchestratorError,
  UnknownInstanceError,
  UnknownWorkflowError,
} from "../errors.ts";
import { log } from "../log.ts";
import { DEFAULT_BODY_TIMEOUT_MS, readBodyWithin } from "../mcp/http_body.ts";
import { logRefused } from "../mcp/http_refused.ts";
import { LiveStreams } from "./live.ts";
import { errorPage, loginPage } from "./pages/login.ts";
import { DashboardPages } from "./pages_handlers.ts";
import { assetResponse, htmlResponse, redirect } from "./responses.ts";
import { sameSecret } from "../secrets.ts";
import { type Session, type UiAccess, UiSessions } from "./session.ts";

/** The path the dashboard is served under. */
export const UI_PATH = "/ui";
/** How often live pages look for changes (ms). */
export const DEFAULT_POLL_MS = 1000;
/** The largest form accepted (bytes). */
const MAX_FORM_BYTES = 64 * 1024;

/** What the dashboard is built from. */
export interface DashboardOptions {
  /** The application (loaded on first use under `serve`). */
  app: () => Promise<App>;
  access: UiAccess;
  pollMs?: number;
  /** How long a form's body may take to arrive after its headers (ms; default 30 s). */
  bodyTimeoutMs?: number;
}

/** The dashboard's request handler. */
export interface Dashboard {
  /** Answer a request whose path is under `/ui`, from `remote` (for the log of a refusal). */
  handle(request: Request, remote?: Deno.Addr): Promise<Response>;
  /** End the live streams (the server is stopping). */
  close(): void;
}

/** Whether `pathname` is the dashboard's. */
export function isDashboardPath(pathname: string): boolean {
  return pathname === UI_PATH || pathname.startsWith(`${UI_PATH}/`);
}

/** Whether a POST comes from a page of this server (its `Origin` is ours). */
function sameOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  return origin !== null && origin === new URL(request.url).origin;
}

/** A route's answer for a session: the page, a redirect or a stream. */
type Route = (session: Session, form: URLSearchParams | undefined) => Promise<Response> | Response;

/** A form as read: its fields, or the status that refuses it (too large, or too slow to arrive). */
type FormRead = { form: URLSearchParams } | { refused: 408 | 413 };

/**
 * A form body (URL-encoded, as the pages send it) of at most `MAX_FORM_BYTES` that arrives within
 * `timeoutMs`, whatever the request says of its length: what is read is bounded before any log-in.
 */
async function readForm(request: Request, timeoutMs: number): Promise<FormRead> {
  const body = await readBodyWithin(request, MAX_FORM_BYTES, timeoutMs);
  if (body.kind === "tooLarge") return { refused: 413 };
  if (body.kind === "timeout") return { refused: 408 };
  return { form: new URLSearchParams(body.text) };
}

/** The page for a form `readForm` refused, logged as a refused request. */
function refusedForm(request: Request, remote: Deno.Addr | undefined, status: 408 | 413): Response {
  request.body?.cancel().catch(() => {});
  const why = status === 413
    ? `a form over ${MAX_FORM_BYTES / 1024} KB`
    : "a form whose body did not arrive in time";
  logRefused(request, remote, status, `dashboard ${why}`);
  const response = htmlResponse(
    errorPage("Refused", `This server does not take ${why}.`),
    status,
  );
  response.headers.set("connection", "close");
  return response;
}

/** Create the dashboard. */
export function createDashboard(options: DashboardOptions): Dashboard {
  const sessions = new UiSessions(options.access);
  const live = new LiveStreams(options.pollMs ?? DEFAULT_POLL_MS);
  let pages: Promise<DashboardPages> | undefined;
  const pagesOf = () => pages ??= options.app().then((app) => new DashboardPages(app, live));
  const oneTime = options.access.kind === "one-time";
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;

  const login = async (request: Request, url: URL, remote?: Deno.Addr): Promise<Response> => {
    // A browser already logged in (say, opening the one-time link again) goes on to the runs.
    if (sessions.find(request)) return redirect(`${UI_PATH}/runs`);
    let token = url.searchParams.get("token");
    if (request.method === "POST") {
      const read = await readForm(request, bodyTimeoutMs);
      if ("refused" in read) return refusedForm(request, remote, read.refused);
      token = read.form.get("token") ?? "";
    }
    if (token === null) return htmlResponse(loginPage({ oneTime, refused: false }));
    const session = sessions.login(token);
    if (!session) {
      logRefused(request, remote, 401, "dashboard log-in with a wrong or used token");
      return htmlResponse(loginPage({ oneTime, refused: true }), 401);
    }
    return redirect(`${UI_PATH}/runs`, { "set-cookie": sessions.cookieFor(request, session) });
  };

  /** The page a path names, or `undefined`. */
  const route = async (request: Request, url: URL): Promise<Route | undefined> => {
    const p = await pagesOf();
    const parts = url.pathname.slice(UI_PATH.length).split("/").filter(Boolean)
      .map(decodeURIComponent);
    const get = request.method === "GET" || request.method === "HEAD";
    const [first, second, third] = parts;
    if (get && parts.length === 0) return () => redirect(`${UI_PATH}/runs`);
    if (get && first === "runs" && parts.length === 1) return (s) => p.runs(url, s);
    if (get && first === "runs" && parts.length === 2) return (s) => p.run(second!, s);
    if (!get && first === "runs" && third === "cancel" && parts.length === 3) {
      return () => p.cancel(second!);
    }
    if (get && first === "workflows" && parts.length === 1) return (s) => p.workflows(s);
    if (get && first === "workflows" && parts.length === 2) return (s) => p.workflow(second!, s);
    if (get && first === "prune" && parts.length === 1) return (s) => p.prune(url, s);
    if (!get && first === "prune" && parts.length === 1) return (_, form) => p.pruneNow(form!);
    if (get && first === "live" && second === "runs" && parts.length === 2) {
      return () => p.liveRuns(request, url);
    }
    if (get && first === "live" && second === "run" && parts.length === 3) {
      return (s) => p.liveRun(request, third!, s);
    }
    if (!get && first === "logout" && parts.length === 1) {
      return (s) => {
        sessions.end(s);
        return redirect(`${UI_PATH}/login`, {
          "set-cookie": sessions.cookieFor(request, undefined),
        });
      };
    }
    return undefined;
  };

  const handle = async (request: Request, remote?: Deno.Addr): Promise<Response> => {
    const url = new URL(request.url);
    const read = request.method === "GET" || request.method === "HEAD";
    const asset = read ? assetResponse(url.pathname) : undefined;
    if (asset) return asset;
    if (request.method === "POST" && !sameOrigin(request)) {
      const origin = request.headers.get("origin") ?? "-";
      logRefused(request, remote, 403, `dashboard form sent from Origin ${origin}`);
      return htmlResponse(errorPage("Refused", "This form was not sent from this dashboard."), 403);
    }
    if (url.pathname === `${UI_PATH}/login`) return await login(request, url, remote);
    let session = sessions.find(request);
    // `--no-auth`: a browser without a session gets one, and its cookie with this answer.
    let newCookie: string | undefined;
    if (!session && sessions.open) {
      session = sessions.login("")!;
      newCookie = sessions.cookieFor(request, session);
    }
    if (!session) return htmlResponse(loginPage({ oneTime, refused: false }), 401);
    let form: URLSearchParams | undefined;
    if (request.method === "POST") {
      const read = await readForm(request, bodyTimeoutMs);
      if ("refused" in read) return refusedForm(request, remote, read.refused);
      form = read.form;
      if (!sameSecret(form.get("csrf") ?? "", session.csrf)) {
        logRefused(request, remote, 403, "dashboard form without the session's form token");
        return htmlResponse(
          errorPage(
            "Refused",
            "The form token is missing or stale: reload the page and try again.",
          ),
          403,
        );
      }
    }
    try {
      const answer = await route(request, url);
      if (!answer) {
        return htmlResponse(
          errorPage("Not found", `No page at ${url.pathname}.`, session.csrf),
          404,
        );
      }
      const response = await answer(session, form);
      if (newCookie) response.headers.set("set-cookie", newCookie);
      return response;
    } catch (error) {
      return failure(error, session);
    }
  };

  return { handle, close: () => live.closeAll() };
}

/** The page for an error: what to do for ours, a generic 500 (details on stderr) for others. */
function failure(error: unknown, session: Session): Response {
  if (error instanceof OrchestratorError) {
    const missing = error instanceof UnknownInstanceError || error instanceof UnknownWorkflowError;
    return htmlResponse(
      errorPage(missing ? "Not found" : "Could not do that", error.message, session.csrf),
      missing ? 404 : error.retryable ? 503 : error instanceof InvalidInputError ? 400 : 409,
    );
  }
  log.error(`dashboard: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
  return htmlResponse(
    errorPage("Server error", "Something went wrong; the server's stderr says what.", session.csrf),
    500,
  );
}
