/**
 * `list`: the workflows of the definitions directory with their step count, validity and
 * description.
 *
 * @example
 * ```ts
 * listCommand("./workflows", { json: false });
 * ```
 * @module
 */
import { DefinitionRegistry } from "../definitions/registry.ts";
import { checkDefinitionsDir } from "../definitions/root_dir.ts";
import { formatTable } from "./table.ts";

/**
 * Print the workflows in `dir` as a table (or JSON) and return the exit code (0).
 * @throws {OrchestratorError} `dir` does not exist or is a file
 */
export function listCommand(dir: string, options: { json: boolean }): number {
  checkDefinitionsDir(dir);
  const workflows = new DefinitionRegistry(dir).list().map((entry) =>
    entry.valid
      ? {
        name: entry.name,
        valid: true,
        steps: entry.definition.steps.map((s) => s.name),
        description: entry.definition.description,
      }
      : { name: entry.name, valid: false, steps: entry.steps, description: entry.description }
  );
  if (options.json) {
    console.log(JSON.stringify({ workflows }, null, 2));
  } else if (workflows.length === 0) {
    console.log(`No workflow folders in ${dir}.`);
  } else {
    console.log(formatTable(
      ["NAME", "STEPS", "VALID", "DESCRIPTION"],
      workflows.map((w) => [w.name, String(w.steps.length), w.valid ? "yes" : "NO", w.description]),
    ));
    if (workflows.some((w) => !w.valid)) console.log(`\nRun 'validate' to see what to fix.`);
  }
  return 0;
}
