/**
 * Spawning the servers under test as child processes and connecting the official MCP client to
 * them over stdio: the orchestrator as `deno task start` runs it (same permission flags,
 * stub decision maker) on SQLite or PostgreSQL, the bare-SDK baseline with no permissions at all,
 * and the durability floor of either backend with access to its own database only.
 *
 * @example
 * ```ts
 * const ours = await spawnOrchestrator({ workflowsDir, dbPath });
 * await ours.client.callTool({ name: "list_workflows", arguments: {} });
 * await ours.close();
 * ```
 * @module
 */
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { databaseHost } from "../src/permissions.ts";
import { serverArgs } from "../tests/helpers/server.ts";
import type { RecordedAnswer } from "./floor_server.ts";

const REPOSITORY = fileURLToPath(new URL("..", import.meta.url));
const BASELINE = fileURLToPath(new URL("./baseline_server.ts", import.meta.url));
const FLOOR = fileURLToPath(new URL("./floor_server.ts", import.meta.url));

/** A spawned server with a connected client. */
export interface Spawned {
  client: Client;
  /** Milliseconds from spawning the process to the `initialize` answer. */
  startupMs: number;
  close(): Promise<void>;
}

/** Options for one orchestrator process. */
interface OrchestratorOptions {
  workflowsDir: string;
  /** The SQLite file (its folder is the only one the server may write), unless `dbUrl` is set. */
  dbPath: string;
  /** A PostgreSQL database (`--db-url`): the server may reach its host and port only. */
  dbUrl?: string;
  /** `NORMAL` (the default) or `FULL`. */
  synchronous?: "NORMAL" | "FULL";
}

/** Where a durability floor commits: a SQLite file, or a PostgreSQL database with a pool size. */
export type FloorDatabase =
  | { kind: "sqlite" }
  | { kind: "postgres"; url: string; poolSize: number };

async function spawn(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<Spawned> {
  const transport = new StdioClientTransport({
    // Like scripts/launch.ts: the Deno binary running the bench, which bench/launch.ts grants.
    command: Deno.execPath(),
    args,
    env: { NO_COLOR: "1", ...options.env },
    cwd: options.cwd,
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Uint8Array) => {
    stderr += new TextDecoder().decode(chunk);
  });
  const client = new Client({ name: "bench", version: "1.0.0" });
  const started = performance.now();
  try {
    await client.connect(transport);
  } catch (error) {
    throw new Error(`server did not start: ${(error as Error).message}\n${stderr}`);
  }
  return { client, startupMs: performance.now() - started, close: () => client.close() };
}

/** Start the orchestrator (`main.ts`) with the launcher's permission flags and the stub decider. */
export function spawnOrchestrator(options: OrchestratorOptions): Promise<Spawned> {
  const { dbUrl, synchronous } = options;
  const extra = [
    ...(synchronous ? [`--db-synchronous=${synchronous}`] : []),
    ...(dbUrl ? [`--db-url=${dbUrl}`] : []),
  ];
  // The URL also goes into the configuration the permission flags are derived from.
  const ai = { provider: "stub" as const, env: dbUrl ? { WORKFLOW_DB_URL: dbUrl } : {} };
  return spawn(serverArgs(options.workflowsDir, options.dbPath, extra, ai));
}

/** What the cold start bench copies of the checkout: what `deno task start` runs and reads. */
const CHECKOUT_ENTRIES = ["main.ts", "deno.json", "deno.lock", "src", "scripts", "workflows"];

/**
 * A copy of the checkout's code and built-in workflows in `folder` (no `data/`), where
 * `deno task start` with the default locations serves them from its `./workflows` and keeps its
 * database in its `./data`, as in a fresh clone.
 */
export function copyCheckout(folder: string): string {
  for (const entry of CHECKOUT_ENTRIES) {
    cpSync(join(REPOSITORY, entry), join(folder, entry), { recursive: true });
  }
  return folder;
}

/**
 * Start the orchestrator as the README tells clients to: `deno task start` in `checkout` with the
 * stub decider. With `elsewhere`, the workflows and the database are configured by environment
 * variables (as MCP client configurations do), so the server is started through the launcher
 * (`scripts/launch.ts`); without, from the default locations, in one process.
 */
export function spawnStarted(
  checkout: string,
  elsewhere?: { workflowsDir: string; dbPath: string },
): Promise<Spawned> {
  return spawn(["task", "--quiet", "start"], {
    cwd: checkout,
    env: {
      AI_PROVIDER: "stub",
      ...elsewhere && {
        WORKFLOW_DEFINITIONS_DIR: elsewhere.workflowsDir,
        WORKFLOW_DB_PATH: elsewhere.dbPath,
      },
    },
  });
}

/** Start the bare-SDK baseline server (`baseline_server.ts`). */
export function spawnBaseline(): Promise<Spawned> {
  return spawn(["run", "--no-prompt", BASELINE]);
}

/**
 * Start the durability floor (`floor_server.ts`) with `answer` in `folder`. On SQLite its database
 * is in that folder too, and it may read and write only there; on PostgreSQL it may read that
 * folder and reach the database's host and port.
 */
export function spawnFloor(
  folder: string,
  answer: RecordedAnswer,
  database: FloorDatabase = { kind: "sqlite" },
): Promise<Spawned> {
  Deno.mkdirSync(folder, { recursive: true });
  const answerPath = join(folder, "answer.json");
  Deno.writeTextFileSync(answerPath, JSON.stringify(answer));
  const backend = database.kind === "sqlite"
    ? [`--allow-write=${folder}`, FLOOR, `--sqlite=${join(folder, "floor.sqlite")}`]
    : [
      `--allow-net=${databaseHost({ dbUrl: database.url })}`,
      // The driver reads this one whatever its options (see LIBRARY_ENV_VARS in src/config.ts).
      "--allow-env=PGAPPNAME",
      FLOOR,
      `--postgres=${database.url}`,
      `--pool-size=${database.poolSize}`,
    ];
  return spawn([
    "run",
    "--no-prompt",
    `--allow-read=${folder}`,
    ...backend,
    `--answer=${answerPath}`,
  ]);
}
