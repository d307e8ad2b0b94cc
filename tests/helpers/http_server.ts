/**
 * Test harness for the HTTP transport: spawns main.ts with `--http 127.0.0.1:<free port>` and
 * exactly the launcher's permission flags, and connects SDK clients over Streamable HTTP.
 * @module
 */
import { Client } from "@modelcontextprotocol/client";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { INITIALIZE } from "./jsonrpc.ts";
import { BUILTIN_WORKFLOWS, serverArgs, tempDbPath } from "./server.ts";
import { eventually } from "./wait.ts";

/** A token long enough for `MCP_HTTP_TOKEN`'s validation. */
export const TEST_TOKEN = "test-token-0123456789abcdef";
/** The stateless protocol revision a modern client pins. */
const MODERN_PROTOCOL = "2026-07-28";

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

/**
 * Spawn main.ts serving HTTP (stub decider) and wait until it listens.
 * @param options.env extra environment (e.g. `MCP_HTTP_TOKEN`); `args` extra flags (`--no-auth`)
 */
export async function spawnHttpServer(
  options: {
    dbPath?: string;
    workflowsDir?: string;
    env?: Record<string, string>;
    args?: string[];
  } = {},
): Promise<HttpServer> {
  const dbPath = options.dbPath ?? tempDbPath();
  const workflowsDir = options.workflowsDir ?? BUILTIN_WORKFLOWS;
  const bind = `127.0.0.1:${freePort()}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: serverArgs(workflowsDir, dbPath, options.args, undefined, { httpBind: bind }),
    env: { NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let errors = "";
  const listening = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      errors += decoder.decode(chunk, { stream: true });
    }
  })();
  const url = `http://${bind}/mcp`;
  try {
    await eventually(
      () => errors.includes(`Streamable HTTP at ${url}`) || undefined,
      "the server to listen",
      { timeoutMs: 30_000, everyMs: 25 },
    );
  } catch {
    child.kill();
    throw new Error(`server did not start listening within 30 s; stderr:\n${errors}`);
  }
  return {
    url,
    dbPath,
    child,
    stderr: () => errors,
    stop: async (signal = "SIGTERM") => {
      try {
        child.kill(signal);
      } catch {
        // Already exited.
      }
      const status = await child.status;
      await listening;
      return status;
    },
  };
}

/** Connect an SDK v2 client: legacy (session) handshake by default, or pinned to 2026-07-28. */
export async function connectHttp(
  url: string,
  options: { token?: string; modern?: boolean } = {},
): Promise<Client> {
  const client = new Client({ name: "orchestrator-http-test", version: "1.0.0" }, {
    versionNegotiation: options.modern ? { mode: { pin: MODERN_PROTOCOL } } : undefined,
  });
  const headers: Record<string, string> = options.token
    ? { Authorization: `Bearer ${options.token}` }
    : {};
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }),
  );
  return client;
}
