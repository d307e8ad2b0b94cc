/**
 * The one source of the launcher's permission flags is `deno.json`'s `start` task. This module
 * turns such a task into the arguments of `deno`, so that the npm package's bin (plain Node.js)
 * and the tests run exactly what `deno task start` runs.
 *
 * A task grants `--allow-run` for the running Deno binary only: `deno task` fills in
 * `Deno.execPath()` (Deno matches `--allow-run` paths exactly, without following symlinks, and
 * the `deno` on PATH is often a link, as `npx deno` and `npm install -g deno` make it).
 *
 * @example
 * ```js
 * import { taskArgs } from "./task_args.mjs";
 * taskArgs('deno run --allow-read "--allow-run=$(deno eval ...)" x.ts', "/opt/deno");
 * // ["run", "--allow-read", "--allow-run=/opt/deno", "x.ts"]
 * ```
 * @module
 */

/** How a task grants `--allow-run` for the Deno binary that runs it (a `deno task` substitution). */
export const EXEC_PATH_GRANT =
  `"--allow-run=$(deno eval --no-config 'console.log(Deno.execPath())')"`;

/**
 * The arguments after `deno` of a task that is one plain `deno …` command, with
 * `EXEC_PATH_GRANT` replaced by `--allow-run=<denoPath>`. Throws on anything else (other shell
 * syntax, another program), so that a changed task cannot be run half-understood.
 *
 * @param {string} task the task's command line, as written in `deno.json`
 * @param {string} denoPath the absolute path of the Deno binary that will run the arguments
 * @returns {string[]}
 */
export function taskArgs(task, denoPath) {
  const parts = task.split(EXEC_PATH_GRANT);
  if (parts.length > 2) throw new Error(`the task grants the Deno binary twice: ${task}`);
  const words = parts.map((part) => part.trim().split(/\s+/).filter((word) => word !== ""));
  const args = parts.length === 1
    ? words[0]
    : [...words[0], `--allow-run=${denoPath}`, ...words[1]];
  const shellSyntax = args.find((word) => /["'$`|&;<>()\\]/.test(word));
  if (args[0] !== "deno" || shellSyntax !== undefined) {
    throw new Error(
      `expected one plain 'deno …' command${
        shellSyntax === undefined ? "" : ` (found '${shellSyntax}')`
      }: ${task}`,
    );
  }
  return args.slice(1);
}
