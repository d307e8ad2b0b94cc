/**
 * The MCP side of a decision: cancellation, progress notifications and MCP sampling of the
 * `tools/call` request an AI decision serves, as a protocol-free `DecisionCall` for the engine.
 *
 * @example
 * ```ts
 * engine.advance(id, report, updates, decisionCall(server, ctx));
 * ```
 * @module
 */
import type { McpServer, ServerContext } from "@modelcontextprotocol/server";
import type { DecisionCall, SampleAnswer, SampleRequest } from "../decide/types.ts";
import { log } from "../log.ts";

/** The text of a sampling result (one content block, or the text blocks of several). */
function sampledText(content: unknown): string {
  const blocks = (Array.isArray(content) ? content : [content]) as {
    type?: string;
    text?: string;
  }[];
  return blocks.filter((b) => b?.type === "text").map((b) => b.text ?? "").join("");
}

/** A `DecisionCall` for the tool call `ctx` of `server`. */
export function decisionCall(server: McpServer, ctx: ServerContext): DecisionCall {
  const token = ctx.mcpReq._meta?.progressToken;
  let progress = 0;
  const call: DecisionCall = { signal: ctx.mcpReq.signal };
  if (token !== undefined) {
    call.progress = (message) => {
      ctx.mcpReq.notify({
        method: "notifications/progress",
        params: { progressToken: token, progress: ++progress, message },
      }).catch((error) => log.debug(`progress notification not sent: ${error}`));
    };
  }
  if (server.server.getClientCapabilities()?.sampling) {
    call.sample = async (request: SampleRequest, signal: AbortSignal): Promise<SampleAnswer> => {
      const result = await ctx.mcpReq.requestSampling({
        systemPrompt: request.system,
        messages: request.messages.map((m) => ({
          role: m.role,
          content: { type: "text", text: m.text },
        })),
        maxTokens: request.maxTokens,
        includeContext: "none",
      }, { signal, timeout: request.timeoutMs });
      return { text: sampledText(result.content), model: result.model };
    };
  }
  return call;
}
