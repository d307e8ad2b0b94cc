/**
 * The server's log on stderr, seen the way an operator sees it: a real server (stdio and HTTP)
 * at `debug`, in JSON and text format, with every secret set — an API key, the HTTP token, a
 * database password — while calls fail, the AI API is retried and HTTP requests are refused.
 * No secret may ever appear on stderr.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { configSecrets, loadConfig } from "../src/config.ts";
import { call, callError, connect, serverArgs, tempDbPath } from "./helpers/server.ts";
import { rawPost, spawnHttpServer } from "./helpers/http_server.ts";
import { writeWorkflow } from "./helpers/workflows.ts";
import { decisionText, openAiBody, serveFakeAi, triageWorkflows } from "./decide/fake_ai_server.ts";
import type { StepResponse } from "../src/engine/responses.ts";
import { eventually } from "./helpers/wait.ts";

const API_KEY = "sk-live-KEY-4f9a8b7c6d5e";
const HTTP_TOKEN = "tok-SECRET-0123456789abcdef";
const DB_PASSWORD = "pw-S3cret-7d1e";

/** Every stderr line as a parsed JSON object (failing on a line that is not one). */
function jsonLines(stderr: string): Record<string, unknown>[] {
  return stderr.split("\n").filter((line) => line !== "").map((line) => {
    try {
      return JSON.parse(line);
    } catch {
      throw new Error(`a stderr line is not JSON: ${line}`);
    }
  });
}

function assertNoSecret(stderr: string): void {
  for (const secret of [API_KEY, HTTP_TOKEN, DB_PASSWORD]) {
    assert.ok(!stderr.includes(secret), `a secret is on stderr:\n${stderr}`);
  }
}

Deno.test("LOG_FORMAT is text or json (any case), also --log-format; anything else is refused", () => {
  assert.equal(loadConfig({}).logFormat, "text");
  assert.equal(loadConfig({ LOG_FORMAT: "JSON" }).logFormat, "json");
  assert.equal(loadConfig({ LOG_FORMAT: "json" }, { "log-format": "text" }).logFormat, "text");
  assert.throws(
    () => loadConfig({ LOG_FORMAT: "yaml" }),
    { message: 'Invalid configuration: LOG_FORMAT (--log-format)="yaml": expected text or json.' },
  );
});

Deno.test("the secrets to hide: API key, HTTP token, the database URL and its password (decoded too)", () => {
  const config = loadConfig({
    AI_SERVICE_API_KEY: API_KEY,
    MCP_HTTP_TOKEN: HTTP_TOKEN,
    WORKFLOW_DB_URL: "postgres://orch:p%40ss%zz@db.example/runs",
  });
  assert.deepEqual(configSecrets(config), [
    API_KEY,
    HTTP_TOKEN,
    "postgres://orch:p%40ss%zz@db.example/runs",
    "p%40ss%zz",
  ]);
  const decoded = loadConfig({ WORKFLOW_DB_URL: "postgres://orch:p%40ss@db.example/runs" });
  assert.deepEqual(configSecrets(decoded).slice(1), ["p%40ss", "p@ss"]);
});

