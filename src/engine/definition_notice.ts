/**
 * The notice a step response carries when the workflow's files changed (or broke) since the run
 * started: the run keeps the version it started with, and the client is told so.
 *
 * @example
 * ```ts
 * import { addDefinitionNotice } from "./definition_notice.ts";
 * addDefinitionNotice(definitions, response, instance); // sets response.definition_notice if needed
 * ```
 * @module
 */
import type { Definitions } from "../definitions/types.ts";
import type { Instance } from "../store/types.ts";
import type { StepResponse } from "./responses.ts";

/** Tell the client, in `response`, when the workflow's files changed since the run started. */
export function addDefinitionNotice(
  definitions: Definitions,
  response: StepResponse,
  instance: Instance,
): void {
  let current: string;
  try {
    current = definitions.get(instance.workflowName).hash;
  } catch (error) {
    response.definition_notice = `Workflow '${instance.workflowName}' can no longer be loaded ` +
      `(${(error as Error).message.split("\n")[0]}); this run continues with the version it ` +
      `started with.`;
    return;
  }
  if (current !== instance.definitionHash) {
    response.definition_notice = `Workflow '${instance.workflowName}' changed on disk since this ` +
      `run started; the run continues with the version it started with. Start a new run to use ` +
      `the new version.`;
  }
}
