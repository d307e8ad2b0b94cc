/**
 * The `warn` line of a refused HTTP request, the same for the MCP endpoint and the dashboard: why,
 * and the method, path (without its query, which may hold a log-in token) and remote address;
 * never a header value that could hold a credential.
 *
 * @example
 * ```ts
 * logRefused(request, info.remoteAddr, 401, "no bearer token");
 * return logRefusedAnswer(request, info.remoteAddr, await handler(request));
 * ```
 * @module
 */
import { log } from "../log.ts";

/** Log that `request` from `remote` was answered `status` for `reason`. */
export function logRefused(
  request: Request,
  remote: Deno.Addr | undefined,
  status: number,
  reason: string,
): void {
  log.warn(`HTTP request refused: ${reason}`, {
    status,
    method: request.method,
    path: new URL(request.url).pathname,
    remote: remote === undefined
      ? undefined
      : "hostname" in remote
      ? `${remote.hostname}:${remote.port}`
      : remote.transport,
  });
}

/** Why the MCP endpoint's handlers refuse a request with each client-error status. */
const ANSWER_REASONS: Record<number, string> = {
  400: "malformed request (not JSON, not JSON-RPC, or missing the session or protocol header)",
  404: "unknown or expired session, or no MCP endpoint at this path",
  405: "method not allowed on the MCP endpoint",
  406: "the Accept header allows neither JSON nor an event stream",
  413: "request body over the size limit",
  415: "Content-Type is not application/json",
};

/** Log the answer the MCP endpoint's handlers gave `request`, when it is a refusal. */
export function logRefusedAnswer(
  request: Request,
  remote: Deno.Addr | undefined,
  response: Response,
): Response {
  const reason = ANSWER_REASONS[response.status];
  if (reason !== undefined) logRefused(request, remote, response.status, reason);
  return response;
}
