/**
 * The `ui` command as a child process for tests: spawned with the launcher's permission flags for
 * its configuration (a `WORKFLOW_DB_URL` in `env` grants its database host), and the one-time URL
 * it printed.
 * @module
 */
import type { EnvVar } from "../../src/env_vars.ts";
import { commandFlags } from "../../src/cli/command_permissions.ts";
import { BUILTIN_WORKFLOWS, serverArgs } from "../helpers/server.ts";
import { deadline } from "../helpers/wait.ts";

/** A running `ui` command. */
export interface UiProcess {
  child: Deno.ChildProcess;
  /** The one-time log-in URL it printed. */
  url: string;
  /** The rest of its standard output, to cancel when done. */
  lines: ReadableStreamDefaultReader<string>;
}

/** Start `ui --http bind` on `dbPath` (or `env.WORKFLOW_DB_URL`); resolves once it printed its URL. */
export async function startUi(
  dbPath: string,
  bind: string,
  env: Partial<Record<EnvVar, string>> = {},
): Promise<UiProcess> {
  const command = ["ui", "--http", bind];
  const child = new Deno.Command(Deno.execPath(), {
    args: serverArgs(BUILTIN_WORKFLOWS, dbPath, [], { provider: "stub", env }, {
      command,
      flags: (config) => commandFlags(config, ["ui"], { http: bind }) ?? [],
    }),
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let printed = "";
  const url = await deadline(
    (async () => {
      for (;;) {
        const { value, done } = await lines.read();
        if (done) throw new Error(`ui exited before printing its URL:\n${printed}`);
        printed += value;
        const match = /Dashboard: (http:\S+)/.exec(printed);
        if (match) return match[1]!;
      }
    })(),
    30_000,
    "the ui command's URL",
  );
  return { child, url, lines };
}
