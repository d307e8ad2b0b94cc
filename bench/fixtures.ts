/**
 * Generated workflow folders for the benchmarks: a two-step loop whose declared routes never end
 * (so one run can be advanced thousands of times without an LLM), and many ten-step workflows for
 * load-time measurements.
 *
 * @example
 * ```ts
 * const dir = Deno.makeTempDirSync();
 * writeLoopWorkflow(dir); // dir/BENCH_LOOP
 * ```
 * @module
 */
import { writeWorkflow } from "../tests/helpers/workflows.ts";

/** Name of the looping workflow written by `writeLoopWorkflow`. */
export const LOOP_WORKFLOW = "BENCH_LOOP";
/** The two steps of the loop, each routing to the other on `success`. */
export const LOOP_STEPS = ["work", "check"] as const;

/** A step file of realistic size: description, route, guidance and instructions with a placeholder. */
function stepFile(name: string, frontMatter: string): string {
  return `---
description: Step ${name} of a generated benchmark workflow.
${frontMatter}
---

# Goal

Do the part of the task that step ${name} is about, and nothing else.

# Orchestrator Guidance

Continue with the declared route. If the report says the work could not be done, prefer to finish
the run rather than loop, and say why in the reasoning.

# Client Instructions

You are working on item {{context.item}}. Read the relevant files, make the change this step is
about, and run the checks that cover it. Keep the change small and focused; do not touch unrelated
code. When you are done, report with status \`success\` and a one-line summary in \`message\`; if
something blocked you, report \`failure\` and say what in \`error\`.
`;
}

function writeBenchWorkflow(dir: string, name: string, steps: string[], routes: string[]): void {
  const list = steps.map((step) => `- [${step}](steps/${step}.md)`).join("\n");
  writeWorkflow(dir, name, {
    "index.md": `---
description: Generated workflow ${name} for benchmarks.
max_steps: 100000000
---

# ${name}

A generated workflow: each step asks the client to do one focused piece of work and report back.

# Steps

${list}
`,
    ...Object.fromEntries(steps.map((step, i) => [`steps/${step}.md`, stepFile(step, routes[i]!)])),
  });
}

/** Write `BENCH_LOOP` into `dir`: `work` → `check` → `work` … on `success`, FINISH on `failure`. */
export function writeLoopWorkflow(dir: string): void {
  writeBenchWorkflow(dir, LOOP_WORKFLOW, [...LOOP_STEPS], [
    "on: { success: check, failure: FINISH }",
    "on: { success: work, failure: FINISH }",
  ]);
}

/** Write `count` workflows of `steps` linear steps (`GEN_0000`, …) into `dir`; returns their names. */
export function writeGeneratedWorkflows(dir: string, count: number, steps: number): string[] {
  const names: string[] = [];
  for (let w = 0; w < count; w++) {
    const name = `GEN_${String(w).padStart(4, "0")}`;
    const stepNames = Array.from({ length: steps }, (_, i) => `step_${i + 1}`);
    const routes = stepNames.map((_, i) =>
      i + 1 < steps ? `next: step_${i + 2}` : "terminal: true"
    );
    writeBenchWorkflow(dir, name, stepNames, routes);
    names.push(name);
  }
  return names;
}
