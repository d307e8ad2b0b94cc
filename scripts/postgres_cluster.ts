/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a temp folder, `postgres` on a free
 * 127.0.0.1 port (socket in the same folder, `fsync=on`, `max_connections=200`), one database
 * `orchestrator_test`, and `stop()` that removes it all. As root, the server runs as the `postgres`
 * OS user (PostgreSQL refuses root).
 *
 * @example
 * ```ts
 * await using cluster = await startPostgresCluster();
 * // connect to cluster.url; cluster.restart() for a fault test; the folder goes at scope end
 * ```
 * @module
 */
import { OrchestratorError } from "../src/errors.ts";

/** The database every cluster is created with (the one `url` names). */
export const TEST_DATABASE = "orchestrator_test";

/** How the server shuts down: `fast` (checkpoint, clean) or `immediate` (like a crash). */
export type ShutdownMode = "fast" | "immediate";

/** A running throwaway cluster. `await using` it (or call `stop()`) to remove it. */
export interface PostgresCluster extends AsyncDisposable {
  /** `postgres://postgres@127.0.0.1:PORT/orchestrator_test` (trust auth, no password). */
  readonly url: string;
  /** The data directory (inside the temp folder that `stop()` removes). */
  readonly dataDir: string;
  readonly port: number;
  /** `pg_ctl restart` (default `fast`); open connections are dropped, data is kept. */
  restart(mode?: ShutdownMode): Promise<void>;
  /** Stops the server (`immediate`: nothing is kept) and removes the folder; safe to call twice. */
  stop(): Promise<void>;
}

/** Where the PostgreSQL programs live (`findPostgresBinaries` finds them once for many clusters). */
export interface PostgresBinaries {
  readonly binDir: string;
}

/** The PostgreSQL programs are not installed where we look. */
export class PostgresNotFoundError extends OrchestratorError {
  override readonly code = "POSTGRES_NOT_FOUND";
  constructor() {
    super(
      "PostgreSQL not found (looked for pg_ctl and initdb on PATH and in " +
        "/usr/lib/postgresql/*/bin): install it with `apt-get install -y postgresql`, or set " +
        "WORKFLOW_TEST_SKIP_POSTGRES=1 to run the tests without it.",
    );
  }
}

/** initdb, pg_ctl or createdb failed; the message carries their output and the server log. */
export class PostgresClusterError extends OrchestratorError {
  override readonly code = "POSTGRES_CLUSTER";
}

const ATTEMPTS = 3; // a freed port can be taken by another process before postgres binds it

/** The directory holding pg_ctl and initdb: PATH first, then the highest /usr/lib/postgresql/N. */
export async function findPostgresBinaries(): Promise<PostgresBinaries | undefined> {
  const pgCtl = await findOnPath("pg_ctl");
  if (pgCtl && await hasPrograms(dirname(pgCtl))) return { binDir: dirname(pgCtl) };
  const versions = await listVersions("/usr/lib/postgresql");
  for (const version of versions.sort((a, b) => b - a)) {
    const binDir = `/usr/lib/postgresql/${version}/bin`;
    if (await hasPrograms(binDir)) return { binDir };
  }
  return undefined;
}

/**
 * Starts a new cluster in its own temp folder (about a second and a half: most of it is initdb).
 * Throws {@linkcode PostgresNotFoundError} when PostgreSQL is not installed.
 */
