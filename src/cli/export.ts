/**
 * `export ID [--format json|md]`: the whole run (instance, every history entry, the pinned
 * definition) on stdout, as the JSON file `import` reads back into either backend (the default)
 * or as a Markdown report for sharing or an audit.
 *
 * @example
 * ```ts
 * Deno.exitCode = await exportCommand(config, "0b6e…", "md");
 * ```
 * @module
 */
import type { Config } from "../config.ts";
import { OrchestratorError } from "../errors.ts";
import { toRunFile } from "./run_file.ts";
import { runMarkdown } from "./run_markdown.ts";
import { readStoredRun } from "./show.ts";

/** The formats `export` writes. */
const FORMATS = ["json", "md"] as const;

/** Print the run in `format` (default json) and return the exit code. */
export async function exportCommand(
  config: Config,
  id: string | undefined,
  format: string = "json",
): Promise<number> {
  const chosen = format.toLowerCase() === "markdown" ? "md" : format.toLowerCase();
  if (!(FORMATS as readonly string[]).includes(chosen)) {
    throw new OrchestratorError(
      `--format '${format}' is not an export format: use json (for import) or md (a report).`,
    );
  }
  const run = await readStoredRun(config, id, "export ID [--format json|md]");
  console.log(
    chosen === "md" ? runMarkdown(run).trimEnd() : JSON.stringify(toRunFile(run), null, 2),
  );
  return 0;
}
