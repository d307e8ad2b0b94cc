/**
 * `deno task test`: runs `deno test` with `WORKFLOW_TEST_DB_URL` naming a throwaway PostgreSQL
 * cluster that this runner starts before and removes after, whatever happens (also on SIGINT and
 * SIGTERM). An already set `WORKFLOW_TEST_DB_URL` is used as it is; `WORKFLOW_TEST_SKIP_POSTGRES=1`
 * runs the tests without a database. Arguments replace the default `tests/`. `deno test`'s output
 * goes to stdout unchanged (CI reads its summary line); this runner writes only to stderr.
 *
 * @example
 * ```sh
 * deno task test tests/store/ --filter postgres
 * ```
 * @module
 */
import {
  type PostgresCluster,
  PostgresNotFoundError,
  startPostgresCluster,
} from "./postgres_cluster.ts";

/** The permissions every test file runs with. */
const TEST_FLAGS = [
  "--frozen",
  "--no-prompt",
  "--allow-env",
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--allow-net=127.0.0.1",
  // playwright-core (the dashboard's browser tests) asks for these when it loads.
  "--allow-sys=homedir,osRelease",
];

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
let child: Deno.ChildProcess | undefined;
let interruptedBy: keyof typeof SIGNAL_EXIT_CODES | undefined;

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  // Our own listener, so that we live to stop the cluster (pg_ctl put it in its own session).
  Deno.addSignalListener(signal, () => {
    interruptedBy ??= signal;
    try {
      child?.kill(signal);
    } catch {
      // It has exited already; its status is on its way.
    }
  });
}

const cluster = await databaseForTests();
let code = 1;
try {
  code = interruptedBy
    ? SIGNAL_EXIT_CODES[interruptedBy]
    : await runTests(cluster?.url ?? Deno.env.get("WORKFLOW_TEST_DB_URL"));
} finally {
  await stopCluster(cluster);
}
Deno.exit(code);

/** The cluster this runner owns, or none (a URL given, or PostgreSQL skipped). Exits when absent. */
async function databaseForTests(): Promise<PostgresCluster | undefined> {
  if (Deno.env.get("WORKFLOW_TEST_DB_URL")) return undefined;
  if (Deno.env.get("WORKFLOW_TEST_SKIP_POSTGRES") === "1") {
    log("WORKFLOW_TEST_SKIP_POSTGRES=1: running without PostgreSQL");
    return undefined;
  }
  const started = performance.now();
  try {
    const cluster = await startPostgresCluster();
    log(`PostgreSQL on 127.0.0.1:${cluster.port}, started in ${seconds(started)}`);
    return cluster;
  } catch (error) {
    log(error instanceof PostgresNotFoundError ? error.message : String(error));
    Deno.exit(1);
  }
}

async function runTests(databaseUrl: string | undefined): Promise<number> {
  child = new Deno.Command(Deno.execPath(), {
    args: ["test", ...TEST_FLAGS, ...(Deno.args.length ? Deno.args : ["tests/"])],
    env: databaseUrl ? { WORKFLOW_TEST_DB_URL: databaseUrl } : {},
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  return (await child.status).code;
}

async function stopCluster(cluster: PostgresCluster | undefined): Promise<void> {
  if (!cluster) return;
  const started = performance.now();
  await cluster.stop();
  log(`PostgreSQL stopped and removed in ${seconds(started)}`);
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

function log(message: string): void {
  console.error(`[test] ${message}`);
}
