/**
 * The one source of the launcher's permission flags is `deno.json`'s `cli` task (and of the
 * one-process start's, its `start` task). This module turns such a task into the arguments of
 * `deno`, so that the npm package's bin (plain Node.js) and the tests run exactly what
 * `deno task cli` and `deno task start` run.
 *
 * The launcher's task grants `--allow-run` for the running Deno binary only: `deno task`
 * substitutes `Deno.execPath()` (Deno matches `--allow-run` paths exactly, without following
 * symlinks, and the `deno` on PATH is often a link, as `npx deno` and `npm install -g deno` make
 * it).
 *
 * @example
 * ```js
 * import { taskArgs } from "./task_args.mjs";
 * taskArgs(`deno run --allow-read "--allow-run=$(deno eval …)" x.ts`, "/opt/deno");
 * // ["run", "--allow-read", "--allow-run=/opt/deno", "x.ts"] (with the whole substitution)
 * ```
 * @module
 */

/** The `deno task` substitution that stands for the path of the Deno binary running the task. */
export const DENO_EXEC_PATH = "$(deno eval --no-config 'console.log(Deno.execPath())')";

/** A word: unquoted characters and double-quoted runs (which may hold spaces). */
const WORD = /(?:"[^"]*"|[^\s"])+/g;
/** Shell syntax this reader does not run (outside `DENO_EXEC_PATH`). */
const SHELL_SYNTAX = /["'$`|&;<>()\\*?]/;

/**
 * The arguments after `deno` of a task that is one plain `deno …` command, each
 * `DENO_EXEC_PATH` replaced by `denoPath`. Throws on anything else (other shell syntax, another
 * program), so that a changed task cannot be run half-understood.
 *
 * @param {string} task the task's command line, as written in `deno.json`
 * @param {string} denoPath the absolute path of the Deno binary that will run the arguments
 * @returns {string[]}
 */
export function taskArgs(task, denoPath) {
  const words = task.match(WORD) ?? [];
  const unreadable = (found) =>
    new Error(
      `expected one plain 'deno …' command (found '${found}'): ${task}`,
    );
  if (task.replace(WORD, "").trim() !== "") throw unreadable('"');
  const args = words.map((word) => {
    const parts = word.replaceAll('"', "").split(DENO_EXEC_PATH);
    const syntax = parts.join(" ").match(SHELL_SYNTAX);
    if (syntax) throw unreadable(syntax[0]);
    return parts.join(denoPath);
  });
  if (args[0] !== "deno") throw unreadable(args[0] ?? "");
  return args.slice(1);
}
