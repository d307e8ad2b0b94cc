/**
 * Handing the terminal to a `deno` child process: the launchers (`scripts/launch.ts`,
 * `bench/launch.ts`) work out the permission flags, then run the real program with them.
 *
 * @example
 * ```ts
 * await delegateToDeno(["run", "--no-prompt", "--allow-read=/w", "main.ts"]);
 * ```
 * @module
 */

/**
 * Run `deno args…` on our stdin, stdout and stderr, pass SIGINT and SIGTERM on to it, and exit
 * with its exit code.
 */
export async function delegateToDeno(args: string[]): Promise<never> {
  const child = new Deno.Command("deno", {
    args,
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => child.kill(signal));
  }
  Deno.exit((await child.status).code);
}
