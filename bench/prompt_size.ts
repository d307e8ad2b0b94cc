/**
 * Prompt characters per AI decision: our prompt (goal, current guidance, candidate names and
 * descriptions, report, context, recent history) vs the seed's naive prompt (the index plus every
 * step file, with the same report, context and history), on the built-in 10-step-file workflow
 * REFACTOR_WITH_TESTS, averaged over a decision at every step.
 *
 * Standalone: `deno run --allow-read --allow-env=LOG_TOKENS,LOG_STREAM bench/prompt_size.ts` (the
 * YAML parser reads those two variables); `bench/main.ts` can call
 * `measurePromptSize()`.
 * @module
 */
import { join } from "node:path";
import { buildPrompt } from "../src/decide/prompt.ts";
import { BUILTIN_WORKFLOWS_DIR } from "../src/config.ts";
import { DefinitionRegistry } from "../src/definitions/registry.ts";
import type { HistoryEntry } from "../src/store/types.ts";

/** The measured workflow: 9 listed steps plus its FINISH step file. */
const WORKFLOW = "REFACTOR_WITH_TESTS";

/** A realistic run: a small context, a report with a message, five history entries. */
function history(steps: string[]): HistoryEntry[] {
  return steps.slice(0, 5).map((step, i) => ({
    instanceId: "bench",
    seq: i + 2,
    step,
    report: { step_id: step, status: "success", message: `Finished ${step}; see the result.` },
    contextUpdates: null,
    decision: { source: "ai", nextStep: steps[i + 1] ?? step, reasoning: "Next in order." },
    statusAfter: "RUNNING",
    requestHash: null,
    createdAt: "2026-01-01T00:00:00.000Z",
  }));
}

/**
 * Average prompt characters per decision: `ours` (what the decision makers send) and `naive`
 * (index.md and every step file in every prompt, as the seed did).
 */
export function measurePromptSize(): { ours: number; naive: number; steps: number } {
  const workflow = new DefinitionRegistry(BUILTIN_WORKFLOWS_DIR).get(WORKFLOW);
  const dir = join(BUILTIN_WORKFLOWS_DIR, WORKFLOW);
  const files = [
    "index.md",
    ...workflow.steps.map((s) => s.file),
    ...(workflow.finish ? [workflow.finish.file] : []),
  ];
  const wholeWorkflow = files.map((f) => `--- ${f}\n${Deno.readTextFileSync(join(dir, f))}`)
    .join("\n");
  const names = workflow.steps.map((s) => s.name);
  const context = {
    refactoring_goal: "extract the retry logic into its own module",
    test_command: "deno task test",
  };
  let ours = 0;
  let naive = 0;
  for (const step of workflow.steps) {
    const input = {
      workflow,
      currentStep: step,
      report: { step_id: step.name, status: "success", message: `Done: ${step.description}` },
      context,
      recentHistory: history(names),
    };
    const prompt = buildPrompt(input);
    ours += prompt.system.length + prompt.user.length;
    const facts = JSON.stringify({ current: step.name, report: input.report, context });
    const past = input.recentHistory.map((e) => JSON.stringify(e.report)).join("\n");
    naive += prompt.system.length + wholeWorkflow.length + facts.length + past.length;
  }
  const steps = workflow.steps.length;
  return {
    ours: Math.round(ours / steps),
    naive: Math.round(naive / steps),
    steps: files.length - 1,
  };
}

if (import.meta.main) {
  const { ours, naive, steps } = measurePromptSize();
  console.log(`prompt characters per decision, ${WORKFLOW} (${steps} step files):`);
  console.log(`  ours  ${ours}`);
  console.log(`  naive ${naive} (index + every step file)`);
  console.log(
    `  ratio ${(ours / naive).toFixed(2)} (ours / naive): ${(naive / ours).toFixed(1)}x smaller`,
  );
}
