/**
 * The `ui` command end to end, with the launcher's permission flags: beside a running server on
 * the same SQLite file it shows that server's runs; its one-time URL logs a browser in once (an
 * HttpOnly, SameSite=Strict cookie) and is refused after that; without the cookie nothing is
 * shown; it refuses to listen beyond this machine.
 * @module
 */
import assert from "node:assert/strict";
import { runCli } from "../helpers/cli.ts";
import { connectHttp, freePort, spawnHttpServer, TEST_TOKEN } from "../helpers/http_server.ts";
import { BUILTIN_WORKFLOWS, call, tempDbPath } from "../helpers/server.ts";
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
