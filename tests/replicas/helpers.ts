/**
 * Harness for the replica tests: several `main.ts serve --http 127.0.0.1:<port>` processes, each
 * spawned with exactly the launcher's permission flags for its configuration (so `--allow-net`
 * names the database host:port), sharing one `WORKFLOW_DB_URL` and one bearer token, with a
 * stateless (2026-07-28) SDK client per replica. A replica can be SIGKILLed and restarted on the
 * same port; its client keeps working (no session to lose).
 *
 * @example
 * ```ts
 * await using db = await freshSchema();
 * await using replicas = await startReplicas(db.url, [{}, {}, {}]);
 * const first = await call(replicas.at(0).client, "start_workflow", { workflow_name: "X" });
 * ```
 * @module
 */
import type { Client } from "@modelcontextprotocol/client";
import { join } from "node:path";
import { toolText } from "../helpers/server.ts";
import {
  connectHttp,
  freePort,
  type LaunchedHttpServer,
  launchHttpServer,
  TEST_TOKEN,
} from "../helpers/http_server.ts";
import { deadline } from "../helpers/wait.ts";
import { POSTGRES_SKIP } from "../store/postgres_helpers.ts";

/** Whether the replica tests are skipped: they need the test runner's PostgreSQL. */
export const ignore = POSTGRES_SKIP !== undefined;

/** How one replica is configured. */
export interface ReplicaOptions {
  /** Its workflows folder (default: the built-in workflows). */
  workflowsDir?: string;
}

/** Starts a replica's process on `bind`. */
type Launch = (bind: string) => LaunchedHttpServer;

/** One replica: its process (replaced on restart), its fixed address and its client. */
export class Replica {
  readonly name: string;
  /** `127.0.0.1:<port>`, the same across restarts. */
  readonly bind: string;
  readonly url: string;
  readonly client: Client;
  #server: LaunchedHttpServer;
  #listening = true;
  readonly #launch: Launch;

  private constructor(name: string, server: LaunchedHttpServer, client: Client, launch: Launch) {
    this.name = name;
    this.#server = server;
    this.url = server.url;
    this.bind = new URL(server.url).host;
    this.client = client;
    this.#launch = launch;
  }

  /** Spawn a replica on a free port, wait until it listens and connect its client. */
  static async start(name: string, launch: Launch): Promise<Replica> {
    const server = launch(`127.0.0.1:${freePort()}`);
    try {
      await server.listening;
      const client = await connectHttp(server.url, { token: TEST_TOKEN, modern: true });
      return new Replica(name, server, client, launch);
    } catch (error) {
      await server.stop("SIGKILL");
      throw error;
    }
  }

  /** Whether the current process has said it listens. */
  get listening(): boolean {
    return this.#listening;
  }

  /** Everything the current process wrote to stderr. */
  stderr(): string {
    return this.#server.stderr();
  }

  /** SIGKILL the process (listening or still starting) and wait until it is gone. */
  async kill(): Promise<void> {
    const status = await this.#server.stop("SIGKILL");
    if (status.signal !== "SIGKILL") {
      throw new Error(`${this.name} exited by itself (${status.code}):\n${this.stderr()}`);
    }
  }

  /**
   * Start a new process on the same address, after `kill`; resolves once it listens (and
   * rejects if it is killed or fails before).
   */
  restart(): Promise<void> {
    const server = this.#launch(this.bind);
    this.#server = server;
    this.#listening = false;
    return server.listening.then(() => {
      if (this.#server === server) this.#listening = true;
    });
  }

  /** SIGTERM (graceful: in-flight calls finish), close the client; the exit status. */
  async stop(): Promise<Deno.CommandStatus> {
    await this.client.close();
    return await this.#server.stop("SIGTERM");
  }
}

/** Replicas sharing one database; disposing them stops them all. */
export interface Replicas extends AsyncDisposable {
  readonly all: readonly Replica[];
  /** The replica at `index` (throws when there is none). */
  at(index: number): Replica;
}

/**
 * Start one replica per entry of `options` (together, as a deployment would), all on `dbUrl`
 * with the same token and the stub decision maker.
 */
export async function startReplicas(
  dbUrl: string,
  options: readonly ReplicaOptions[],
): Promise<Replicas> {
  // The SQLite path is never used with WORKFLOW_DB_URL (and not granted), but must be valid.
  const dbPath = join(Deno.makeTempDirSync({ prefix: "orch-replicas-" }), "unused.sqlite");
  const started = await Promise.allSettled(options.map((option, i) =>
    Replica.start(
      String.fromCharCode(65 + i),
      (bind) =>
        launchHttpServer({
          bind,
          dbPath,
          workflowsDir: option.workflowsDir,
          env: { WORKFLOW_DB_URL: dbUrl, MCP_HTTP_TOKEN: TEST_TOKEN },
        }),
    )
  ));
  const all = started.flatMap((result) => result.status === "fulfilled" ? [result.value] : []);
  const stopAll = async () => {
    await Promise.all(all.map((replica) => replica.stop()));
  };
  const failed = started.find((result) => result.status === "rejected");
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  return {
    all,
    at(index) {
      const replica = all[index];
      if (replica === undefined) throw new Error(`no replica ${index}`);
      return replica;
    },
    [Symbol.asyncDispose]: stopAll,
  };
}

/**
 * What one tool call came back with: its result, or why it has none: an `isError` result, or a
 * request that failed (`thrown`: the replica died under it, or `refused`: nothing listened, so
 * it was never sent).
 */
export type Outcome = { ok: true; content: Record<string, unknown> } | Failure;

/** An `Outcome` without a result. */
export interface Failure {
  ok: false;
  error: string;
  thrown: boolean;
  refused: boolean;
}

/**
 * Call a tool and say how it went, never throwing; a call is bounded by `timeoutMs`.
 */
export async function attempt(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  timeoutMs = 20_000,
): Promise<Outcome> {
  try {
    const result = await deadline(
      client.callTool({ name, arguments: args }, { timeout: timeoutMs }),
      timeoutMs + 1_000,
      `${name} on a replica`,
    );
    if (result.isError) {
      return { ok: false, error: toolText(result), thrown: false, refused: false };
    }
    return { ok: true, content: result.structuredContent as Record<string, unknown> };
  } catch (error) {
    const refused = /Connection refused/.test(String((error as Error).cause));
    return { ok: false, error: String(error), thrown: true, refused };
  }
}
