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
import { checkDefinitionsDir } from "../definitions/root_dir.ts";
import { runPathOf } from "../definitions/workflow_graph.ts";
import type { WorkflowDefinition } from "../definitions/types.ts";
import { OrchestratorError, UnknownWorkflowError } from "../errors.ts";
import { readHistory } from "../store/stored_run.ts";
import { workflowMermaid } from "./mermaid.ts";
import { openRuns } from "./runs.ts";

/**
 * The definition `name` of `registry`.
 * @throws {UnknownWorkflowError} naming the `list` command (not the MCP tool) for the names
 */
function definitionNamed(registry: DefinitionRegistry, name: string): WorkflowDefinition {
  try {
    return registry.get(name);
  } catch (error) {
    if (!(error instanceof UnknownWorkflowError)) throw error;
    throw new UnknownWorkflowError(name, error.available, `'list' shows them.`);
  }
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
    checkDefinitionsDir(config.definitionsDir);
    console.log(
      workflowMermaid(definitionNamed(new DefinitionRegistry(config.definitionsDir), name)),
    );
    return 0;
  }
  const runs = await openRuns(config);
  try {
    const instance = await runs.instance(instanceId);
    if (name !== undefined && name !== instance.workflowName) {
      throw new OrchestratorError(
        `Run '${instanceId}' belongs to ${instance.workflowName}, not ${name}: run ` +
          `'graph ${instance.workflowName} --instance ${instanceId}'.`,
      );
    }
    // Draw the version the run used, which may differ from the files on disk now.
    const definition = await runs.pinned.forRun(instance);
    console.log(
      workflowMermaid(definition, runPathOf(instance, await readHistory(runs.store, instance))),
    );
    return 0;
  } finally {
    await runs.close();
  }
}
