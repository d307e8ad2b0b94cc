/**
 * `deno task bench`: measures the orchestrator against baselines started in the same run and
 * prints one table of figures, baselines, ratios, targets and pass/fail. Exits 0 even when a
 * target is missed (the table says so); exits 1 only when a measurement itself fails.
 *
 * @example
 * ```sh
 * deno task bench
 * ```
 * @module
 */
import { join } from "node:path";
import { BUILTIN_WORKFLOWS } from "../tests/helpers/server.ts";
import { measureColdStart } from "./cold_start.ts";
import { measureDashboard } from "./dashboard.ts";
import { measureDefinitions } from "./definitions.ts";
import { writeLoopWorkflow } from "./fixtures.ts";
import { measureOverhead } from "./overhead.ts";
import { measurePostgres } from "./postgres.ts";
import { measurePromptSize } from "./prompt_size.ts";
import { formatTable, passed, type Row, skippedNotes } from "./report.ts";
import { measureScale } from "./scale.ts";

/** The decision prompt's size against sending the whole workflow (`prompt_size.ts`). */
function promptSize(): Promise<Row[]> {
  const { ours, naive } = measurePromptSize();
  return Promise.resolve([{
    figure: "decision prompt size",
    value: ours,
    unit: "chars",
    baseline: { label: "whole workflow (seed)", value: naive },
    target: { max: 1 },
  }]);
}

async function section(title: string, measure: () => Promise<Row[]>): Promise<Row[]> {
  const started = performance.now();
  console.error(`measuring ${title}…`);
  const rows = await measure();
  console.error(`  ${title}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return rows;
}

if (import.meta.main) {
  const tempDir = Deno.makeTempDirSync({ prefix: "orch-bench-" });
  const started = performance.now();
  try {
    const workflowsDir = join(tempDir, "workflows");
    writeLoopWorkflow(workflowsDir);
    const rows = [
      ...await section("overhead", () => measureOverhead(workflowsDir, tempDir)),
      ...await section("cold start", () => measureColdStart(BUILTIN_WORKFLOWS, tempDir)),
      ...await section("scale", () => measureScale(workflowsDir, tempDir)),
      ...await section("PostgreSQL", () => measurePostgres(workflowsDir, tempDir)),
      ...await section("definitions", () => measureDefinitions(tempDir)),
      ...await section("dashboard", () => measureDashboard(workflowsDir, tempDir)),
      ...await section("prompt size", promptSize),
    ];
    console.log(
      `orchestrator-mcp-server benchmarks — Deno ${Deno.version.deno}, ` +
        `${navigator.hardwareConcurrency} cores, ${new Date().toISOString()}\n`,
    );
    console.log(formatTable(rows));
    for (const note of skippedNotes(rows)) console.log(`\n${note}`);
    const results = rows.map(passed);
    const skipped = rows.filter((row) => "skipped" in row.target).length;
    console.log(
      `\n${results.filter((r) => r === true).length} passed, ` +
        `${results.filter((r) => r === false).length} failed, ` +
        `${results.filter((r) => r === undefined).length - skipped} informational, ` +
        `${skipped} skipped; ` +
        `${((performance.now() - started) / 1000).toFixed(0)} s in all.`,
    );
  } finally {
    Deno.removeSync(tempDir, { recursive: true });
  }
}
