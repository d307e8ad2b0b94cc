/**
 * The workflow definitions directory itself: whether the configured path is one. The commands that
 * read it (`validate`, `list`, `graph`) refuse a path that is missing or a file, and the server
 * refuses a file at start-up; a missing folder only warns there, since workflows appear in it
 * without a restart once it is created.
 *
 * @example
 * ```ts
 * import { checkDefinitionsDir } from "./root_dir.ts";
 * checkDefinitionsDir("./workflows"); // throws unless it is a folder
 * ```
 * @module
 */
import { OrchestratorError } from "../errors.ts";

/** What is wrong with `dir` as the definitions directory, or `undefined` when it is a folder. */
export function definitionsDirProblem(dir: string): "missing" | "file" | undefined {
  try {
    return Deno.statSync(dir).isDirectory ? undefined : "file";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return "missing";
    }
    throw error;
  }
}

/** The fix for a definitions directory that is not a folder. */
const WHAT_TO_PASS = "pass the workflow definitions directory (the folder that holds one folder " +
  "per workflow)";

/**
 * Refuse `dir` unless it is a folder.
 * @throws {OrchestratorError} it does not exist, or is a file: naming it and the fix
 */
export function checkDefinitionsDir(dir: string): void {
  const problem = definitionsDirProblem(dir);
  if (problem === "missing") {
    throw new OrchestratorError(`'${dir}' does not exist: ${WHAT_TO_PASS}.`);
  }
  if (problem === "file") {
    throw new OrchestratorError(`'${dir}' is a file, not a directory: ${WHAT_TO_PASS}.`);
  }
}
