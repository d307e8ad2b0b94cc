/**
 * The `--http HOST:PORT` bind address: parsing, the `--allow-net` entry it needs, and which
 * `Host`/`Origin` hostnames a request to it may carry (DNS-rebinding protection).
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
import { ConfigError } from "../errors.ts";

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
