/**
 * The `ui` command end to end, with the launcher's permission flags: beside a running server on
 * the same SQLite file it shows that server's runs; its one-time URL logs a browser in once (an
 * HttpOnly, SameSite=Strict cookie) and is refused after that; without the cookie nothing is
 * shown; it refuses to listen beyond this machine. A form is refused past 64 KB (also chunked)
 * or when its body stalls, the link opened again by its browser goes on, a taken port is one line.
 * @module
 */
import assert from "node:assert/strict";
import { runCli } from "../helpers/cli.ts";
import { connectHttp, freePort, spawnHttpServer, TEST_TOKEN } from "../helpers/http_server.ts";
import { BUILTIN_WORKFLOWS, call, tempDbPath } from "../helpers/server.ts";
import { openSqliteStore } from "../../src/store/sqlite/store.ts";
import { startUi } from "./ui_process.ts";

Deno.test("ui: a one-time URL, the cookie it gives, the runs of a server beside it", async () => {
  const server = await spawnHttpServer({ env: { MCP_HTTP_TOKEN: TEST_TOKEN } });
  const client = await connectHttp(server.url, { token: TEST_TOKEN });
  const bind = `127.0.0.1:${freePort()}`;
  const ui = await startUi(server.dbPath, bind);
  try {
    const run = await call<{ instance_id: string }>(client, "start_workflow", {
      workflow_name: "JOKE_GENERATOR",
    });
    assert.match(ui.url, new RegExp(`^http://${bind}/ui/login\\?token=`));

    const first = await fetch(ui.url, { redirect: "manual" });
    await first.body?.cancel();
    assert.equal(first.status, 303);
    const setCookie = first.headers.get("set-cookie") ?? "";
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    const cookie = setCookie.split(";")[0]!;

    const again = await fetch(ui.url, { redirect: "manual" });
    assert.equal(again.status, 401);
    assert.match(await again.text(), /used already/);
    assert.equal(again.headers.get("set-cookie"), null);

    const runs = await fetch(`http://${bind}/ui/runs`, { headers: { cookie } });
    assert.equal(runs.status, 200);
    assert.match(await runs.text(), new RegExp(`data-run="${run.instance_id}"`));
    const bare = await fetch(`http://${bind}/ui/runs`);
    assert.equal(bare.status, 401);
    assert.doesNotMatch(await bare.text(), new RegExp(run.instance_id));
  } finally {
    ui.child.kill("SIGTERM");
    assert.equal((await ui.child.status).code, 0);
    await ui.lines.cancel();
    await client.close();
    await server.stop();
  }
});

Deno.test("ui: refuses an address other machines can reach", async () => {
  const result = await runCli(["ui", "--http", "0.0.0.0:8809"], {
    workflowsDir: BUILTIN_WORKFLOWS,
    dbPath: tempDbPath(),
  });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /listens on this machine only, not on 0\.0\.0\.0/);
  assert.equal(result.stdout, "");
});

Deno.test("ui: forms are bounded in size and time, the link reopens, a taken port is one line", async () => {
  const dbPath = tempDbPath();
  await openSqliteStore(dbPath).close(); // the database the dashboard reads
  const bind = `127.0.0.1:${freePort()}`;
  const ui = await startUi(dbPath, bind, { MCP_HTTP_BODY_TIMEOUT_MS: "1500" });
  try {
    const origin = `http://${bind}`;
    // A chunked body (no Content-Length) to the log-in form, before any log-in: refused at the
    // form limit, not read to its end.
    let sent = 0;
    const chunk = new TextEncoder().encode(`token=${"x".repeat(64 * 1024)}`);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 2000) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const big = await fetch(`${origin}/ui/login`, {
      method: "POST",
      headers: { origin, "content-type": "application/x-www-form-urlencoded" },
      body: endless,
    });
    assert.equal(big.status, 413);
    assert.match(await big.text(), /does not take a form over 64 KB/);
    assert.ok(sent < 100, `${sent} chunks of 64 KB were pulled`);

    // A form whose body stalls: 408 after MCP_HTTP_BODY_TIMEOUT_MS.
    const started = performance.now();
    const hangUp = new AbortController();
    const stalled = await fetch(`${origin}/ui/login`, {
      method: "POST",
      signal: hangUp.signal,
      headers: { origin, "content-type": "application/x-www-form-urlencoded" },
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("token="));
        },
      }),
    });
    assert.equal(stalled.status, 408);
    await stalled.body?.cancel();
    hangUp.abort(); // the rest of the body would never come
    assert.ok(performance.now() - started < 10_000);

    // The assets need no session, also for HEAD.
    const head = await fetch(`${origin}/ui/assets/app.js`, { method: "HEAD" });
    await head.body?.cancel();
    assert.equal(head.status, 200);

    // The one-time link opened again by the browser it logged in goes on to the runs.
    const first = await fetch(ui.url, { redirect: "manual" });
    await first.body?.cancel();
    const cookie = (first.headers.get("set-cookie") ?? "").split(";")[0]!;
    assert.match(cookie, new RegExp(`^orchestrator_ui_${bind.split(":")[1]}=`));
    const reopened = await fetch(ui.url, { redirect: "manual", headers: { cookie } });
    await reopened.body?.cancel();
    assert.equal(reopened.status, 303);
    assert.equal(reopened.headers.get("location"), "/ui/runs");

    const taken = await runCli(["ui", "--http", bind], { workflowsDir: BUILTIN_WORKFLOWS, dbPath });
    assert.equal(taken.code, 1);
    assert.match(
      taken.stderr,
      new RegExp(
        `\\[orchestrator\\] error: Cannot listen on ${bind}: .*choose another address with --http HOST:PORT\\.\\n$`,
      ),
    );
    assert.doesNotMatch(taken.stderr, /\n\s+at /, "no stack trace");
  } finally {
    ui.child.kill("SIGTERM");
    await ui.child.status;
    await ui.lines.cancel();
  }
});