Deno.test("stdio at debug in JSON: tool calls, invalid workflows, reloads, AI retries; no secret", async () => {
  const workflowsDir = triageWorkflows();
  writeWorkflow(workflowsDir, "BROKEN", {
    "index.md": "# Broken\n\nNo steps.\n\n# Steps\n\n- [missing](steps/missing.md)\n",
  });
  // The API answers 503 echoing the key it was sent (as some proxies do), then decides.
  const fake = serveFakeAi([
    { status: 503, body: { error: `upstream rejected Bearer ${API_KEY}` } },
    { body: openAiBody(decisionText("fix")) },
  ]);
  const server = await connect({
    workflowsDir,
    env: { LOG_LEVEL: "debug", LOG_FORMAT: "json", AI_SERVICE_API_KEY: API_KEY },
    ai: {
      provider: "openai",
      env: { AI_SERVICE_ENDPOINT: `${fake.origin}/v1`, AI_MODEL_NAME: "fake-llama" },
    },
  });
  try {
    const { client } = server;
    const start = await call<StepResponse>(client, "start_workflow", {
      workflow_name: "TRIAGE",
      context: { repo: "acme/app" },
    });
    await call(client, "advance_workflow", {
      instance_id: start.instance_id,
      report: { step_id: "inspect", status: "success" },
    });
    const unknown = "00000000-0000-4000-8000-000000000000";
    await callError(client, "get_workflow_status", { instance_id: unknown });
    writeWorkflow(workflowsDir, "TRIAGE", {
      "steps/fix.md":
        "---\ndescription: Fix the bug.\nnext: FINISH\n---\n# Orchestrator Guidance\n" +
        "Done after this.\n\n# Client Instructions\nFix it now.\n",
    });
    await eventually(async () => {
      await call(client, "list_workflows");
      return /workflow TRIAGE reloaded/.test(server.stderr()) || undefined;
    }, "the reload to be logged");

    const lines = jsonLines(server.stderr());
    for (const line of lines) {
      assert.ok(!Number.isNaN(Date.parse(String(line.time))), JSON.stringify(line));
      assert.match(String(line.level), /^(debug|info|warn|error)$/);
      assert.equal(typeof line.msg, "string");
    }
    const calls = lines.filter((line) => line.msg === "tool call");
    const started = calls.find((line) => line.tool === "start_workflow");
    assert.deepEqual(
      { ...started, time: undefined, duration_ms: undefined },
      {
        time: undefined,
        level: "debug",
        msg: "tool call",
        tool: "start_workflow",
        instance: start.instance_id,
        outcome: "ok",
        duration_ms: undefined,
      },
    );
    assert.equal(typeof started?.duration_ms, "number");
    assert.ok(
      calls.some((line) =>
        line.tool === "advance_workflow" && line.instance === start.instance_id &&
        line.outcome === "ok"
      ),
    );
    assert.ok(
      calls.some((line) =>
        line.tool === "get_workflow_status" && line.instance === unknown &&
        line.outcome === "error" && line.error === "UNKNOWN_INSTANCE"
      ),
    );
    const invalid = lines.find((line) => line.workflow === "BROKEN");
    assert.equal(invalid?.level, "info");
    assert.match(String(invalid?.msg), /workflow BROKEN is invalid.*BROKEN\/index\.md:\d+: /);
    assert.ok(
      lines.some((line) =>
        line.level === "info" && /^decision maker: openai/.test(String(line.msg))
      ),
    );
    const retry = lines.find((line) => line.level === "warn" && line.attempt === 2);
    assert.equal(retry?.status, 503);
    assert.equal(typeof retry?.wait_ms, "number");
    assert.match(String(retry?.msg), /\[redacted\]/);
    // The key did reach the API (so redaction, not luck, kept it off stderr).
    assert.equal(fake.received[0]?.headers.get("authorization"), `Bearer ${API_KEY}`);
    assertNoSecret(server.stderr());
    // An MCP client is not a terminal: no notice for people.
    assert.doesNotMatch(server.stderr(), /waiting for a client/);
  } finally {
    await server.close();
    await fake.close();
  }
});

