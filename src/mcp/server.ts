/**
 * Builds the MCP server (tools over the engine) and serves it over stdio.
 * @module
 */
import { McpServer } from "@modelcontextprotocol/server";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import type { Definitions } from "../definitions/types.ts";
import type { WorkflowEngine } from "../engine/engine.ts";
import { log } from "../log.ts";
import { VERSION } from "../version.ts";
import { registerWorkflowPrompts } from "./prompts.ts";
import { registerResources } from "./resources.ts";
import { registerTools } from "./tools.ts";

const INSTRUCTIONS =
  "This server runs multi-step workflows. Call list_workflows, then start_workflow. Do what " +
  "next_step.instructions say yourself, then call advance_workflow with report.step_id = the " +
  "step_name you were given and report.status ('success', 'failure', …). Repeat until the " +
  "status is COMPLETED or FAILED. After an interruption call resume_workflow with the " +
  "instance_id and the step you believe is current.";

/** A configured MCP server exposing the orchestrator's tools. */
export function createMcpServer(engine: WorkflowEngine, definitions: Definitions): McpServer {
  const server = new McpServer(
    { name: "orchestrator-mcp-server", version: VERSION },
    { instructions: INSTRUCTIONS },
  );
  registerTools(server, engine, definitions);
  registerResources(server, engine, definitions);
  const prompts = registerWorkflowPrompts(server, definitions);
  // Hot reload: prompts follow the files; the workflow:// listing is computed on each request,
  // so clients only need to be told it changed.
  const unsubscribe = definitions.onChange?.(() => {
    if (prompts.sync()) server.sendResourceListChanged();
  });
  const onclose = server.server.onclose;
  server.server.onclose = () => {
    unsubscribe?.();
    onclose?.();
  };
  return server;
}

/** Serve `server` on stdin/stdout until the client disconnects. */
export async function serveStdio(server: McpServer): Promise<void> {
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  // Transport failures (e.g. a message over the SDK's 10 MiB stdio limit, which ends the session)
  // would otherwise go unexplained.
  server.server.onerror = (error) => log.warn(`MCP transport: ${error.message}`);
  await server.connect(transport);
  await closed;
}
