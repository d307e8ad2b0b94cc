/**
 * Builds the MCP server (tools, resources and prompts over the engine) and serves it on stdio, to
 * 2026-07-28 clients (`server/discover`, per-request envelopes, multi round-trip requests) and to
 * older ones (`initialize`) alike. Nothing here needs the application loaded: the server is
 * created, connected and answers the handshake before the workflow parser, the store and
 * the engine are imported; the handlers wait for them.
 *
 * @example
 * ```ts
 * const { closed } = connectStdio(() => createMcpServer(app), { onAnswered: () => void app() });
 * await closed;
 * ```
 * @module
 */
import { type JSONRPCMessage, McpServer } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import type { Definitions } from "../definitions/types.ts";
import { log } from "../log.ts";
import { VERSION } from "../version.ts";
import { registerWorkflowPrompts } from "./prompts.ts";
import { registerResources } from "./resources.ts";
import type { LoadServed, Served } from "./served.ts";
import { StdioTransport } from "./stdio_transport.ts";
import { registerTools } from "./tools.ts";

const INSTRUCTIONS =
  "This server runs multi-step workflows. Call list_workflows, then start_workflow. Do what " +
  "next_step.instructions say yourself, then call advance_workflow with report.step_id = the " +
  "step_name you were given and report.status ('success', 'failure', …). Repeat until the " +
  "status is COMPLETED or FAILED. After an interruption call resume_workflow with the " +
  "instance_id and the step you believe is current.";

/** What the workflow catalog looks like: each workflow's content hash, or its errors. */
function catalogSignature(definitions: Definitions): string {
  return definitions.list()
    .map((e) => `${e.name}:${e.valid ? e.definition.hash : JSON.stringify(e.errors)}`)
    .join("\n");
}

/**
 * Call `changed` whenever the files change what the workflows are (not on every file event);
 * returns the unsubscribe function.
 */
export function watchCatalog(
  definitions: Definitions,
  changed: () => void,
): (() => void) | undefined {
  let last = catalogSignature(definitions);
  return definitions.onChange?.(() => {
    try {
      const current = catalogSignature(definitions);
      if (current === last) return;
      last = current;
      changed();
    } catch (error) {
      log.error(`could not refresh the workflow catalog: ${(error as Error).message}`);
    }
  });
}

/**
 * A configured MCP server exposing the orchestrator's tools, resources and prompts. Creating it
 * loads nothing: its handlers call `app` when a request needs the application.
 */
export function createMcpServer(
  app: LoadServed,
  options: { notifyCatalogChanges?: boolean } = {},
): McpServer {
  const server = new McpServer(
    { name: "orchestrator-mcp-server", version: VERSION },
    { instructions: INSTRUCTIONS },
  );
  // Hot reload: prompts and the workflow:// listing are computed on each request, so clients only
  // need to be told they changed — from the first request on, while the session is open. A server
  // built for one stateless HTTP request has no one to tell, so it does not watch.
  let closed = false;
  let unsubscribe: (() => void) | undefined;
  let served: Promise<Served> | undefined;
  const watched: LoadServed = () =>
    served ??= app().then((loaded) => {
      if (!closed && (options.notifyCatalogChanges ?? true)) {
        unsubscribe = watchCatalog(loaded.definitions, () => {
          server.sendPromptListChanged();
          server.sendResourceListChanged();
        });
      }
      return loaded;
    });
  registerTools(server, watched);
  registerResources(server, watched);
  registerWorkflowPrompts(server, watched);
  const onclose = server.server.onclose;
  server.server.onclose = () => {
    closed = true;
    unsubscribe?.();
    onclose?.();
  };
  return server;
}

/**
 * A stdio transport calling `onAnswered` once its first message (the handshake answer) is out,
 * and resolving `closed` when the client leaves (stdin ends).
 */
class AnsweringStdioTransport extends StdioTransport {
  #onAnswered: (() => void) | undefined;
  readonly #closed = Promise.withResolvers<void>();
  readonly closed: Promise<void> = this.#closed.promise;

  constructor(onAnswered: () => void) {
    super();
    this.#onAnswered = onAnswered;
  }

  override async send(message: JSONRPCMessage): Promise<void> {
    await super.send(message);
    const onAnswered = this.#onAnswered;
    this.#onAnswered = undefined;
    onAnswered?.();
  }

  // `serveStdio` owns `onclose` (it closes the pinned server), so the end is observed here.
  override async close(): Promise<void> {
    await super.close();
    this.#closed.resolve();
  }
}

/**
 * Serve MCP on stdin/stdout with a server from `create`: the SDK's `serveStdio` lets the client's
 * opening message choose the protocol era (`server/discover` for 2026-07-28, `initialize` for
 * older clients) and pins one server for the connection. `closed` resolves when the client
 * disconnects (after the calls it sent are answered), `close` ends the session; `onAnswered` runs
 * once the first answer has been written, the moment to start slow work without delaying the
 * handshake.
 */
export function connectStdio(
  create: () => McpServer,
  options: { onAnswered?: () => void } = {},
): { closed: Promise<void>; close: () => Promise<void> } {
  const transport = new AnsweringStdioTransport(options.onAnswered ?? (() => {}));
  // Skipped messages (too large, not JSON) and transport failures would otherwise go unexplained.
  const warn = (error: Error) => log.warn(`MCP transport: ${error.message}`);
  const handle = serveStdio(() => {
    const server = create();
    server.server.onerror = warn;
    return server;
  }, { transport, onerror: warn });
  return { closed: transport.closed, close: () => handle.close() };
}
