/**
 * Test harness for the HTTP transport: spawns main.ts with `--http 127.0.0.1:<free port>` and
 * exactly the launcher's permission flags, and connects SDK clients over Streamable HTTP.
 * @module
 */
import { Client } from "@modelcontextprotocol/client";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import type { ClientOptions } from "@modelcontextprotocol/client";
import type { EnvVar } from "../../src/env_vars.ts";
import { INITIALIZE } from "./jsonrpc.ts";
import {
  type AiOptions,
  BUILTIN_WORKFLOWS,
  MODERN_CLIENT,
  serverArgs,
  tempDbPath,
} from "./server.ts";
import { deadline } from "./wait.ts";

/** A token long enough for `MCP_HTTP_TOKEN`'s validation. */
export const TEST_TOKEN = "test-token-0123456789abcdef";

/** A spawned HTTP server. */
export interface HttpServer {
  /** `http://127.0.0.1:<port>/mcp` */
  url: string;
  dbPath: string;
  child: Deno.ChildProcess;
  /** Everything written to stderr so far. */
  stderr: () => string;
  /** Send `signal` and wait for the exit status. */
  stop: (signal?: Deno.Signal) => Promise<Deno.CommandStatus>;
}

/** POST `body` (by default a 2025-era initialize request) with the given extra headers. */
export function rawPost(
  url: string,
  headers: Record<string, string>,
  body: string = JSON.stringify(INITIALIZE),
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body,
  });
}

/** A TCP port that was free a moment ago. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** How `launchHttpServer` and `spawnHttpServer` run main.ts. */
export interface HttpServerOptions {
  dbPath?: string;
  workflowsDir?: string;
  /** Extra environment (e.g. `MCP_HTTP_TOKEN`, or `WORKFLOW_DB_URL`, whose host is granted). */
  env?: Partial<Record<EnvVar, string>>;
  /** Extra flags (`--no-auth`). */
  args?: string[];
  /** The `host:port` to listen on (default: a free 127.0.0.1 port). */
  bind?: string;
  /** The decision maker and its variables (default: stub). */
  ai?: AiOptions;
}

/** A server being started: `listening` resolves once it listens, or rejects with its stderr. */
export interface LaunchedHttpServer extends HttpServer {
  listening: Promise<void>;
}

/** Spawn main.ts serving HTTP (stub decider, the launcher's flags) without waiting for it. */
export function launchHttpServer(options: HttpServerOptions = {}): LaunchedHttpServer {
  const dbPath = options.dbPath ?? tempDbPath();
  const workflowsDir = options.workflowsDir ?? BUILTIN_WORKFLOWS;
  const bind = options.bind ?? `127.0.0.1:${freePort()}`;
  const ai: AiOptions = {
    provider: options.ai?.provider ?? "stub",
    env: { ...options.env, ...options.ai?.env },
  };
  const child = new Deno.Command(Deno.execPath(), {
    args: serverArgs(workflowsDir, dbPath, options.args, ai, { httpBind: bind }),
    env: { NO_COLOR: "1", ...options.env, ...options.ai?.env },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const url = `http://${bind}/mcp`;
  let errors = "";
  const { promise: listens, resolve: heard } = Promise.withResolvers<void>();
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      errors += decoder.decode(chunk, { stream: true });
      if (errors.includes(`Streamable HTTP at ${url}`)) heard();
    }
  })();
  const exited = child.status.then((status) => {
    throw new Error(`server exited (${status.signal ?? status.code}) before listening:\n${errors}`);
  });
  const listening = deadline(Promise.race([listens, exited]), 30_000, "the server to listen");
  // Whoever does not wait for `listening` must not see it fail as an unhandled rejection.
  listening.catch(() => {});
  return {
    url,
    dbPath,
    child,
    listening,
    stderr: () => errors,
    stop: async (signal = "SIGTERM") => {
      try {
        child.kill(signal);
      } catch {
        // Already exited.
      }
      const status = await child.status;
      await reading;
      return status;
    },
  };
}

/** Spawn main.ts serving HTTP (stub decider) and wait until it listens. */
export async function spawnHttpServer(options: HttpServerOptions = {}): Promise<HttpServer> {
  const server = launchHttpServer(options);
  try {
    await server.listening;
  } catch (error) {
    await server.stop("SIGKILL");
    throw error;
  }
  return server;
}

/**
 * Connect an SDK v2 client: legacy (session) handshake by default, or pinned to 2026-07-28;
 * `client` adds options (e.g. capabilities), `setup` registers the client's handlers.
 */
export async function connectHttp(
  url: string,
  options: {
    token?: string;
    modern?: boolean;
    client?: ClientOptions;
    setup?: (client: Client) => void;
  } = {},
): Promise<Client> {
  const client = new Client(
    { name: "orchestrator-http-test", version: "1.0.0" },
    { ...(options.modern ? MODERN_CLIENT : {}), ...options.client },
  );
  options.setup?.(client);
  const headers: Record<string, string> = options.token
    ? { Authorization: `Bearer ${options.token}` }
    : {};
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }),
  );
  return client;
}
