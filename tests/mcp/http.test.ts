/**
 * End to end over Streamable HTTP: main.ts spawned with the launcher's permission flags and
 * `--http 127.0.0.1:<free port>`, driven by real SDK clients (v2 stateless 2026-07-28, v2
 * session-based, and SDK 1.x) and by raw requests for the refusals.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as TransportV1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { call } from "../helpers/server.ts";
import { advanceToEnd, type StepResponse } from "../helpers/advance.ts";
import { connectHttp, rawPost, spawnHttpServer, TEST_TOKEN } from "../helpers/http_server.ts";
import { INITIALIZE } from "../helpers/jsonrpc.ts";
import { deadline } from "../helpers/wait.ts";
import { writeWorkflow } from "../helpers/workflows.ts";

/** The status line's code for a request whose Host header names `host` (fetch cannot set it). */
async function statusWithHost(url: string, host: string): Promise<number> {
  const { hostname, port } = new URL(url);
  const connection = await Deno.connect({ hostname, port: Number(port) });
  try {
    const request = `GET /mcp HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
    await connection.write(new TextEncoder().encode(request));
    const buffer = new Uint8Array(64);
    const read = await connection.read(buffer);
    const statusLine = new TextDecoder().decode(buffer.subarray(0, read ?? 0));
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]);
  } finally {
    connection.close();
  }
}

Deno.test("HTTP: clients of both protocol eras run workflows on one shared engine and DB", async (t) => {
  const server = await spawnHttpServer({ env: { MCP_HTTP_TOKEN: TEST_TOKEN } });
  const modern = await connectHttp(server.url, { token: TEST_TOKEN, modern: true });
  const legacy = await connectHttp(server.url, { token: TEST_TOKEN });
  try {
    await t.step("a stateless 2026-07-28 client runs JOKE_GENERATOR to COMPLETED", async () => {
      const { workflows } = await call<{ workflows: { name: string }[] }>(modern, "list_workflows");
      assert.ok(workflows.some((w) => w.name === "JOKE_GENERATOR"));
      const first = await call<StepResponse>(modern, "start_workflow", {
        workflow_name: "JOKE_GENERATOR",
      });
      assert.equal(first.next_step.step_name, "greet");
      const last = (await advanceToEnd([modern], first)).at(-1)!;
      assert.equal(last.status, "COMPLETED");
      assert.equal(last.next_step.step_name, "FINISH");
    });

    await t.step("two clients (modern and session-based) advance one run in turns", async () => {
      const first = await call<StepResponse>(legacy, "start_workflow", {
        workflow_name: "JOKE_GENERATOR",
      });
      const seen = await call<{ status: string; current_step_name: string }>(
        modern,
        "get_workflow_status",
        { instance_id: first.instance_id },
      );
      assert.deepEqual([seen.status, seen.current_step_name], ["RUNNING", "greet"]);
      const last = (await advanceToEnd([modern, legacy], first)).at(-1)!;
      assert.equal(last.status, "COMPLETED");
      const history = await call<{ total: number }>(legacy, "get_workflow_history", {
        instance_id: first.instance_id,
      });
      assert.equal(history.total, 6); // start + five reports
    });

    await t.step("an SDK 1.x client with a session lists the runs of the others", async () => {
      const v1 = new ClientV1({ name: "sdk-v1", version: "1.0.0" });
      const transport = new TransportV1(new URL(server.url), {
        requestInit: { headers: { Authorization: `Bearer ${TEST_TOKEN}` } },
      });
      await v1.connect(transport);
      try {
        const sessionId = transport.sessionId;
        assert.ok(sessionId, "the server assigns a session to a 2025-era client");
        const result = await v1.callTool({
          name: "list_instances",
          arguments: { workflow_name: "JOKE_GENERATOR", status: "COMPLETED" },
        });
        assert.ok(!result.isError, JSON.stringify(result));
        assert.equal((result.structuredContent as { total: number }).total, 2);
        await transport.terminateSession(); // DELETE ends the session
        const after = await rawPost(server.url, {
          authorization: `Bearer ${TEST_TOKEN}`,
          "mcp-session-id": sessionId,
        });
        assert.equal(after.status, 404);
        assert.match((await after.json()).error.message, /not found.*Connect again/s);
      } finally {
        await v1.close();
      }
    });

    await t.step("no token or a wrong token: 401 with a Bearer challenge", async () => {
      const refused: Record<string, string>[] = [{}, {
        authorization: "Bearer wrong-token-0123456789",
      }];
      for (const headers of refused) {
        const response = await rawPost(server.url, headers);
        assert.equal(response.status, 401);
        assert.match(
          response.headers.get("www-authenticate") ?? "",
          /^Bearer error="invalid_token"/,
        );
        await response.body?.cancel();
      }
      await assert.rejects(
        connectHttp(server.url, { token: "wrong-token-0123456789", modern: true }),
      );
    });

    await t.step("a foreign Origin is refused with 403, a loopback one accepted", async () => {
      const auth = { authorization: `Bearer ${TEST_TOKEN}` };
      const foreign = await rawPost(server.url, { ...auth, origin: "http://evil.example" });
      assert.equal(foreign.status, 403);
      await foreign.body?.cancel();
      assert.equal(await statusWithHost(server.url, "evil.example"), 403);
      const local = await rawPost(server.url, { ...auth, origin: "http://localhost:6274" });
      assert.equal(local.status, 200);
      await local.body?.cancel();
      assert.match(
        server.stderr(),
        /HTTP request refused: Origin http:\/\/evil\.example .* status=403 method=POST path=\/mcp remote=127\.0\.0\.1:\d+/,
      );
    });

    await t.step("a body over 1 MiB is refused with 413", async () => {
      const huge = JSON.stringify({ ...INITIALIZE, padding: "x".repeat(1024 * 1024 + 1) });
      const response = await rawPost(server.url, { authorization: `Bearer ${TEST_TOKEN}` }, huge);
      assert.equal(response.status, 413);
      await response.body?.cancel();
    });
  } finally {
    await modern.close();
    await legacy.close();
    const status = await server.stop("SIGTERM");
    assert.equal(status.code, 0, server.stderr());
  }
  // Graceful shutdown closed the database: SQLite removes the WAL file on the last clean close.
  assert.match(server.stderr(), /HTTP server stopped/);
  assert.ok(existsSync(server.dbPath));
  assert.ok(!existsSync(`${server.dbPath}-wal`), "the database was closed cleanly");
});

Deno.test("HTTP: without MCP_HTTP_TOKEN a token is generated and printed once", async () => {
  const server = await spawnHttpServer();
  try {
    const token = /generated a token for this run \(shown only once\): (\S+)/.exec(
      server.stderr(),
    )?.[1];
    assert.ok(token, server.stderr());
    const client = await connectHttp(server.url, { token, modern: true });
    const { workflows } = await call<{ workflows: unknown[] }>(client, "list_workflows");
    assert.ok(workflows.length > 0);
    await client.close();
    assert.equal((await rawPost(server.url, {})).status, 401);
  } finally {
    await server.stop();
  }
});

Deno.test("HTTP: --no-auth serves without a token and warns (also that a set token is unused)", async () => {
  const server = await spawnHttpServer({
    args: ["--no-auth"],
    env: { MCP_HTTP_TOKEN: TEST_TOKEN },
  });
  try {
    assert.match(
      server.stderr(),
      /HTTP authentication is DISABLED.* MCP_HTTP_TOKEN is set but not used\./,
    );
    const client = await connectHttp(server.url);
    const { workflows } = await call<{ workflows: unknown[] }>(client, "list_workflows");
    assert.ok(workflows.length > 0);
    await client.close();
  } finally {
    await server.stop();
  }
});

Deno.test("HTTP: an invalid MCP_HTTP_TOKEN stops start-up without printing it", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--allow-env", "--allow-read", "main.ts", "--http=127.0.0.1:1"],
    cwd: new URL("../..", import.meta.url),
    env: { MCP_HTTP_TOKEN: "short secret", AI_PROVIDER: "stub" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 1);
  assert.match(stderr, /MCP_HTTP_TOKEN=\(hidden\): use at least 16 characters/);
  assert.doesNotMatch(stderr, /short secret/);
});

Deno.test("a stateless client listening for changes hears that a workflow changed", async () => {
  const workflowsDir = Deno.makeTempDirSync({ prefix: "orch-http-wf-" });
  writeWorkflow(workflowsDir, "EDITABLE", {
    "index.md": "# Editable\n\n# Steps\n\n- [one](steps/one.md)\n",
    "steps/one.md": "# Orchestrator Guidance\nEnd.\n\n# Client Instructions\nDo one.\n",
  });
  const server = await spawnHttpServer({ workflowsDir, env: { MCP_HTTP_TOKEN: TEST_TOKEN } });
  const client = await connectHttp(server.url, { token: TEST_TOKEN, modern: true });
  try {
    let heard!: () => void;
    const changed = new Promise<void>((resolve) => (heard = resolve));
    client.setNotificationHandler("notifications/prompts/list_changed", () => heard());
    // Load the application (the catalog is watched from then on), then subscribe.
    await call(client, "list_workflows");
    const subscription = await client.listen({ promptsListChanged: true });
    try {
      Deno.writeTextFileSync(
        `${workflowsDir}/EDITABLE/steps/one.md`,
        "---\ndescription: Now described.\n---\n# Orchestrator Guidance\nEnd.\n\n" +
          "# Client Instructions\nDo one, edited.\n",
      );
      await deadline(changed, 10_000, "notifications/prompts/list_changed");
    } finally {
      await subscription.close();
    }
  } finally {
    await client.close().catch(() => {});
    await server.stop();
  }
});
