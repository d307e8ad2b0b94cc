/**
 * `deno task bench`: runs `bench/main.ts` with the permissions this machine's bench needs and no
 * more. The PostgreSQL programs are granted by their absolute paths, which depend on the installed
 * version (Deno matches `--allow-run` paths exactly, and `pg_ctl` on PATH is often a link to them),
 * so they are found here, as `scripts/launch.ts` derives the server's flags from its configuration.
 *
 * @example
 * ```sh
 * deno task bench                                          # starts a throwaway cluster
 * WORKFLOW_BENCH_DB_URL=postgres://postgres@127.0.0.1:5432/postgres deno task bench
 * ```
 * @module
 */
import { fileURLToPath } from "node:url";
import { LIBRARY_ENV_VARS } from "../src/env_vars.ts";
import { databaseHost } from "../src/permissions.ts";
import { delegateToDeno } from "../src/delegate.ts";
import { findPostgresBinaries } from "../scripts/postgres_cluster.ts";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

/**
 * Variables the bench may read: those the SDK passes to the servers it spawns (`HOME` … `USER`) and
 * reads to spawn them (`OSTYPE`, `PATHEXT`, `NODE_V8_COVERAGE`), the libraries' own
 * (`LIBRARY_ENV_VARS`), and `WORKFLOW_BENCH_DB_URL`.
 */
const ENV = [
  ...["HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER", "OSTYPE", "PATHEXT", "NODE_V8_COVERAGE"],
  ...LIBRARY_ENV_VARS,
  "WORKFLOW_BENCH_DB_URL",
];

/** Whether `program` is in a folder on PATH. */
function onPath(program: string): boolean {
  return (Deno.env.get("PATH") ?? "").split(":").some((dir) => {
    try {
      return Deno.statSync(`${dir}/${program}`).isFile;
    } catch {
      return false;
    }
  });
}

/**
 * This Deno binary for the servers under test; with no `WORKFLOW_BENCH_DB_URL`, what starting and stopping
 * a cluster runs: `initdb`, `pg_ctl`, `createdb`, and `runuser` (as root, the server must run as
 * the `postgres` OS user).
 */
async function programs(dbUrl: string | undefined): Promise<string[]> {
  const binaries = dbUrl ? undefined : await findPostgresBinaries();
  if (!binaries) return [Deno.execPath()];
  const postgres = ["initdb", "pg_ctl", "createdb"].map((name) => `${binaries.binDir}/${name}`);
  return [Deno.execPath(), ...postgres, ...(onPath("runuser") ? ["runuser"] : [])];
}

if (import.meta.main) {
  const dbUrl = Deno.env.get("WORKFLOW_BENCH_DB_URL") || undefined;
  await delegateToDeno([
    "run",
    "--no-prompt",
    "--allow-read",
    "--allow-write",
    `--allow-run=${(await programs(dbUrl)).join(",")}`,
    // The given server only; else the cluster's port, free on 127.0.0.1 when it starts.
    `--allow-net=${dbUrl ? databaseHost({ dbUrl }) : "127.0.0.1"}`,
    `--allow-env=${ENV.join(",")}`,
    MAIN,
    ...Deno.args,
  ]);
}
