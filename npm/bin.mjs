#!/usr/bin/env node
/**
 * `npx -y orchestrator-mcp-server [serve options]`: runs the server the way `deno task start` does
 * when the configuration moves something (clients configure `WORKFLOW_DB_PATH`) —
 * `scripts/launch.ts serve` with the permission flags of the `cli` task in the package's own
 * `deno.json`, which then runs the server with exactly what it needs — on the Deno binary of the
 * `deno` npm package (a dependency, so no Deno install is needed), from a copy of the package's
 * `app/` folder (see `app_dir.mjs`). Arguments are passed
 * on (e.g. `--http 127.0.0.1:8808`); stdin, stdout and stderr are the server's; SIGINT, SIGTERM
 * and SIGHUP reach it; its exit code (or the signal that ended it) is ours. The working directory
 * stays the caller's, so relative paths and `./workflows` mean what they mean to the user.
 * @module
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import process from "node:process";
import { appDir } from "./app_dir.mjs";
import { taskArgs } from "./task_args.mjs";

/**
 * The real path of the `deno` package's binary. Its install script links the binary for this
 * platform into the package; with install scripts off (`--ignore-scripts`) the package's own
 * installer finds it in `@deno/<platform>`. The real path, because that is what the launcher's
 * `Deno.execPath()` reports and Deno compares `--allow-run` paths without following links.
 */
function denoBinary() {
  const require = createRequire(import.meta.url);
  const denoPackage = dirname(require.resolve("deno/package.json"));
  const linked = join(
    denoPackage,
    process.platform === "win32" ? "deno.exe" : "deno",
  );
  return realpathSync(
    existsSync(linked) ? linked : require("deno/install_api.cjs").runInstall(),
  );
}

/** `deno run <the cli task's flags> <app>/scripts/launch.ts serve <our arguments>`. */
function launcherArgs(app, deno) {
  const { tasks } = JSON.parse(readFileSync(join(app, "deno.json"), "utf8"));
  const args = taskArgs(tasks.cli, deno);
  const script = args.findIndex((arg, i) => i > 0 && !arg.startsWith("-"));
  if (args[0] !== "run" || script < 0) {
    throw new Error(
      `deno.json's cli task is not 'deno run … SCRIPT': ${tasks.cli}`,
    );
  }
  args[script] = join(app, args[script]);
  return [...args, "serve", ...process.argv.slice(2)];
}

function main() {
  const deno = denoBinary();
  const child = spawn(
    deno,
    launcherArgs(appDir(new URL("../app", import.meta.url)), deno),
    {
      stdio: "inherit",
    },
  );
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => child.kill(signal));
  }
  child.on("error", (error) => {
    console.error(
      `[orchestrator] error: could not start ${deno}: ${error.message}`,
    );
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    if (code !== null) process.exit(code);
    // Ended by a signal: end the same way, so that whoever started us sees it.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  });
}

try {
  main();
} catch (error) {
  console.error(
    `[orchestrator] error: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}
