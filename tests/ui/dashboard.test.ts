/**
 * The dashboard under `serve --http`, end to end: a real server (stub decider, SQLite in a temp
 * folder, the launcher's permission flags), runs driven through the MCP SDK client, and Debian's
 * Chromium checking what a person sees: refusals without the token, the runs page updating live,
 * a run's timeline and path on its graph, live while it moves, cancel, prune, and report messages
 * and context values holding markup shown as text (never run). Saves the README's screenshots
 * when `UPDATE_SCREENSHOTS=1`.
 * @module
 */
import assert from "node:assert/strict";
import { cpSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/client";
import type { Page } from "playwright-core";
import { advanceToEnd, type StepResponse } from "../helpers/advance.ts";
import { connectHttp, spawnHttpServer, TEST_TOKEN } from "../helpers/http_server.ts";
import { BUILTIN_WORKFLOWS, call } from "../helpers/server.ts";
import { writeWorkflow } from "../helpers/workflows.ts";
import { launchChromium, screenshot } from "./browser.ts";

/** Markup an attacker might put in a report or the context; `window.__xss` stays unset. */
const INJECTED = `<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">`;

function start(client: Client, context: Record<string, unknown> = {}): Promise<StepResponse> {
  return call<StepResponse>(client, "start_workflow", { workflow_name: "JOKE_GENERATOR", context });
}

function advance(
  client: Client,
  run: StepResponse,
  message: string,
  updates?: Record<string, unknown>,
): Promise<StepResponse> {
  return call<StepResponse>(client, "advance_workflow", {
    instance_id: run.instance_id,
    report: { step_id: run.next_step.step_name, status: "success", message },
    ...(updates ? { context_updates: updates } : {}),
  });
}

/** The built-in JOKE_GENERATOR and SAVE, and a workflow whose index lists a step with no file. */
function workflowsWithABrokenOne(): string {
  const root = Deno.makeTempDirSync({ prefix: "orch-ui-workflows-" });
  for (const name of ["JOKE_GENERATOR", "SAVE"]) {
    cpSync(join(BUILTIN_WORKFLOWS, name), join(root, name), { recursive: true });
  }
  writeWorkflow(root, "BROKEN_EXAMPLE", {
    "index.md":
      "# Broken example\n\nA workflow with a mistake.\n\n# Steps\n\n- [first](steps/first.md)\n",
  });
  return root;
}

const xss = (page: Page) => page.evaluate(() => (window as { __xss?: number }).__xss);

Deno.test("dashboard: tokens, live runs, timeline and path, cancel, prune, escaping", async (t) => {
  const workflowsDir = workflowsWithABrokenOne();
  const server = await spawnHttpServer({ env: { MCP_HTTP_TOKEN: TEST_TOKEN }, workflowsDir });
  const base = server.url.replace(/\/mcp$/, "");
  const client = await connectHttp(server.url, { token: TEST_TOKEN });
  const browser = await launchChromium();
  try {
    // Some history for the pages: a completed run and a cancelled one.
    await advanceToEnd([client], await start(client, { theme: "cats" }));
    const dropped = await start(client);
    await call(client, "cancel_workflow", { instance_id: dropped.instance_id });

    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    page.on("dialog", (dialog) => void dialog.accept());

    await t.step("without the token, or with a wrong one, nothing is shown", async () => {
      const bare = await fetch(`${base}/ui/runs`);
      assert.equal(bare.status, 401);
      assert.doesNotMatch(await bare.text(), /JOKE_GENERATOR/);
      const wrong = await page.goto(`${base}/ui/login?token=not-the-token`);
      assert.equal(wrong?.status(), 401);
      assert.match(await page.locator("[role=alert]").innerText(), /Wrong token/);
      assert.equal((await context.cookies()).length, 0);
      await screenshot(page, "login");
    });

    await t.step("the token logs in with an HttpOnly, SameSite=Strict cookie", async () => {
      await page.goto(`${base}/ui/login?token=${TEST_TOKEN}`);
      assert.equal(new URL(page.url()).pathname, "/ui/runs");
      const [cookie] = await context.cookies();
      assert.equal(cookie?.httpOnly, true);
      assert.equal(cookie?.sameSite, "Strict");
      const csp = (await page.request.get(`${base}/ui/runs`)).headers()["content-security-policy"];
      assert.match(csp ?? "", /script-src 'self'/);
      assert.equal(await page.locator("tr[data-run]").count(), 2);
    });

    let run: StepResponse;
    await t.step("a run started through MCP appears on the open runs page", async () => {
      await page.evaluate(() => (window as { __kept?: boolean }).__kept = true);
      run = await start(client, { note: INJECTED });
      await page.locator(`tr[data-run="${run.instance_id}"]`).waitFor({ timeout: 10_000 });
      // Updated in place, not reloaded.
      assert.equal(await page.evaluate(() => (window as { __kept?: boolean }).__kept), true);
      assert.match(await page.locator("[data-count]").innerText(), /^3 runs/);
      await screenshot(page, "runs");
    });

    await t.step("a run's page: timeline, path on the graph, markup shown as text", async () => {
      run = await advance(client, run, INJECTED);
      await page.goto(`${base}/ui/runs/${run.instance_id}`);
      const entries = page.locator("ol.timeline > li");
      assert.deepEqual(await entries.evaluateAll((li) => li.map((e) => e.dataset.seq)), ["1", "2"]);
      assert.equal(await page.locator("[data-report-message]").innerText(), INJECTED);
      assert.match(await page.locator("pre").first().innerText(), /<script>window.__xss = 1/);
      assert.equal(await page.locator("main script, main img").count(), 0);
      // START -> greet (#1) -> ask_theme (#2), where the run is now.
      assert.equal(await page.locator("svg g.current").getAttribute("data-node"), "ask_theme");
      assert.deepEqual(
        await page.locator("svg .edge-label-taken text").allTextContents(),
        ["#1", "#2"],
      );
      assert.equal(await page.locator("svg g.visited[data-node=greet]").count(), 1);
      assert.equal(await xss(page), undefined);
    });

    await t.step("the run's page follows the run while it moves", async () => {
      await page.evaluate(() => (window as { __kept?: boolean }).__kept = true);
      run = await advance(client, run, "Theme chosen", { theme: INJECTED });
      await page.locator('svg g.current[data-node="tell_joke"]').waitFor({ timeout: 10_000 });
      assert.equal(await page.locator("ol.timeline > li").count(), 3);
      assert.equal(await page.evaluate(() => (window as { __kept?: boolean }).__kept), true);
      assert.match(await page.locator("pre").first().innerText(), /"theme": "<script>/);
      assert.equal(await xss(page), undefined);
      await screenshot(page, "run");
    });

    await t.step("cancel from the page ends the run", async () => {
      await page.getByRole("button", { name: "Cancel run" }).click();
      await page.locator("[data-current-step]", { hasText: "FINISH" }).waitFor();
      assert.equal(await page.locator(".row .badge.s-CANCELLED").count(), 1);
      const status = await call(client, "get_workflow_status", { instance_id: run.instance_id });
      assert.equal(status.status, "CANCELLED");
    });

    await t.step("a POST without the form token or from another origin is refused", async () => {
      const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
      const other = await start(client);
      const url = `${base}/ui/runs/${other.instance_id}/cancel`;
      const form = { "content-type": "application/x-www-form-urlencoded", cookie };
      const noToken = await fetch(url, { method: "POST", headers: { ...form, origin: base } });
      assert.equal(noToken.status, 403);
      const page2 = await page.request.get(`${base}/ui/runs/${other.instance_id}`);
      const csrf = /name="csrf" value="([^"]+)"/.exec(await page2.text())?.[1];
      assert.ok(csrf);
      const foreign = await fetch(url, {
        method: "POST",
        headers: { ...form, origin: "http://evil.example" },
        body: `csrf=${csrf}`,
      });
      assert.equal(foreign.status, 403);
      await foreign.body?.cancel();
      await noToken.body?.cancel();
      const status = await call(client, "get_workflow_status", { instance_id: other.instance_id });
      assert.equal(status.status, "RUNNING");
    });

    await t.step("workflows: validity, steps and the graph drawn", async () => {
      await page.goto(`${base}/ui/workflows`);
      assert.match(await page.locator('[data-workflow="JOKE_GENERATOR"]').innerText(), /valid/);
      const broken = await page.locator('[data-workflow="BROKEN_EXAMPLE"]').innerText();
      assert.match(broken, /invalid: 1 error/);
      assert.match(broken, /BROKEN_EXAMPLE\/index\.md:7 .*first/);
      await screenshot(page, "workflows");
      await page.goto(`${base}/ui/workflows/JOKE_GENERATOR`);
      assert.equal(await page.locator("svg.graph g.node").count(), 7); // start, 5 steps, FINISH
      await screenshot(page, "workflow");
    });

    await t.step("prune counts the finished runs, then deletes them", async () => {
      await page.goto(`${base}/ui/prune?older_than=0m`);
      const count = await page.locator("[data-prune-count]").getAttribute("data-prune-count");
      assert.equal(count, "3"); // completed, cancelled through MCP and on the page
      await screenshot(page, "prune");
      await page.getByRole("button", { name: /^Delete 3 runs/ }).click();
      await page.locator("[role=status]", { hasText: "Deleted 3 runs." }).waitFor();
      const gone = await page.request.get(`${base}/ui/runs/${run.instance_id}`);
      assert.equal(gone.status(), 404);
      const left = await call<{ total: number }>(client, "list_instances", {});
      assert.equal(left.total, 1); // the RUNNING one stays
    });

    await t.step("phone width and dark mode stay readable", async () => {
      const phone = await browser.newContext({
        viewport: { width: 390, height: 800 },
        colorScheme: "dark",
      });
      const small = await phone.newPage();
      await small.goto(`${base}/ui/login?token=${TEST_TOKEN}`);
      const width = await small.evaluate<number>("document.documentElement.scrollWidth");
      assert.ok(width <= 390, `the runs page is ${width}px wide on a 390px screen`);
      await screenshot(small, "runs-phone-dark");
      await phone.close();
    });
    await context.close();
  } finally {
    await browser.close();
    await client.close();
    await server.stop();
    Deno.removeSync(workflowsDir, { recursive: true });
  }
});
