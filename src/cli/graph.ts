/**
 * `graph NAME [--instance ID]`: print a workflow as a Mermaid flowchart; with `--instance`, the
 * path that run took (from its recorded history, on the definition version it ran with).
 *
 * @example
 * ```ts
 * graphCommand(config, "JOKE_GENERATOR", undefined);
 * ```
 * @module
 */
import type { Config } from "../config.ts";
import { DefinitionRegistry } from "../definitions/registry.ts";
import { FINISH } from "../definitions/types.ts";
import { OrchestratorError } from "../errors.ts";
import { readHistory } from "../store/stored_run.ts";
import type { Instance } from "../store/types.ts";
import { type RunPath, workflowMermaid } from "./mermaid.ts";
import { openRuns, type Runs } from "./runs.ts";

/** The recorded path of one run: every start, route, AI and cancel transition in order. */
async function runPath(runs: Runs, instance: Instance): Promise<RunPath> {
  const transitions: RunPath["transitions"] = [];
  for (const entry of await readHistory(runs.store, instance)) {
    const { source, nextStep } = entry.decision;
    // Resuming re-sends the current step and suspending keeps it: no movement.
    if (source === "resume" || source === "suspend") continue;
    transitions.push({
      from: entry.step ?? "",
      to: source === "cancel" ? FINISH : nextStep,
      status: source === "start"
        ? "start"
        : source === "cancel"
        ? "cancelled"
        : entry.report?.status ?? "",
    });
  }
  return { transitions, current: instance.currentStep, status: instance.status };
}

/** Print the Mermaid flowchart and return the exit code. */
export async function graphCommand(
  config: Config,
  name: string | undefined,
  instanceId?: string,
): Promise<number> {
  if (instanceId === undefined) {
    if (name === undefined) {
      throw new OrchestratorError("graph needs a workflow NAME (see 'list'), or --instance ID.");
    }
    console.log(workflowMermaid(new DefinitionRegistry(config.definitionsDir).get(name)));
    return 0;
  }
  const runs = await openRuns(config);
  try {
    const instance = await runs.instance(instanceId);
    if (name !== undefined && name !== instance.workflowName) {
      throw new OrchestratorError(
        `Instance '${instanceId}' is a run of ${instance.workflowName}, not ${name}: run ` +
          `'graph ${instance.workflowName} --instance ${instanceId}'.`,
      );
    }
    // Draw the version the run used, which may differ from the files on disk now.
    const definition = await runs.pinned.forRun(instance);
    console.log(workflowMermaid(definition, await runPath(runs, instance)));
    return 0;
  } finally {
    await runs.close();
  }
}
