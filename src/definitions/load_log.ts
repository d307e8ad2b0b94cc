/**
 * The server's log lines about workflow definitions: an invalid workflow found (each problem as
 * `file:line`) and a workflow reloaded after its files changed, at `info`.
 *
 * @example
 * ```ts
 * new DefinitionRegistry("./workflows", { onLoad: logDefinitionLoad });
 * ```
 * @module
 */
import { formatIssue } from "../errors.ts";
import { log } from "../log.ts";
import type { WorkflowEntry } from "./types.ts";

/** Log `entry` as found invalid, or as reloaded (`reloaded`), or not at all (a first valid load). */
export function logDefinitionLoad(entry: WorkflowEntry, reloaded: boolean): void {
  if (!entry.valid) {
    const problems = entry.errors.map(formatIssue);
    log.info(
      `workflow ${entry.name} is invalid, it cannot be started until fixed: ${problems.join("; ")}`,
      { workflow: entry.name, problems: problems.length },
    );
    return;
  }
  if (reloaded) {
    log.info(`workflow ${entry.name} reloaded: its files changed`, { workflow: entry.name });
  }
}