export async function startPostgresCluster(
  binaries?: PostgresBinaries,
): Promise<PostgresCluster> {
  const bin = binaries ?? await findPostgresBinaries();
  if (!bin) throw new PostgresNotFoundError();
  const root = await Deno.makeTempDir({ prefix: "orch-pg-" });
  let cluster: PostgresCluster;
  try {
    const runAs = await serverUser(root);
    await run(runAs, [`${bin.binDir}/initdb`, ...initdbArgs(`${root}/data`)], root);
    const port = await startOnFreePort(runAs, bin.binDir, root);
    cluster = clusterHandle(runAs, bin.binDir, root, port);
  } catch (error) {
    await Deno.remove(root, { recursive: true });
    throw error;
  }
  try {
    await run([], [`${bin.binDir}/createdb`, ...clientArgs(cluster.port), TEST_DATABASE], root);
    return cluster;
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

function initdbArgs(dataDir: string): string[] {
  // --no-sync only skips initdb's final flush of a folder we throw away; the server keeps fsync=on.
  return [
    ...["-D", dataDir, "-U", "postgres", "-E", "UTF8", "--no-locale", "--auth=trust"],
    ...["--no-sync", "--no-instructions"],
  ];
}

function clientArgs(port: number): string[] {
  return ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-w"];
}

/** Appends the settings to postgresql.conf (a later line wins), so `pg_ctl restart` keeps them. */
async function configure(root: string, port: number): Promise<void> {
  const settings = [
    "listen_addresses = '127.0.0.1'",
    `port = ${port}`,
    `unix_socket_directories = '${root}'`,
    "fsync = on",
    "max_connections = 200",
  ];
  await Deno.writeTextFile(`${root}/data/postgresql.conf`, `\n${settings.join("\n")}\n`, {
    append: true,
  });
}

async function startOnFreePort(runAs: string[], binDir: string, root: string): Promise<number> {
  for (let attempt = 1;; attempt++) {
    const port = freeLoopbackPort();
    await configure(root, port);
    await Deno.remove(`${root}/server.log`).catch(ignoreNotFound); // this attempt's log only
    try {
      await run(runAs, [`${binDir}/pg_ctl`, ...pgCtlArgs(root, "start")], root);
      return port;
    } catch (error) {
      const taken = /could not bind|Address already in use/.test(await serverLog(root));
      if (attempt >= ATTEMPTS || !taken) throw error;
    }
  }
}

function pgCtlArgs(root: string, command: string, mode?: ShutdownMode): string[] {
  const args = [command, "-D", `${root}/data`, "-l", `${root}/server.log`, "-w", "-t", "60"];
  return mode ? [...args, "-m", mode] : args;
}

function clusterHandle(
  runAs: string[],
  binDir: string,
  root: string,
  port: number,
): PostgresCluster {
  let stopped: Promise<void> | undefined;
  const stop = () =>
    stopped ??= stopIfRunning(runAs, binDir, root)
      .finally(() => Deno.remove(root, { recursive: true }));
  return {
    url: `postgres://postgres@127.0.0.1:${port}/${TEST_DATABASE}`,
    dataDir: `${root}/data`,
    port,
    restart: (mode = "fast") =>
      run(runAs, [`${binDir}/pg_ctl`, ...pgCtlArgs(root, "restart", mode)], root),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** A fault test may have killed the server already: `pg_ctl status` exits 3 when none runs. */
async function stopIfRunning(runAs: string[], binDir: string, root: string): Promise<void> {
  const status = await command(runAs, [`${binDir}/pg_ctl`, "status", "-D", `${root}/data`], root)
    .output();
  if (status.code === 3) return;
  await run(runAs, [`${binDir}/pg_ctl`, ...pgCtlArgs(root, "stop", "immediate")], root);
}

/**
 * The command prefix that runs the server's programs: none for a normal user; as root, `runuser`
 * to the `postgres` OS user, who then gets the folder.
 */
async function serverUser(root: string): Promise<string[]> {
  // The owner of a folder we just made is our uid (Deno.uid() would need --allow-sys).
  if ((await Deno.stat(root)).uid !== 0) return [];
  const account = (await Deno.readTextFile("/etc/passwd")).split("\n")
    .map((line) => line.split(":")).find((fields) => fields[0] === "postgres");
  if (!account) {
    throw new PostgresClusterError(
      "PostgreSQL refuses to run as root and there is no 'postgres' OS user: install the " +
        "postgresql package (it creates one) or run the tests as a non-root user.",
    );
  }
  const runuser = await findOnPath("runuser", ["/usr/sbin", "/sbin"]);
  if (!runuser) {
    throw new PostgresClusterError(
      "PostgreSQL refuses to run as root and `runuser` (util-linux) is not installed: install " +
        "it (`apt-get install -y util-linux`) or run the tests as a non-root user.",
    );
  }
  await Deno.chown(root, Number(account[2]), Number(account[3]));
  return [runuser, "-u", "postgres", "--"];
}

function command(prefix: string[], argv: string[], cwd: string): Deno.Command {
  const [program, ...args] = [...prefix, ...argv] as [string, ...string[]];
  // cwd: the postgres user may not be allowed into ours.
  return new Deno.Command(program, { args, cwd, stdin: "null" });
}

async function run(prefix: string[], argv: string[], cwd: string): Promise<void> {
  const { code, stdout, stderr } = await command(prefix, argv, cwd).output();
  if (code === 0) return;
  const log = await serverLog(cwd);
  const decoder = new TextDecoder();
  throw new PostgresClusterError(
    `${argv.join(" ")} exited with ${code}:\n${decoder.decode(stdout)}` +
      `${decoder.decode(stderr)}${log ? `\nserver log (${cwd}/server.log):\n${log}` : ""}`,
  );
}

/** The server's log so far ("" before pg_ctl made one). */
async function serverLog(root: string): Promise<string> {
  return await Deno.readTextFile(`${root}/server.log`).catch((error) =>
    ignoreNotFound(error) ?? ""
  );
}

function ignoreNotFound(error: unknown): undefined {
  if (!(error instanceof Deno.errors.NotFound)) throw error;
}

/** A port nobody listens on now: bind port 0 on 127.0.0.1, read the port, close. */
function freeLoopbackPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function hasPrograms(binDir: string): Promise<boolean> {
  for (const program of ["pg_ctl", "initdb", "createdb", "postgres"]) {
    if (!await realPath(`${binDir}/${program}`)) return false;
  }
  return true;
}

/** The real path of `program` in the first PATH folder (then `extraDirs`) that has it. */
async function findOnPath(program: string, extraDirs: string[] = []): Promise<string | undefined> {
  const dirs = [...(Deno.env.get("PATH") ?? "").split(":").filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const found = await realPath(`${dir}/${program}`);
    if (found) return found;
  }
  return undefined;
}

async function realPath(path: string): Promise<string | undefined> {
  try {
    return await Deno.realPath(path);
  } catch (error) {
    // Missing, or in a folder we may not enter (a PATH entry of another user): not there for us.
    const absent = [Deno.errors.NotFound, Deno.errors.NotADirectory, Deno.errors.PermissionDenied];
    if (absent.some((kind) => error instanceof kind)) return undefined;
    throw error;
  }
}

async function listVersions(dir: string): Promise<number[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir))).map((entry) => Number(entry.name))
      .filter((version) => Number.isFinite(version));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf("/"));
}
