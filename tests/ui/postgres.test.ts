/**
 * The dashboard of `serve --http` on PostgreSQL (`WORKFLOW_DB_URL`, the launcher's permission
 * flags naming the database's host), through plain HTTP with the cookie a token gives: the runs
 * page lists runs started through the MCP SDK client (filters, id search), a run's page shows its
 * timeline and context, the event streams report an advance, and cancel and prune work through
 * their forms (with the form token and Origin) and not without the token. The `ui` command on the
 * same database, with its own least-privilege flags, shows and cancels the server's runs.
 * @module
 */
import assert from "node:assert/strict";
import type { Client } from "@modelcontextprotocol/client";
import type { StepResponse } from "../helpers/advance.ts";
import { connectHttp, freePort, spawnHttpServer, TEST_TOKEN } from "../helpers/http_server.ts";
import { call } from "../helpers/server.ts";
import { adminConnection, freshSchema, POSTGRES_SKIP } from "../store/postgres_helpers.ts";
import { events, nextEvent as next } from "./event_stream.ts";
import { startUi } from "./ui_process.ts";

/** A logged-in dashboard: GETs and form POSTs with the session's cookie. */
class DashboardClient {
  readonly base: string;
  readonly #cookie: string;

  private constructor(base: string, cookie: string) {
    this.base = base;
    this.#cookie = cookie;
  }

  /** Exchange the token in `loginUrl` for a session cookie. */
  static async login(loginUrl: string): Promise<DashboardClient> {
    const base = new URL(loginUrl).origin;
    const response = await fetch(loginUrl, { redirect: "manual" });
    await response.body?.cancel();
    assert.equal(response.status, 303);
    const cookie = response.headers.get("set-cookie")?.split(";")[0];
    assert.ok(cookie, "the log-in set no cookie");
    return new DashboardClient(base, cookie);
  }

  get(path: string, signal?: AbortSignal): Promise<Response> {
    return fetch(`${this.base}${path}`, { headers: { cookie: this.#cookie }, signal });
  }

  /** The page's text, after checking it answered `status`. */
  async page(path: string, status = 200): Promise<string> {
    const response = await this.get(path);
    const text = await response.text();
    assert.equal(response.status, status, `GET ${path}: ${text}`);
    return text;
  }

  /** Post `fields` as the page's form would (this server's Origin); the response unread. */
  post(path: string, fields: Record<string, string>): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: this.#cookie, origin: this.base },
      body: new URLSearchParams(fields),
    });
  }
}

const runIds = (page: string) => [...page.matchAll(/data-run="([^"]+)"/g)].map((m) => m[1]);
const csrfOf = (page: string) => /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";

function start(client: Client, workflow: string): Promise<StepResponse> {
  return call<StepResponse>(client, "start_workflow", { workflow_name: workflow });
}

function advance(client: Client, run: StepResponse, updates = {}): Promise<StepResponse> {
  return call<StepResponse>(client, "advance_workflow", {
    instance_id: run.instance_id,
    report: { step_id: run.next_step.step_name, status: "success", message: "done" },
    context_updates: updates,
  });
}

