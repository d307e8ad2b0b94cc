/**
 * Cold start: from spawning the process to the answer to `initialize`, for the orchestrator with
 * the nine built-in workflows and for the bare SDK server, alternating so both see the same load.
 * Also how long until the first `list_workflows` answer: the application (parsers, SQLite, engine)
 * is loaded once the handshake is answered, and the definitions are parsed on first use.
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
import { spawnBaseline, spawnOrchestrator } from "./servers.ts";
import { median } from "./stats.ts";

const RUNS = 9;

/** Median spawn-to-initialize times, and spawn to the first `list_workflows` answer. */
export async function measureColdStart(workflowsDir: string, tempDir: string): Promise<Row[]> {
  const dbPath = join(tempDir, "cold", "workflows.sqlite");
  const ours: number[] = [];
  const listed: number[] = [];
  const baseline: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const spawned = await spawnOrchestrator({ workflowsDir, dbPath });
    ours.push(spawned.startupMs);
    const started = performance.now();
    const { workflows } = await call<{ workflows: { valid: boolean }[] }>(
      spawned.client,
      "list_workflows",
    );
    listed.push(spawned.startupMs + performance.now() - started);
    await spawned.close();
    if (workflows.filter((w) => w.valid).length < 9) {
      throw new Error(`expected the nine built-in workflows, got ${workflows.length}`);
    }
    const bare = await spawnBaseline();
    baseline.push(bare.startupMs);
    await bare.close();
  }
  const bare = { label: "bare SDK server", value: median(baseline) };
  return [
    {
      figure: "cold start: spawn → initialize answered",
      value: median(ours),
      unit: "ms",
      baseline: bare,
      target: { max: 1.3 },
    },
    {
      figure: "cold start: spawn → first list_workflows answered",
      value: median(listed),
      unit: "ms",
      baseline: bare,
      target: { info: true },
    },
  ];
}
