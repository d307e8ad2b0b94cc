/**
 * `deno task bench`: measures the orchestrator against baselines started in the same run and
 * prints one table of figures, baselines, ratios, targets and pass/fail. Exits 0 even when a
 * target is missed (the table says so); exits 1 only when a measurement itself fails.
 *
 * @example
 * ```sh
 * deno task bench
 * deno task bench --only=overhead,cold-start   # only these sections
 * ```
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
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

/** The sections of the bench, in the order they run; `--only=` names some of them. */
const SECTIONS = [
  "overhead",
  "cold-start",
  "scale",
  "postgres",
  "definitions",
  "dashboard",
  "prompt-size",
] as const;
type Section = typeof SECTIONS[number];

/**
 * The sections `--only=a,b` selects (all without it).
 * @throws {Error} a name that is not a section
 */
function selectedSections(args: string[]): ReadonlySet<Section> {
  const { values } = parseArgs({ args, options: { only: { type: "string" } } });
  if (values.only === undefined) return new Set(SECTIONS);
  const names = values.only.split(",").map((name) => name.trim());
  const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length) {
    throw new Error(`unknown section ${unknown.join(", ")} in --only: use ${SECTIONS.join(", ")}`);
  }
  return new Set(names as Section[]);
}

async function section(title: string, measure: () => Promise<Row[]>): Promise<Row[]> {
  const started = performance.now();
  console.error(`measuring ${title}…`);
  const rows = await measure();
  console.error(`  ${title}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return rows;
}

if (import.meta.main) {
  const only = selectedSections(Deno.args);
  const run = (name: Section, measure: () => Promise<Row[]>) =>
    only.has(name) ? section(name, measure) : Promise.resolve([]);
  const tempDir = Deno.makeTempDirSync({ prefix: "orch-bench-" });
  const started = performance.now();
  try {
    const workflowsDir = join(tempDir, "workflows");
    writeLoopWorkflow(workflowsDir);
    const rows = [
      ...await run("overhead", () => measureOverhead(workflowsDir, tempDir)),
      ...await run("cold-start", () => measureColdStart(BUILTIN_WORKFLOWS, tempDir)),
      ...await run("scale", () => measureScale(workflowsDir, tempDir)),
      ...await run("postgres", () => measurePostgres(workflowsDir, tempDir)),
      ...await run("definitions", () => measureDefinitions(tempDir)),
      ...await run("dashboard", () => measureDashboard(workflowsDir, tempDir)),
      ...await run("prompt-size", promptSize),
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
