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
import {
  CLIENT_CAPABILITIES_META_KEY,
  type McpServer,
  PROTOCOL_VERSION_META_KEY,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import type { DecisionCall } from "../decide/types.ts";
import { log } from "../log.ts";
import { pushSampler, roundTripSampler } from "./sampling.ts";

/**
 * The per-request envelope every 2026-07-28 request carries (its protocol version and the
 * client's capabilities); older requests carry none.
 */
const modernEnvelopeSchema = z.object({
  [PROTOCOL_VERSION_META_KEY]: z.string(),
  [CLIENT_CAPABILITIES_META_KEY]: z.looseObject({ sampling: z.unknown() }).optional(),
});

/** The protocol era of the client of `ctx`, and whether it declared the sampling capability. */
function clientOf(server: McpServer, ctx: ServerContext): { modern: boolean; samples: boolean } {
  const envelope = modernEnvelopeSchema.safeParse(ctx.mcpReq.envelope);
  if (envelope.success) {
    const capabilities = envelope.data[CLIENT_CAPABILITIES_META_KEY];
    return { modern: true, samples: capabilities?.sampling !== undefined };
  }
  // A 2025-era session declared its capabilities once, in `initialize`.
  return { modern: false, samples: server.server.getClientCapabilities()?.sampling !== undefined };
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
  const client = clientOf(server, ctx);
  if (client.samples) {
    call.sample = client.modern ? roundTripSampler(ctx) : pushSampler(ctx);
  }
  return call;
}
