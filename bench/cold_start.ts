/**
 * Cold start: from spawning the process to the answer to `initialize`, for the orchestrator with
 * the nine built-in workflows started as the README tells clients to (`deno task start` in a copy
 * of the checkout: with the default locations the task and the server; with the workflows and
 * the database configured elsewhere the task, the server handing over to the launcher, the launcher
 * and the server) and as `main.ts` alone, and for the bare SDK server, taking turns so all see the
 * same load. Also how long until the first `list_workflows` answer: the application
 * (parsers, SQLite, engine) is loaded once the handshake is answered, and the definitions are
 * parsed on first use.
 *
 * @example
 * ```ts
 * const rows = await measureColdStart(builtinWorkflowsDir, tempDir);
 * ```
 * @module
 */
import { join } from "node:path";
import { call } from "../tests/helpers/server.ts";
import type { Row } from "./report.ts";
import {
  copyCheckout,
  spawnBaseline,
  type Spawned,
  spawnOrchestrator,
  spawnStarted,
} from "./servers.ts";
import { median } from "./stats.ts";

const RUNS = 9;

/** Spawn-to-initialize and spawn-to-first-listing times of one way of starting the orchestrator. */
interface Starts {
  initialized: number[];
  listed: number[];
}

/** Start with `start`, list the workflows once, stop; records both times in `starts`. */
async function timeStart(start: () => Promise<Spawned>, starts: Starts): Promise<void> {
  const spawned = await start();
  starts.initialized.push(spawned.startupMs);
  const started = performance.now();
  const { workflows } = await call<{ workflows: { valid: boolean }[] }>(
    spawned.client,
    "list_workflows",
  );
  starts.listed.push(spawned.startupMs + performance.now() - started);
  await spawned.close();
  if (workflows.filter((w) => w.valid).length < 9) {
    throw new Error(`expected the nine built-in workflows, got ${workflows.length}`);
  }
}

/** Median spawn-to-initialize times, and spawn to the first `list_workflows` answer. */
export async function measureColdStart(workflowsDir: string, tempDir: string): Promise<Row[]> {
  const dbPath = join(tempDir, "cold", "workflows.sqlite");
  const checkout = copyCheckout(Deno.makeTempDirSync({ dir: tempDir, prefix: "checkout-" }));
  const task: Starts = { initialized: [], listed: [] };
  const elsewhere: Starts = { initialized: [], listed: [] };
  const direct: Starts = { initialized: [], listed: [] };
  const baseline: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await timeStart(() => spawnStarted(checkout), task);
    await timeStart(() => spawnStarted(checkout, { workflowsDir, dbPath }), elsewhere);
    await timeStart(() => spawnOrchestrator({ workflowsDir, dbPath }), direct);
    const bare = await spawnBaseline();
    baseline.push(bare.startupMs);
    await bare.close();
  }
  const bare = { label: "bare SDK server", value: median(baseline) };
  const row = (figure: string, times: number[], target: Row["target"]): Row => ({
    figure,
    value: median(times),
    unit: "ms",
    baseline: bare,
    target,
  });
  return [
    row("cold start (deno task start): spawn → initialize", task.initialized, { max: 1.3 }),
    row("cold start (deno task start): spawn → first list_workflows", task.listed, { max: 1.6 }),
    row(
      "cold start (deno task start, DB and workflows elsewhere): spawn → initialize",
      elsewhere.initialized,
      { info: true },
    ),
    row(
      "cold start (deno task start, DB and workflows elsewhere): spawn → first list_workflows",
      elsewhere.listed,
      { info: true },
    ),
    row("cold start (main.ts alone): spawn → initialize", direct.initialized, { info: true }),
    row("cold start (main.ts alone): spawn → first list_workflows", direct.listed, { info: true }),
  ];
}
