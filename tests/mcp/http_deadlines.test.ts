/**
 * A client that sends half a request body and stalls gets `408` once the body deadline
 * (`--body-timeout-ms`) has passed, and the server goes on serving others and still stops
 * promptly. Raw TCP, since fetch cannot stall mid-body.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config.ts";
import { connectHttp, rawPost, spawnHttpServer, TEST_TOKEN } from "../helpers/http_server.ts";
import { deadline } from "../helpers/wait.ts";

/** Everything `connection` sends until it has sent `until` (or closes). */
async function readUntil(connection: Deno.Conn, until: RegExp): Promise<string> {
  const decoder = new TextDecoder();
  const buffer = new Uint8Array(4096);
  let text = "";
  while (!until.test(text)) {
    const read = await connection.read(buffer);
    if (read === null) break;
    text += decoder.decode(buffer.subarray(0, read), { stream: true });
  }
  return text;
}

Deno.test("HTTP: a body that stalls half-way gets 408 after --body-timeout-ms", async () => {
  assert.equal(loadConfig({}).httpBodyTimeoutMs, 30_000);
  const server = await spawnHttpServer({
    env: { MCP_HTTP_TOKEN: TEST_TOKEN },
    args: ["--body-timeout-ms=1000"],
  });
  const { hostname, port, host } = new URL(server.url);
  const connection = await Deno.connect({ hostname, port: Number(port) });
  try {
    const body = '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}';
    await connection.write(new TextEncoder().encode(
      `POST /mcp HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${TEST_TOKEN}\r\n` +
        "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n" +
        `Content-Length: ${body.length}\r\n\r\n${body.slice(0, 20)}`,
    ));
    const started = Date.now();
    const answer = await deadline(
      readUntil(connection, /"jsonrpc"[^]*\}/),
      10_000,
      "an answer to the stalled request",
    );
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.match(answer, /connection: close/i);
    assert.match(answer, /Request body not received within 1000 ms/);
    assert.ok(Date.now() - started >= 900, "not before the deadline");
    assert.match(
      server.stderr(),
      /refused: sent part of a request body and stalled for 1000 ms status=408 method=POST/,
    );

    // Others are served meanwhile, and the server still stops promptly.
    const other = await rawPost(server.url, { authorization: `Bearer ${TEST_TOKEN}` });
    await other.body?.cancel();
    assert.equal(other.status, 200);
    const status = await deadline(server.stop(), 10_000, "the server to stop");
    assert.equal(status.code, 0, server.stderr());
  } finally {
    connection.close();
    await server.stop();
  }
});

Deno.test("HTTP: clients that stall before their headers end hold no handler, session or shutdown", async () => {
  const server = await spawnHttpServer({ env: { MCP_HTTP_TOKEN: TEST_TOKEN } });
  const { hostname, port, host } = new URL(server.url);
  // Deno.serve has no header deadline (see README, "Limits on what a client sends"): these stay
  // open, but only as sockets.
  const stalled: Deno.Conn[] = [];
  try {
    for (let i = 0; i < 20; i++) {
      const connection = await Deno.connect({ hostname, port: Number(port) });
      stalled.push(connection);
      if (i % 2 === 0) {
        await connection.write(new TextEncoder().encode(
          `POST /mcp HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${TEST_TOKEN}\r\nContent-`,
        ));
      }
    }
    const client = await connectHttp(server.url, { token: TEST_TOKEN });
    const listed = await client.callTool({ name: "list_workflows", arguments: {} });
    assert.equal(listed.isError, undefined);
    await client.close();
    const started = Date.now();
    const status = await deadline(server.stop(), 10_000, "the server to stop");
    assert.equal(status.code, 0, server.stderr());
    assert.ok(Date.now() - started < 5_000, "the stalled sockets did not hold the shutdown");
  } finally {
    for (const connection of stalled) connection.close();
    await server.stop();
  }
});
