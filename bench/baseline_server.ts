/**
 * The baseline the benchmarks compare against: a bare MCP server from the same SDK, on the same
 * stdio transport, with one tool that does nothing. Whatever it costs is the cost of MCP itself.
 *
 * @example
 * ```sh
 * deno run --no-prompt bench/baseline_server.ts   # speaks MCP on stdin/stdout
 * ```
 * @module
 */
import { McpServer } from "@modelcontextprotocol/server";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";

/** Name of the baseline's only tool. */
export const NOOP_TOOL = "noop";

if (import.meta.main) {
  const server = new McpServer({ name: "baseline", version: "1.0.0" });
  server.registerTool(
    NOOP_TOOL,
    { description: "Does nothing and answers at once." },
    () => ({ content: [{ type: "text" as const, text: "ok" }] }),
  );
  // Ends by itself when the client closes stdin, like the orchestrator.
  await server.connect(new StdioServerTransport());
}
