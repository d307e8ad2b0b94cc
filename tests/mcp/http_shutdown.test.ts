/**
 * The HTTP endpoint's lifecycle, in process. Graceful shutdown: calls that are running when shutdown
 * starts still get their results (for stateless and session clients alike), new requests are
 * refused with 503, and the listener closes only after that. A taken port is one clear error.
 */
import assert from "node:assert/strict";
import { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { serveHttp } from "../../src/mcp/http.ts";
import { deadline } from "../helpers/wait.ts";
import { connectHttp, freePort } from "../helpers/http_server.ts";

/** A server whose `slow` tool waits until the test releases it. */
function gatedServerFactory() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let entered = 0;
  const enteredWaiters: (() => void)[] = [];
  const factory = () => {
    const server = new McpServer({ name: "gated", version: "1.0.0" });
    server.registerTool("slow", { inputSchema: z.object({ n: z.number() }) }, async ({ n }) => {
      entered++;
      for (const wake of enteredWaiters.splice(0)) wake();
      await released;
      return { content: [{ type: "text" as const, text: `done ${n}` }] };
    });
    return server;
  };
  /** Resolves once `count` calls are inside the tool. */
  const inside = async (count: number) => {
    while (entered < count) await new Promise<void>((resolve) => enteredWaiters.push(resolve));
  };
  return { factory, release, inside };
}

Deno.test("HTTP shutdown lets in-flight calls finish, refuses new requests, then closes", async () => {
  const gated = gatedServerFactory();
  const endpoint = serveHttp(gated.factory, {
    bind: { hostname: "127.0.0.1", port: freePort() },
    token: undefined,
  });
  const modern = await connectHttp(endpoint.url, { modern: true });
  const session = await connectHttp(endpoint.url);
  const calls = [
    modern.callTool({ name: "slow", arguments: { n: 1 } }),
    session.callTool({ name: "slow", arguments: { n: 2 } }),
  ];
  try {
    // A call that fails before reaching the tool must show up, not leave us waiting.
    await deadline(
      Promise.race([gated.inside(2), Promise.any(calls).then(() => {})]),
      10_000,
      "both calls inside the tool",
    );

    let stopped = false;
    const stopping = endpoint.shutdown().then(() => (stopped = true));
    const refused = await fetch(endpoint.url, { method: "POST", body: "{}" });
    assert.equal(refused.status, 503);
    assert.match((await refused.json()).error.message, /shutting down/);
    assert.equal(stopped, false, "shutdown waits for the running calls");

    gated.release();
    const results = await deadline(Promise.all(calls), 10_000, "the running calls");
    assert.deepEqual(
      results.map((result) => (result.content as { text: string }[])[0]!.text),
      ["done 1", "done 2"],
    );
    await deadline(stopping, 10_000, "shutdown");
    await deadline(endpoint.finished, 10_000, "the listener to close");
  } finally {
    gated.release();
    void endpoint.shutdown();
  }
  await modern.close().catch(() => {});
  await session.close().catch(() => {});
});

Deno.test("HTTP on an address in use fails with one actionable message", () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (taken.addr as Deno.NetAddr).port;
    assert.throws(
      () =>
        serveHttp(gatedServerFactory().factory, {
          bind: { hostname: "127.0.0.1", port },
          token: undefined,
        }),
      new RegExp(`Cannot listen on 127\\.0\\.0\\.1:${port}: .*choose another address with --http`),
    );
  } finally {
    taken.close();
  }
});
