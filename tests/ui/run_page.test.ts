/**
 * One run's page, in process: the timeline names who decided each step as people should read it
 * (a declared route, or the stub that stands in for an AI), never `ai` when no AI was asked.
 * @module
 */
import assert from "node:assert/strict";
import { openDashboard } from "./in_process.ts";

Deno.test("run page: a stub decision is labelled stub, a declared route route", async () => {
  await using ui = await openDashboard();
  const { app, dashboard } = ui;
  const id = (await app.engine.start("JOKE_GENERATOR", {})).instance_id;
  // greet, ask_theme and tell_joke declare their next step; reveal_punchline leaves it to the
  // decision maker, here the stub.
  for (const step of ["greet", "ask_theme", "tell_joke", "reveal_punchline"]) {
    await app.engine.advance(id, { step_id: step, status: "success" });
  }
  const response = await dashboard.handle(new Request(`http://127.0.0.1:8809/ui/runs/${id}`));
  const page = await response.text();
  assert.equal(response.status, 200, page);
  const badges = [...page.matchAll(/<span class="badge s-other">([^<]*)<\/span>/g)]
    .map((match) => match[1]);
  assert.deepEqual(badges, ["start", "route", "route", "route", "stub"]);
});
