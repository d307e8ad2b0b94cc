/**
 * The Runs page's paging, in process over a real application and SQLite store: "Older →" and
 * "← Newer" walk the runs a page at a time both ways, newest first, every run on exactly one page;
 * a newer page that reaches the newest run is the newest page under its own address; a page
 * address with both cursors is refused. (Both backends page both ways in the store contract.)
 * @module
 */
import assert from "node:assert/strict";
import { RUNS_PAGE_SIZE } from "../../src/ui/pages/runs.ts";
import { openDashboard } from "./in_process.ts";

const RUNS = 2 * RUNS_PAGE_SIZE + 7;

const runIds = (page: string) => [...page.matchAll(/data-run="([^"]+)"/g)].map((m) => m[1]!);
/** The address of the pager's link labelled `label`, if shown. */
const link = (page: string, label: string) =>
  /<a class="button secondary" href="([^"]+)"[^>]*>([^<]+)<\/a>/g[Symbol.matchAll](page)
    .find((m) => m[2] === label)?.[1]?.replaceAll("&amp;", "&");

Deno.test("runs page: older and newer pages, each run once, newest first", async () => {
  await using ui = await openDashboard();
  const { app, dashboard } = ui;
  const get = async (path: string, status = 200) => {
    const response = await dashboard.handle(new Request(`http://127.0.0.1:8809${path}`));
    const text = await response.text();
    assert.equal(response.status, status, `GET ${path}: ${text}`);
    return { text, location: response.headers.get("location") };
  };
  const started: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    started.push((await app.engine.start("JOKE_GENERATOR", {})).instance_id);
  }
  // Runs started in the same millisecond are ordered by id: the store's offset listing says so.
  const listed = await app.store.listInstances({ limit: 500, offset: 0 });
  const newestFirst = listed.instances.map((run) => run.id);
  assert.deepEqual(newestFirst.toSorted(), started.toSorted());
  const pageOf = (n: number) => newestFirst.slice(n * RUNS_PAGE_SIZE, (n + 1) * RUNS_PAGE_SIZE);

  const newest = (await get("/ui/runs")).text;
  assert.deepEqual(runIds(newest), pageOf(0));
  assert.equal(link(newest, "← Newer"), undefined);
  const middle = (await get(link(newest, "Older →")!)).text;
  assert.deepEqual(runIds(middle), pageOf(1));
  const last = (await get(link(middle, "Older →")!)).text;
  assert.deepEqual(runIds(last), pageOf(2));
  assert.equal(runIds(last).length, RUNS - 2 * RUNS_PAGE_SIZE);
  assert.equal(link(last, "Older →"), undefined);
  assert.equal(link(last, "« Newest"), "/ui/runs");

  const back = await get(link(last, "← Newer")!);
  assert.deepEqual(runIds(back.text), pageOf(1));
  assert.match(back.text, /an older page/);
  assert.equal(link(back.text, "Older →"), link(middle, "Older →"));
  // The next newer page is the newest: answered by the newest page's own address.
  const top = await get(link(back.text, "← Newer")!, 303);
  assert.equal(top.location, "/ui/runs");

  const filtered = (await get("/ui/runs?workflow=JOKE_GENERATOR")).text;
  assert.match(link(filtered, "Older →")!, /^\/ui\/runs\?workflow=JOKE_GENERATOR&after_at=/);

  const both = link(middle, "Older →")!.replaceAll("after_", "before_") +
    "&after_at=x&after_id=y";
  assert.match((await get(both, 400)).text, /not both/);
});