Deno.test({
  name: "dashboard on PostgreSQL: runs, a run, live updates, cancel and prune",
  ignore: POSTGRES_SKIP !== undefined,
  async fn(t) {
    await using db = await freshSchema();
    const server = await spawnHttpServer({
      env: { WORKFLOW_DB_URL: db.url, MCP_HTTP_TOKEN: TEST_TOKEN },
    });
    const client = await connectHttp(server.url, { token: TEST_TOKEN });
    const streams = new AbortController();
    try {
      const base = server.url.replace(/\/mcp$/, "");
      const ui = await DashboardClient.login(`${base}/ui/login?token=${TEST_TOKEN}`);
      const save = await start(client, "SAVE");
      let joke = await start(client, "JOKE_GENERATOR");
      joke = await advance(client, joke, { theme: "<b>cats</b>" });

      await t.step("the runs page lists them, filtered and searched by id", async () => {
        await using admin = adminConnection();
        const [stored] = await admin.unsafe(
          `SELECT count(*)::int AS n FROM ${db.role}.workflow_instances`,
        );
        assert.equal(stored?.n, 2, "the runs are not in PostgreSQL");
        assert.deepEqual(runIds(await ui.page("/ui/runs")), [joke.instance_id, save.instance_id]);
        assert.deepEqual(runIds(await ui.page("/ui/runs?workflow=SAVE")), [save.instance_id]);
        const prefix = joke.instance_id.slice(0, 6);
        assert.deepEqual(runIds(await ui.page(`/ui/runs?q=${prefix}`)), [joke.instance_id]);
        assert.deepEqual(runIds(await ui.page("/ui/runs?status=COMPLETED")), []);
        assert.match(await ui.page("/ui/runs?status=LOST", 400), /Unknown status &#39;LOST&#39;/);
      });

      await t.step("a run's page shows its timeline and context", async () => {
        const page = await ui.page(`/ui/runs/${joke.instance_id}`);
        assert.deepEqual([...page.matchAll(/data-seq="(\d+)"/g)].map((m) => m[1]), ["1", "2"]);
        assert.match(page, /data-current-step>ask_theme</);
        assert.match(page, /&quot;theme&quot;: &quot;&lt;b&gt;cats&lt;\/b&gt;&quot;/);
        await ui.page(`/ui/runs/${crypto.randomUUID()}`, 404);
      });

      await t.step("the event streams report an advance", async () => {
        const runsResponse = await ui.get("/ui/live/runs?workflow=JOKE_GENERATOR", streams.signal);
        assert.equal(runsResponse.headers.get("content-type"), "text/event-stream");
        const runs = events(runsResponse);
        const run = events(await ui.get(`/ui/live/run/${joke.instance_id}`, streams.signal));
        assert.match((await next(runs)).data, /<td data-label="Step">ask_theme</);
        assert.match((await next(run)).data, /data-current-step>ask_theme</);
        joke = await advance(client, joke);
        const [runsUpdate, runUpdate] = [await next(runs), await next(run)];
        assert.equal(runsUpdate.name, "update");
        assert.match(runsUpdate.data, /<td data-label="Step">tell_joke</);
        assert.match(runUpdate.data, /data-seq="3"/);
        streams.abort();
      });

      await t.step("cancel through the form, and not without its token", async () => {
        const path = `/ui/runs/${joke.instance_id}/cancel`;
        const refused = await ui.post(path, { csrf: "stale" });
        await refused.body?.cancel();
        assert.equal(refused.status, 403);
        const csrf = csrfOf(await ui.page(`/ui/runs/${joke.instance_id}`));
        const cancelled = await ui.post(path, { csrf });
        await cancelled.body?.cancel();
        assert.equal(cancelled.status, 303);
        const status = await call(client, "get_workflow_status", { instance_id: joke.instance_id });
        assert.equal(status.status, "CANCELLED");
        assert.deepEqual(runIds(await ui.page("/ui/runs?status=CANCELLED")), [joke.instance_id]);
      });

      await t.step("the ui command on the same database shows and cancels its runs", async () => {
        const bind = `127.0.0.1:${freePort()}`;
        const command = await startUi(server.dbPath, bind, { WORKFLOW_DB_URL: db.url });
        try {
          const beside = await DashboardClient.login(command.url);
          const runs = runIds(await beside.page("/ui/runs"));
          assert.deepEqual(runs, [joke.instance_id, save.instance_id]);
          const page = await beside.page(`/ui/runs/${save.instance_id}`);
          const cancelled = await beside.post(`/ui/runs/${save.instance_id}/cancel`, {
            csrf: csrfOf(page),
          });
          await cancelled.body?.cancel();
          assert.equal(cancelled.status, 303);
          const status = await call(client, "get_workflow_status", {
            instance_id: save.instance_id,
          });
          assert.equal(status.status, "CANCELLED");
        } finally {
          command.child.kill("SIGTERM");
          assert.equal((await command.child.status).code, 0);
          await command.lines.cancel();
        }
      });

      await t.step("prune counts the finished runs, then deletes them", async () => {
        const running = await start(client, "SAVE");
        const preview = await ui.page("/ui/prune?older_than=0m");
        assert.match(preview, /data-prune-count="2"/);
        const pruned = await ui.post("/ui/prune", { csrf: csrfOf(preview), older_than: "0m" });
        await pruned.body?.cancel();
        assert.equal(pruned.status, 303);
        assert.match(await ui.page(pruned.headers.get("location")!), /Deleted 2 runs\b/);
        await ui.page(`/ui/runs/${joke.instance_id}`, 404);
        assert.deepEqual(runIds(await ui.page("/ui/runs")), [running.instance_id]);
      });
    } finally {
      streams.abort();
      await client.close();
      await server.stop();
    }
  },
});
