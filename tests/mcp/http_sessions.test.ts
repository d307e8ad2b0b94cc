/**
 * Session-based (2025-era) HTTP clients cannot lock others out: one client address keeps at most
 * `MAX_SESSIONS_PER_CLIENT` sessions, a new one beyond that closes its least recently used idle
 * session instead of being refused, and idle sessions close after the configured time.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config.ts";
import { MAX_SESSIONS_PER_CLIENT } from "../../src/mcp/http_sessions.ts";
import { rawPost, spawnHttpServer, TEST_TOKEN } from "../helpers/http_server.ts";
import { ping } from "../helpers/jsonrpc.ts";
import { sleep } from "../helpers/wait.ts";

const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };

/** Open a session with an initialize request; its id. */
async function openSession(url: string): Promise<string> {
  const response = await rawPost(url, AUTH);
  await response.body?.cancel();
  assert.equal(response.status, 200);
  const id = response.headers.get("mcp-session-id");
  assert.ok(id, "an initialize answer names its session");
  return id;
}

/** The HTTP status of a ping sent in session `id`. */
async function pingStatus(url: string, id: string): Promise<number> {
  const response = await rawPost(
    url,
    { ...AUTH, "mcp-session-id": id, "mcp-protocol-version": "2025-06-18" },
    JSON.stringify(ping(2)),
  );
  await response.body?.cancel();
  return response.status;
}

Deno.test("HTTP: a client over its session bound closes its least recently used idle session, not 503", async () => {
  const server = await spawnHttpServer({ env: { MCP_HTTP_TOKEN: TEST_TOKEN } });
  try {
    const ids: string[] = [];
    for (let i = 0; i < MAX_SESSIONS_PER_CLIENT; i++) ids.push(await openSession(server.url));
    // The oldest session is used again, so the second oldest is now the least recently used.
    assert.equal(await pingStatus(server.url, ids[0]!), 200);
    const newest = await openSession(server.url);
    assert.equal(await pingStatus(server.url, ids[1]!), 404);
    assert.equal(await pingStatus(server.url, ids[0]!), 200);
    assert.equal(await pingStatus(server.url, ids[2]!), 200);
    assert.equal(await pingStatus(server.url, newest), 200);
    assert.match(server.stderr(), /closed to make room: the least recently used/);
  } finally {
    await server.stop();
  }
});

Deno.test("HTTP: idle sessions close after --session-idle-ms (default 10 minutes)", async () => {
  assert.equal(loadConfig({}).httpSessionIdleMs, 10 * 60 * 1000);
  const server = await spawnHttpServer({
    env: { MCP_HTTP_TOKEN: TEST_TOKEN },
    args: ["--session-idle-ms=1000"],
  });
  try {
    const id = await openSession(server.url);
    assert.equal(await pingStatus(server.url, id), 200);
    await sleep(2_000); // No new session arrives: the timer closes it.
    assert.equal(await pingStatus(server.url, id), 404);
    assert.match(
      server.stderr(),
      new RegExp(`session ${id} closed after 1000 ms without requests`),
    );
  } finally {
    await server.stop();
  }
});
