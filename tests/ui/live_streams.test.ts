/**
 * The dashboard's live streams, in process over a real application and SQLite store: streams open
 * on the same page share one poll (several viewers cost one page read per interval, not one
 * each), each still gets every change, a run's stream renders its own session's form token, and
 * the poll stops once the last viewer leaves.
 * @module
 */
import assert from "node:assert/strict";
import { sleep } from "../helpers/wait.ts";
import { events, nextEvent, type StreamEvent } from "./event_stream.ts";
import { openDashboard } from "./in_process.ts";

const POLL_MS = 50;

/** The HTML of the next event of `stream`, an update. */
async function nextUpdate(stream: AsyncGenerator<StreamEvent>): Promise<string> {
  const { name, data } = await nextEvent(stream, 5_000);
  assert.equal(name, "update");
  return data;
}
const csrfOf = (text: string) => /name="csrf" value="([^"]+)"/.exec(text)?.[1];

Deno.test("live: viewers of one page share its poll, each gets every change", async () => {
  await using ui = await openDashboard(POLL_MS); // each request without a cookie: a new session
  const { app, dashboard } = ui;
  // Count the runs page's reads, passing each to the real store.
  let pageReads = 0;
  const pageInstances = app.store.pageInstances.bind(app.store);
  app.store.pageInstances = (query) => (pageReads++, pageInstances(query));
  const leave = new AbortController();
  const open = (path: string, cookie = "") =>
    dashboard.handle(
      new Request(`http://127.0.0.1:8809${path}`, { headers: { cookie }, signal: leave.signal }),
    );
  try {
    const run = await app.engine.start("JOKE_GENERATOR", {});
    const runsStreams = await Promise.all([1, 2, 3].map(() => open("/ui/live/runs")));
    const runsUpdates = runsStreams.map(events);
    const runResponses = await Promise.all(
      [1, 2].map(() => open(`/ui/live/run/${run.instance_id}`)),
    );
    const runUpdates = runResponses.map(events);
    for (const stream of runsUpdates) assert.match(await nextUpdate(stream), /greet/);

    // Each session's stream renders that session's form token, not another's.
    const tokens = await Promise.all(runResponses.map(async (response, i) => {
      const cookie = response.headers.get("set-cookie")!.split(";")[0]!;
      const page = await (await open(`/ui/runs/${run.instance_id}`, cookie)).text();
      assert.equal(csrfOf(await nextUpdate(runUpdates[i]!)), csrfOf(page));
      return csrfOf(page);
    }));
    assert.notEqual(tokens[0], tokens[1]);

    pageReads = 0;
    const since = performance.now();
    await sleep(10 * POLL_MS);
    const intervals = (performance.now() - since) / POLL_MS;
    assert.ok(pageReads >= 1, "the runs page was not polled");
    assert.ok(pageReads <= intervals + 2, `${pageReads} page reads in ${intervals} intervals`);

    await app.engine.advance(run.instance_id, {
      step_id: run.next_step.step_name,
      status: "success",
    });
    for (const stream of runsUpdates) assert.match(await nextUpdate(stream), /ask_theme/);
    for (const stream of runUpdates) assert.match(await nextUpdate(stream), /data-seq="2"/);

    leave.abort();
    await sleep(3 * POLL_MS);
    const reads = pageReads;
    await sleep(5 * POLL_MS);
    assert.equal(pageReads, reads, "the page is still polled with nobody watching");
  } finally {
    leave.abort();
  }
});
