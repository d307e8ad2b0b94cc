/**
 * Hostile stdio input, end to end against main.ts: messages over the 10 MiB limit, lines that are
 * not JSON and JSON that is not JSON-RPC each get an answer (or a logged warning), and the session
 * keeps working; only closing stdin ends it.
 */
import assert from "node:assert/strict";
import { MAX_STDIO_MESSAGE_BYTES } from "../../src/mcp/stdio_transport.ts";
import { ping } from "../helpers/jsonrpc.ts";
import { type RawStdioServer, spawnRawStdio } from "../helpers/raw_stdio.ts";

/** A `start_workflow` call whose context holds `bytes` bytes of text, as one JSON-RPC line. */
function startWithContextOf(id: number, bytes: number): string {
  // Like the SDK's client, `id` comes last: it must be found after the whole payload.
  return JSON.stringify({
    method: "tools/call",
    params: {
      name: "start_workflow",
      arguments: { workflow_name: "JOKE_GENERATOR", context: { blob: "x".repeat(bytes) } },
    },
    jsonrpc: "2.0",
    id,
  });
}

async function assertPingAnswered(server: RawStdioServer, id: number): Promise<void> {
  await server.sendLine(JSON.stringify(ping(id)));
  assert.deepEqual((await server.answerTo(id)).result, {});
}

Deno.test("stdio: a message over the limit gets an error naming it; the session goes on", async () => {
  const server = await spawnRawStdio();
  try {
    const line = startWithContextOf(7, 50_000_000);
    await server.sendLine(line);
    const huge = await server.answerTo(7, 60_000);
    assert.equal(huge.error?.code, -32600);
    assert.match(
      huge.error?.message ?? "",
      new RegExp(`limit is ${MAX_STDIO_MESSAGE_BYTES} bytes`),
    );
    assert.match(huge.error?.message ?? "", new RegExp(`Message too large: ${line.length} bytes`));
    await assertPingAnswered(server, 8);

    // Just over the limit (where the SDK's transport stopped reading altogether).
    await server.sendLine(startWithContextOf(9, MAX_STDIO_MESSAGE_BYTES));
    assert.match((await server.answerTo(9)).error?.message ?? "", /Message too large/);
    await assertPingAnswered(server, 10);

    // A notification cannot be answered: it is logged and skipped.
    const notification = { jsonrpc: "2.0", method: "x", params: { p: "y".repeat(11_000_000) } };
    const skipped = JSON.stringify(notification);
    await server.sendLine(skipped);
    await assertPingAnswered(server, 11);
    assert.ok(
      server.stderr().includes(`MCP transport: Message too large: ${skipped.length} bytes`),
    );

    // Under the transport's limit, the tool's own context limit answers as before.
    await server.sendLine(startWithContextOf(12, 2_000_000));
    const tool = (await server.answerTo(12)).result as { isError?: boolean; content: unknown };
    assert.equal(tool.isError, true);
    assert.match(JSON.stringify(tool.content), /the limit is 1000000/);
  } finally {
    const status = await server.close();
    assert.equal(status.code, 0, server.stderr());
  }
});

Deno.test("stdio: a line that is not JSON gets a Parse error (-32700) and the session goes on", async () => {
  const server = await spawnRawStdio();
  try {
    await server.sendLine("{not json");
    const parse = await server.answerTo(null);
    assert.equal(parse.error?.code, -32700);
    assert.match(parse.error?.message ?? "", /Parse error: a line on stdin is not valid JSON/);
    await assertPingAnswered(server, 21);

    // JSON, but not JSON-RPC: Invalid Request, with the id when there is one.
    await server.sendLine(JSON.stringify({ jsonrpc: "2.0", id: 2, method: 42 }));
    assert.equal((await server.answerTo(2)).error?.code, -32600);
    await server.sendLine("");
    await assertPingAnswered(server, 3);
    assert.equal(server.answers().filter((a) => a.id === null).length, 1);
  } finally {
    const status = await server.close();
    assert.equal(status.code, 0, server.stderr());
  }
});

Deno.test("stdio: a client that closes stdin right after its calls still gets their answers", async () => {
  const server = await spawnRawStdio();
  for (const id of [10, 11, 12]) {
    await server.sendLine(JSON.stringify({
      jsonrpc: "2.0",
      id,
      method: "tools/call",
      params: { name: "start_workflow", arguments: { workflow_name: "JOKE_GENERATOR" } },
    }));
  }
  const status = await server.close();
  assert.equal(status.code, 0, server.stderr());
  for (const id of [10, 11, 12]) {
    const answer = server.answers().find((a) => a.id === id);
    assert.ok(answer?.result, `no answer to ${id}: ${JSON.stringify(server.answers())}`);
    assert.equal((answer.result.structuredContent as { status: string }).status, "RUNNING");
  }
});

Deno.test("stdio: a number JSON text cannot hold (1e400) is refused, not stored as null", async () => {
  const server = await spawnRawStdio();
  try {
    // Written by hand: JSON.stringify cannot write 1e400 (it would send null).
    await server.sendLine(
      '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"start_workflow",' +
        '"arguments":{"workflow_name":"JOKE_GENERATOR","context":{"n":{"big":[1e400]}}}}}',
    );
    const result = (await server.answerTo(7)).result as {
      isError?: boolean;
      content: { text: string }[];
    };
    assert.equal(result.isError, true);
    assert.match(
      result.content[0]!.text,
      /^The context holds a number too large for JSON \(at n\.big\[0\]\)\. Send a number within ±1\.7e308, or the value as a string\.$/,
    );
    await server.sendLine(JSON.stringify({
      jsonrpc: "2.0",
      id: 8,
      method: "tools/call",
      params: { name: "list_instances", arguments: {} },
    }));
    const listed = (await server.answerTo(8)).result as { structuredContent: { total: number } };
    assert.equal(listed.structuredContent.total, 0, "the refused start created no run");
  } finally {
    await server.close();
  }
});
