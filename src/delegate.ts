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
 * it (as SIGTERM would) when whoever started us is gone, and exit with its exit code. A database
 * URL given as `--db-url` goes to it as `WORKFLOW_DB_URL` instead, so its password is not on the
 * child's command line (which `ps` shows every user).
 */
export async function delegateToDeno(args: string[]): Promise<never> {
  const { args: shown, dbUrl } = withoutDbUrl(args);
  const child = new Deno.Command(Deno.execPath(), {
    args: shown,
    ...dbUrl === undefined ? {} : { env: { WORKFLOW_DB_URL: dbUrl } },
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

/** `args` without its `--db-url URL` (or `--db-url=URL`), and that URL (the last one given). */
export function withoutDbUrl(args: readonly string[]): { args: string[]; dbUrl?: string } {
  const kept: string[] = [];
  let dbUrl: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      kept.push(...args.slice(i));
      break;
    }
    if (arg === "--db-url" && i + 1 < args.length) dbUrl = args[++i];
    else if (arg.startsWith("--db-url=")) dbUrl = arg.slice("--db-url=".length);
    else kept.push(arg);
  }
  return dbUrl === undefined ? { args: kept } : { args: kept, dbUrl };
}
