/**
 * `import FILE` (`-` for stdin): copy a run exported by `export ID` (JSON) into the configured
 * store, SQLite or PostgreSQL, exactly as it was (ids, versions, timestamps, history, pinned
 * definition), in one transaction. A run whose id is already there is reported and skipped.
 *
 * @example
 * ```ts
 * Deno.exitCode = await importCommand(config, "./run.json");
 * ```
 * @module
 */
import type { Config } from "../config.ts";
import { OrchestratorError } from "../errors.ts";
import { openStore } from "../store/open.ts";
import { parseRunFile } from "./run_file.ts";

/**
 * The text of `file`, or of stdin for `-`.
 * @throws {OrchestratorError} the file does not exist or is not a file
 */
async function readInput(file: string): Promise<string> {
  if (file === "-") return await new Response(Deno.stdin.readable).text();
  try {
    return await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.IsADirectory) {
      throw new OrchestratorError(
        `Cannot import ${file}: no such file. Give the path of a file written by 'export ID', ` +
          "or - to read it from standard input.",
      );
    }
    throw error;
  }
}

/** Import the run in `file`, print what was done, and return the exit code. */
export async function importCommand(config: Config, file: string | undefined): Promise<number> {
  if (file === undefined) {
    throw new OrchestratorError("Name the file: import FILE (or - for standard input).");
  }
  const run = parseRunFile(await readInput(file), file === "-" ? "standard input" : file);
  const { id, workflowName, status } = run.instance;
  const store = await openStore(config);
  try {
    if (await store.importRun(run)) {
      console.log(
        `Imported run ${id} (${workflowName}, ${status}, ${run.history.length} history ` +
          `entries) into ${store.location}.`,
      );
    } else {
      console.log(`Run ${id} is already in ${store.location}; skipped (nothing was changed).`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
