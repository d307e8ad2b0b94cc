/**
 * The PostgreSQL section of the bench: the server it measures on (`WORKFLOW_BENCH_DB_URL`, or a
 * throwaway cluster it starts and removes), a throwaway database on it per measurement, and the
 * rows of `postgres_overhead.ts` and `postgres_scale.ts`. Without PostgreSQL, its rows are printed
 * as skipped with the reason.
 *
 * @example
 * ```ts
 * const rows = await measurePostgres(workflowsDir, tempDir);
 * ```
 * @module
 */
import postgres from "postgres";
import { databaseTarget, driverOptions } from "../src/store/postgres/open.ts";
import { findPostgresBinaries, startPostgresCluster } from "../scripts/postgres_cluster.ts";
import { measurePostgresOverhead } from "./postgres_overhead.ts";
import { measurePostgresScale } from "./postgres_scale.ts";
import { type Row, skippedRow } from "./report.ts";

/** A PostgreSQL server to measure on (superuser, or allowed to create databases). */
interface BenchServer {
  url: string;
  /** Where it came from, for the log. */
  origin: string;
  /** Whether the bench started it (then `stop` removes it, databases and all). */
  owned: boolean;
  /** Stops and removes it if the bench started it. */
  stop(): Promise<void>;
}

/** The server `WORKFLOW_BENCH_DB_URL` names, or a new throwaway cluster; a string says why none. */
async function benchServer(): Promise<BenchServer | string> {
  const url = Deno.env.get("WORKFLOW_BENCH_DB_URL");
  if (url) {
    const { location } = databaseTarget(url);
    const origin = `WORKFLOW_BENCH_DB_URL (${location})`;
    return { url, origin, owned: false, stop: () => Promise.resolve() };
  }
  const binaries = await findPostgresBinaries();
  if (!binaries) {
    return "PostgreSQL not found (initdb and pg_ctl on PATH or in /usr/lib/postgresql/*/bin); " +
      "install it or set WORKFLOW_BENCH_DB_URL";
  }
  try {
    const cluster = await startPostgresCluster(binaries);
    const origin = `a throwaway cluster of ${binaries.binDir}`;
    return { url: cluster.url, origin, owned: true, stop: () => cluster.stop() };
  } catch (error) {
    return `starting PostgreSQL failed: ${String(error).split("\n")[0]}`;
  }
}

/** A database of its own on the server; disposing it drops it (unless the server goes too). */
interface BenchDatabase extends AsyncDisposable {
  url: string;
}

/** One connection, as the store connects (every driver option given: no `PG*` variable read). */
function adminConnection(url: string): postgres.Sql {
  return postgres(driverOptions(databaseTarget(url), { poolSize: 1 }));
}

async function createDatabase(server: BenchServer, purpose: string): Promise<BenchDatabase> {
  const serverUrl = server.url;
  const name = `orch_bench_${purpose}_${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
  const admin = adminConnection(serverUrl);
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } catch (error) {
    throw new Error(
      `Cannot create the throwaway database ${name} on ${server.origin}: ` +
        `${(error as Error).message}. The server must be reachable and the URL's role allowed ` +
        "to CREATE DATABASE (e.g. a superuser).",
      { cause: error },
    );
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async [Symbol.asyncDispose]() {
      // DROP DATABASE waits for a checkpoint: seconds after seeding, for a cluster about to go.
      if (server.owned) return;
      const admin = adminConnection(serverUrl);
      try {
        await admin.unsafe(`DROP DATABASE ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** Stop the cluster on Ctrl-C (pg_ctl started it in a session of its own: it would outlive us). */
function stopOnSignal(server: BenchServer): () => void {
  const signals = ["SIGINT", "SIGTERM"] as const;
  const listener = () => void server.stop().finally(() => Deno.exit(130));
  for (const signal of signals) Deno.addSignalListener(signal, listener);
  return () => signals.forEach((signal) => Deno.removeSignalListener(signal, listener));
}

/** Run one part of the section and log how long it took. */
async function step(title: string, part: () => Promise<void>): Promise<void> {
  const started = performance.now();
  await part();
  console.error(`  PostgreSQL ${title}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** Advance latency and throughput over stdio, replicas, and scale, all on PostgreSQL. */
export async function measurePostgres(workflowsDir: string, tempDir: string): Promise<Row[]> {
  const server = await benchServer();
  if (typeof server === "string") {
    return [
      skippedRow("PostgreSQL: advance_workflow over stdio vs its floor, replicas", server),
      skippedRow("PostgreSQL: status and listing at 1,000,000 history rows", server),
    ];
  }
  console.error(`  PostgreSQL: ${server.origin}`);
  const removeListeners = stopOnSignal(server);
  try {
    const rows: Row[] = [];
    await step("over stdio", async () => {
      await using db = await createDatabase(server, "stdio");
      rows.push(...await measurePostgresOverhead(workflowsDir, tempDir, db.url));
    });
    await step("at scale", async () => {
      await using small = await createDatabase(server, "small");
      await using big = await createDatabase(server, "big");
      rows.push(...await measurePostgresScale(workflowsDir, small.url, big.url));
    });
    return rows;
  } finally {
    removeListeners();
    await server.stop();
  }
}
