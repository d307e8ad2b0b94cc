/**
 * Spawning the servers under test as child processes and connecting the official MCP client to
 * them over stdio: the orchestrator exactly as `deno task start` runs it (same permission flags,
 * stub decision maker), and the bare-SDK baseline with no permissions at all.
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
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serverArgs } from "../tests/helpers/server.ts";
import type { RecordedAnswer } from "./floor_server.ts";

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
  dbPath: string;
  /** `NORMAL` (the default) or `FULL`. */
  synchronous?: "NORMAL" | "FULL";
}

async function spawn(args: string[]): Promise<Spawned> {
  const transport = new StdioClientTransport({
    // Like scripts/launch.ts: the `deno` on PATH, which `--allow-run=deno` grants.
    command: "deno",
    args,
    env: { NO_COLOR: "1" },
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
  const extra = options.synchronous ? [`--db-synchronous=${options.synchronous}`] : [];
  return spawn(serverArgs(options.workflowsDir, options.dbPath, extra));
}

/** Start the bare-SDK baseline server (`baseline_server.ts`). */
export function spawnBaseline(): Promise<Spawned> {
  return spawn(["run", "--no-prompt", BASELINE]);
}

/**
 * Start the durability floor (`floor_server.ts`) with its database and `answer` in `folder`; it may
 * read and write only that folder.
 */
export function spawnFloor(folder: string, answer: RecordedAnswer): Promise<Spawned> {
  Deno.mkdirSync(folder, { recursive: true });
  const answerPath = join(folder, "answer.json");
  Deno.writeTextFileSync(answerPath, JSON.stringify(answer));
  return spawn([
    "run",
    "--no-prompt",
    `--allow-read=${folder}`,
    `--allow-write=${folder}`,
    FLOOR,
    join(folder, "floor.sqlite"),
    answerPath,
  ]);
}
