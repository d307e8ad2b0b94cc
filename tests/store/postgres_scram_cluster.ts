/**
 * A small private PostgreSQL cluster that checks passwords (scram-sha-256 over TCP), for the tests
 * the shared trust-auth test server cannot host: a wrong password, and the server going away and
 * coming back (stopped and started, or restarted). `initdb` into a temp folder, the superuser `postgres` with the given password, a
 * free 127.0.0.1 port; as root the server runs as the `postgres` OS user (it refuses root).
 *
 * @example
 * ```ts
 * await using cluster = await startScramCluster("secret-pw");
 * console.log(cluster.url("secret-pw")); // postgres://postgres:secret-pw@127.0.0.1:PORT/postgres
 * ```
 * @module
 */
import { freePort } from "../helpers/http_server.ts";

/** A running private cluster; disposing it stops it and removes its folder. */
export interface ScramCluster extends AsyncDisposable {
  readonly port: number;
  /** A URL logging in as `postgres` with `password` to the `postgres` database. */
  url(password: string): string;
  /** `pg_ctl stop -m fast`: connections are dropped, data is kept. */
  stop(): Promise<void>;
  /** `pg_ctl start` after `stop`. */
  start(): Promise<void>;
  /** `pg_ctl restart -m fast`: connections are dropped, the server is back when it resolves. */
  restart(): Promise<void>;
}

/** The directory of initdb and pg_ctl: PATH first, then the highest /usr/lib/postgresql/N/bin. */
function binDir(): string {
  const dirs = (Deno.env.get("PATH") ?? "").split(":").filter(Boolean);
  const versions = [...safeReadDir("/usr/lib/postgresql")].map(Number).filter(Number.isFinite);
  dirs.push(...versions.sort((a, b) => b - a).map((v) => `/usr/lib/postgresql/${v}/bin`));
  const found = dirs.find((dir) => exists(`${dir}/initdb`) && exists(`${dir}/pg_ctl`));
  if (found === undefined) throw new Error("PostgreSQL's initdb and pg_ctl are not installed");
  return found;
}

function safeReadDir(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((entry) => entry.name);
  } catch {
    return [];
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** `runuser -u postgres --` when we are root (the folder is then given to that user). */
function serverUser(root: string): string[] {
  if (Deno.statSync(root).uid !== 0) return [];
  const account = Deno.readTextFileSync("/etc/passwd").split("\n").map((line) => line.split(":"))
    .find((fields) => fields[0] === "postgres");
  if (account === undefined) throw new Error("running as root, but no 'postgres' OS user");
  Deno.chownSync(root, Number(account[2]), Number(account[3]));
  return ["runuser", "-u", "postgres", "--"];
}

async function run(argv: string[], cwd: string): Promise<void> {
  const [program, ...args] = argv as [string, ...string[]];
  const { code, stderr } = await new Deno.Command(program, { args, cwd, stdout: "null" }).output();
  if (code !== 0) {
    const log = await Deno.readTextFile(`${cwd}/server.log`).catch(() => "");
    throw new Error(`${argv.join(" ")} failed: ${new TextDecoder().decode(stderr)}\n${log}`);
  }
}

/** Start a cluster whose superuser `postgres` logs in over TCP with `password` only. */
export async function startScramCluster(password: string): Promise<ScramCluster> {
  const bin = binDir();
  const root = await Deno.makeTempDir({ prefix: "orch-pg-scram-" });
  const runAs = serverUser(root);
  await Deno.writeTextFile(`${root}/pw`, password);
  const port = freePort();
  const pgCtl = (command: string) => [
    ...runAs,
    `${bin}/pg_ctl`,
    command,
    ...["-D", `${root}/data`, "-l", `${root}/server.log`, "-w", "-m", "fast"],
  ];
  try {
    await run([
      ...runAs,
      `${bin}/initdb`,
      ...["-D", `${root}/data`, "-U", "postgres", "--pwfile", `${root}/pw`, "--no-sync"],
      ...["--auth-local=trust", "--auth-host=scram-sha-256", "--no-locale", "-E", "UTF8"],
    ], root);
    await Deno.writeTextFile(
      `${root}/data/postgresql.conf`,
      `\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${root}'\n`,
      { append: true },
    );
    await run(pgCtl("start"), root);
  } catch (error) {
    await Deno.remove(root, { recursive: true });
    throw error;
  }
  let running = true;
  return {
    port,
    url: (pw) => `postgres://postgres:${encodeURIComponent(pw)}@127.0.0.1:${port}/postgres`,
    async stop() {
      await run(pgCtl("stop"), root);
      running = false;
    },
    async start() {
      await run(pgCtl("start"), root);
      running = true;
    },
    async restart() {
      await run(pgCtl("restart"), root);
    },
    async [Symbol.asyncDispose]() {
      try {
        if (running) await run(pgCtl("stop"), root);
      } finally {
        await Deno.remove(root, { recursive: true });
      }
    },
  };
}
