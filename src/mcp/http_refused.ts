/**
 * The `warn` line of a refused HTTP request, the same for the MCP endpoint and the dashboard: why,
 * and the method, path (without its query, which may hold a log-in token) and remote address;
 * never a header value that could hold a credential.
 *
 * @example
 * ```ts
 * logRefused(request, info.remoteAddr, 401, "no bearer token");
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
