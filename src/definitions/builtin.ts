/**
 * Where the built-in workflows live, and the rule for using them. With `deno run` the folder is
 * the repository's `workflows/`; in a binary from `deno compile --include workflows` the same URL
 * resolves inside the binary's embedded (read-only) file system, so one code path serves both.
 *
 * @example
 * ```ts
 * const dir = defaultDefinitionsDir(); // "./workflows" when it exists, else the built-ins
 * ```
 * @module
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the built-in workflows shipped with the server (embedded in the binary). */
export const BUILTIN_WORKFLOWS_DIR = fileURLToPath(new URL("../../workflows", import.meta.url));

/** The conventional definitions folder, relative to the working directory. */
const LOCAL_WORKFLOWS_DIR = "./workflows";

/**
 * The definitions directory when none is configured: `./workflows` if it exists in the working
 * directory (the seed's default), otherwise the built-in workflows.
 * @throws {Deno.errors.NotCapable} reading `./workflows` is not permitted (the caller reports it)
 */
export function defaultDefinitionsDir(cwd: string = Deno.cwd()): string {
  const local = resolve(cwd, LOCAL_WORKFLOWS_DIR);
  try {
    if (Deno.statSync(local).isDirectory) return local;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return BUILTIN_WORKFLOWS_DIR;
}