Deno.test("HTTP at debug: refused requests (401, 413, 415, 404) are warned without the token; no secret", async () => {
  const server = await spawnHttpServer({ env: { MCP_HTTP_TOKEN: HTTP_TOKEN, LOG_LEVEL: "debug" } });
  try {
    const wrong = await rawPost(server.url, { authorization: `Bearer ${HTTP_TOKEN}x` });
    await wrong.body?.cancel();
    const none = await rawPost(`${server.url}?token=${HTTP_TOKEN}`, {});
    await none.body?.cancel();
    const right = await rawPost(server.url, { authorization: `Bearer ${HTTP_TOKEN}` });
    await right.body?.cancel();
    // Refusals of the MCP handlers themselves are warned too: too large, wrong type, bad path.
    const auth = { authorization: `Bearer ${HTTP_TOKEN}` };
    const large = await rawPost(server.url, auth, "x".repeat(2 * 1024 * 1024));
    await large.body?.cancel();
    const text = await rawPost(server.url, { ...auth, "content-type": "text/plain" });
    await text.body?.cancel();
    const elsewhere = await rawPost(server.url.replace("/mcp", "/favicon.ico"), auth);
    await elsewhere.body?.cancel();
    assert.deepEqual([large.status, text.status, elsewhere.status], [413, 415, 404]);
    assert.match(
      server.stderr(),
      /warn: HTTP request refused: request body over the size limit status=413 method=POST path=\/mcp/,
    );
    assert.match(
      server.stderr(),
      /warn: HTTP request refused: Content-Type is not application\/json status=415/,
    );
    assert.match(
      server.stderr(),
      /warn: HTTP request refused: .*no MCP endpoint at this path status=404 method=POST path=\/favicon\.ico/,
    );
    assert.deepEqual([wrong.status, none.status, right.status], [401, 401, 200]);
    const port = new URL(server.url).port;
    assert.match(
      server.stderr(),
      /warn: HTTP request refused: wrong or malformed bearer token status=401 method=POST path=\/mcp remote=127\.0\.0\.1:\d+/,
    );
    assert.match(server.stderr(), /warn: HTTP request refused: no Authorization header status=401/);
    assert.ok(server.stderr().includes(`127.0.0.1:${port}/mcp`));
    assert.ok(server.stderr().includes(`; the dashboard at http://127.0.0.1:${port}/ui`));
  } finally {
    await server.stop();
  }
  assertNoSecret(server.stderr());
});

Deno.test("a database password is not logged when PostgreSQL cannot be reached", async () => {
  const dbUrl = `postgres://orch:${DB_PASSWORD}@127.0.0.1:9/runs`;
  const env = { WORKFLOW_DB_URL: dbUrl, LOG_LEVEL: "debug", NO_COLOR: "1" };
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: serverArgs(join(tempDbPath(), "..", "w"), tempDbPath(), [], {
      provider: "stub",
      env,
    }),
    env,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stderr);
  assert.equal(code, 1, text);
  assert.match(text, /127\.0\.0\.1:9/);
  assertNoSecret(text);
});

/** `script` (util-linux) runs a command on a pseudo-terminal. */
const SCRIPT = ["/usr/bin/script", "/bin/script"].find((path) => {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
});

Deno.test({
  name: "started on a terminal, stdio says once that it waits for an MCP client (Inspector line)",
  ignore: SCRIPT === undefined || Deno.build.os === "windows",
  fn: async () => {
    const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;
    const command = [Deno.execPath(), ...serverArgs(triageWorkflows(), tempDbPath())]
      .map(quote).join(" ");
    const child = new Deno.Command(SCRIPT!, {
      args: ["-qec", command, "/dev/null"],
      env: { NO_COLOR: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    let seen = "";
    try {
      await eventually(async () => {
        const reader = child.stdout.getReader();
        const { value } = await reader.read();
        reader.releaseLock();
        seen += new TextDecoder().decode(value ?? new Uint8Array());
        return /Ctrl-C stops it/.test(seen) || undefined;
      }, "the terminal notice");
    } finally {
      await child.stdin.close();
      child.kill("SIGKILL");
      await child.stdout.cancel();
      await child.status;
    }
    assert.match(seen, /info: this is an MCP server: it speaks MCP \(JSON-RPC\) on stdin\/stdout/);
    assert.match(seen, /npx @modelcontextprotocol\/inspector npx -y orchestrator-mcp-server/);
    assert.equal(seen.match(/waiting for a\s+client/g)?.length, 1);
  },
});
