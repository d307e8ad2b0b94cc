/**
 * Handing the terminal to a child Deno: the launchers (`scripts/launch.ts`, `bench/launch.ts`, and
 * `main.ts` when `deno task start` did not grant what its configuration needs) work out the
 * permission flags, then run the real program with them, on the very Deno binary that runs the
 * launcher (`Deno.execPath()`, which their task grants by `--allow-run`), whatever `deno` is on
 * PATH. The launcher gives up every permission it holds as soon as the child is started.
 *
 * @example
 * ```ts
 * await delegateToDeno(["run", "--no-prompt", "--allow-read=/w", "main.ts"]);
 * ```
 * @module
 */
import { onParentExit } from "./parent_watch.ts";

/**
 * Run `<this Deno> args…` on our stdin, stdout and stderr, pass SIGINT and SIGTERM on to it, stop
 * it (as SIGTERM would) when whoever started us is gone, and exit with its exit code.
 */
export async function delegateToDeno(args: string[]): Promise<never> {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  // From here on we only pass signals and wait: nothing to read, write, reach or start.
  for (const name of ["run", "read", "write", "net", "env", "sys", "ffi"] as const) {
    Deno.permissions.revokeSync({ name });
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => child.kill(signal));
  }
  // Our parent (`deno task`, a shell, an MCP client) exited, even by SIGKILL: stop the child.
  onParentExit(Deno.ppid, () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // It has already exited.
    }
  });
  Deno.exit((await child.status).code);
}
