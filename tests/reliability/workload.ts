/**
 * Random workflows for the reliability harnesses: a definitions folder holding a copy of the
 * built-in workflows plus generated ones (2-8 steps, loop-back and skip-ahead routes, some with a
 * small `max_steps` so the loop guard fires), and random reports to drive them.
 *
 * @example
 * ```ts
 * const { dir, names } = writeWorkload(new Random(1), 4);
 * ```
 * @module
 */
import { cpSync } from "node:fs";
import { BUILTIN_WORKFLOWS } from "../helpers/server.ts";
import { writeWorkflow } from "../helpers/workflows.ts";
import type { Random } from "./random.ts";

/** A definitions folder and the names of the workflows in it. */
export interface Workload {
  dir: string;
  names: string[];
}

function generatedWorkflow(rng: Random, root: string, name: string): void {
  const count = rng.between(2, 8);
  const steps = Array.from({ length: count }, (_, i) => `s${i}`);
  const files: Record<string, string> = {
    "index.md":
      `---\ndescription: Generated workflow ${name}.\nmax_steps: ${
        rng.chance(0.3) ? rng.between(3, 6) : 60
      }\n---\n\n# ${name}\n\nA generated workflow for the crash and fuzz harnesses.\n\n# Steps\n\n` +
      steps.map((s) => `- [${s}](steps/${s}.md)`).join("\n") + "\n",
  };
  steps.forEach((step, i) => {
    const routes: string[] = [];
    if (i > 0 && rng.chance(0.5)) routes.push(`retry: s${rng.int(i)}`);
    if (i + 2 < count && rng.chance(0.4)) routes.push(`skip: s${rng.between(i + 2, count - 1)}`);
    if (rng.chance(0.2)) routes.push("abort: FINISH");
    const frontMatter = routes.length ? `---\non: {${routes.join(", ")}}\n---\n\n` : "";
    files[`steps/${step}.md`] =
      `${frontMatter}# Orchestrator Guidance\n\nStep ${i} of ${name}.\n\n` +
      `# Client Instructions\n\nDo step ${step} of ${name} with {{context.topic}}.\n`;
  });
  writeWorkflow(root, name, files);
}

/** A temp definitions folder with the built-in workflows and `generated` random ones. */
export function writeWorkload(rng: Random, generated: number): Workload {
  const dir = Deno.makeTempDirSync({ prefix: "orch-workload-" });
  cpSync(BUILTIN_WORKFLOWS, dir, { recursive: true });
  for (let i = 0; i < generated; i++) generatedWorkflow(rng, dir, `GEN_${i}`);
  const names = [...Deno.readDirSync(dir)].filter((e) => e.isDirectory).map((e) => e.name).sort();
  return { dir, names };
}

/** A report status: mostly `success`, sometimes a routed status, a failure or FINISH. */
export function randomStatus(rng: Random): string {
  const roll = rng.next();
  if (roll < 0.75) return "success";
  if (roll < 0.85) return "retry";
  if (roll < 0.92) return "skip";
  if (roll < 0.96) return "abort";
  return rng.chance(0.5) ? "failure" : "FINISH";
}

/** A small random merge patch: set, nest and delete a few keys. */
export function randomContextUpdates(rng: Random): Record<string, unknown> | undefined {
  if (rng.chance(0.4)) return undefined;
  const patch: Record<string, unknown> = {};
  for (let i = rng.between(1, 3); i > 0; i--) {
    const key = `k${rng.int(6)}`;
    patch[key] = rng.pick([null, rng.int(1000), `v${rng.int(100)}`, { nested: { n: rng.int(9) } }]);
  }
  if (rng.chance(0.3)) patch.topic = rng.pick(["cats", "ünïcødé ✓", "tabs\tand\nnewlines"]);
  return patch;
}
