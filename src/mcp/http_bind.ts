/**
 * The `--http HOST:PORT` bind address: parsing, the `--allow-net` entry it needs, which
 * `Host`/`Origin` hostnames a request to it may carry (DNS-rebinding protection), and listening on
 * it (`serveOn`, `closeListener`), for the MCP endpoint and the `ui` command alike.
 *
 * @example
 * ```ts
 * const bind = parseBindAddress("127.0.0.1:8808");
 * bindPermission(bind); // "127.0.0.1:8808"
 * isLoopback(bind.hostname); // true
 * ```
 * @module
 */
import { localhostAllowedHostnames } from "@modelcontextprotocol/server";
import { ConfigError, OrchestratorError } from "../errors.ts";
import { log } from "../log.ts";

/** The address the HTTP transport listens on. */
export interface BindAddress {
  /** IP address or name, without IPv6 brackets. */
  hostname: string;
  port: number;
}

/** Where HTTP binds when `--http` names only a port. */
export const DEFAULT_HTTP_HOSTNAME = "127.0.0.1";

/**
 * Parse `HOST:PORT`, `[IPv6]:PORT` or a bare `PORT` (which binds 127.0.0.1).
 * @throws {ConfigError} the value is not an address with a port from 1 to 65535
 */
export function parseBindAddress(value: string): BindAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]*)):(\d{1,5})$/.exec(value.trim()) ??
    /^()()(\d{1,5})$/.exec(value.trim());
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(
      `Invalid --http value '${value}': use HOST:PORT with a port from 1 to 65535, e.g. ` +
        `--http 127.0.0.1:8808 (or [::1]:8808 for IPv6).`,
    );
  }
  return { hostname: match[1] || match[2] || DEFAULT_HTTP_HOSTNAME, port };
}

/** `host:port` as URLs and `--allow-net` write it (IPv6 in brackets). */
export function bindPermission(bind: BindAddress): string {
  const host = bind.hostname.includes(":") ? `[${bind.hostname}]` : bind.hostname;
  return `${host}:${bind.port}`;
}

/** Whether `hostname` only accepts connections from this machine. */
export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Whether `hostname` listens on every interface. */
export function isWildcard(hostname: string): boolean {
  return hostname === "0.0.0.0" || hostname === "::" || hostname === "";
}

/**
 * Hostnames a request's `Host` header may name: the loopback names plus the bound name itself;
 * `undefined` for a wildcard bind, whose public names cannot be known (the bearer token is then
 * the only guard).
 */
export function allowedHostnames(bind: BindAddress): string[] | undefined {
  if (isWildcard(bind.hostname)) return undefined;
  const own = bind.hostname.includes(":") ? `[${bind.hostname}]` : bind.hostname;
  const names = localhostAllowedHostnames();
  return names.includes(own) ? names : [...names, own];
}

/**
 * `Deno.serve` on `bind`; an address that is taken or not on this machine is one clear error.
 * @throws {OrchestratorError} naming the address and the fix
 */
export function serveOn(
  bind: BindAddress,
  options: Omit<Deno.ServeTcpOptions, "hostname" | "port">,
  handler: Deno.ServeHandler,
): Deno.HttpServer {
  try {
    return Deno.serve({ ...options, hostname: bind.hostname, port: bind.port }, handler);
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse || error instanceof Deno.errors.AddrNotAvailable) {
      throw new OrchestratorError(
        `Cannot listen on ${bindPermission(bind)}: ${error.message}. Stop the program using ` +
          "it, or choose another address with --http HOST:PORT.",
      );
    }
    throw error;
  }
}

/** How long closing a listener waits for its open connections once the calls are done (ms). */
const CONNECTIONS_GRACE_MS = 2_000;

/**
 * Close the listener and wait for its connections, but not for those a stalled client keeps open
 * (`Deno.serve` waits for their requests forever): after `CONNECTIONS_GRACE_MS` they no longer
 * keep the process alive. Whether all connections closed.
 */
export async function closeListener(server: Deno.HttpServer): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const graceOver = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), CONNECTIONS_GRACE_MS);
  });
  const closed = await Promise.race([server.shutdown().then(() => true), graceOver]);
  clearTimeout(timer);
  if (closed) return true;
  log.warn("HTTP: connections of stalled clients are still open; stopping without them.");
  server.unref();
  return false;
}
