/**
 * The durability floor: a bare MCP server from the same SDK, on the same stdio transport, whose one
 * tool does the least any server must do to acknowledge a step durably — write it in a SQLite WAL
 * transaction (`synchronous=NORMAL`, our default) that updates the run's row and appends the
 * report — and then answers with a recorded `advance_workflow` answer (same size and shape). Calls
 * that arrive together share one commit (group commit, as ours do), so the floor is as fast as a
 * durable server can be at any number of calls in flight. No definitions, no routing, no
 * validation, no idempotency: what is left between it and `advance_workflow` is what the
 * orchestrator's own code costs.
 *
 * @example
 * ```sh
 * deno run --no-prompt --allow-read=DIR --allow-write=DIR bench/floor_server.ts DIR/floor.sqlite DIR/answer.json
 * ```
 * @module
 */
import { McpServer } from "@modelcontextprotocol/server";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import { DatabaseSync } from "node:sqlite";
import { z } from "zod";

/** Name of the floor server's only tool. */
export const COMMIT_TOOL = "commit_step";

/** What the tool answers: a recorded `advance_workflow` result. */
export interface RecordedAnswer {
  text: string;
  structuredContent: Record<string, unknown>;
}

function openFloorDb(path: string) {
  const db = new DatabaseSync(path);
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    PRAGMA busy_timeout = 5000;
    CREATE TABLE IF NOT EXISTS runs (
      id TEXT PRIMARY KEY NOT NULL, step TEXT NOT NULL, context TEXT NOT NULL,
      version INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS steps (
      run_id TEXT NOT NULL, seq INTEGER NOT NULL, report TEXT NOT NULL,
      PRIMARY KEY (run_id, seq)
    ) WITHOUT ROWID;
  `);
  const begin = db.prepare("BEGIN IMMEDIATE");
  const commit = db.prepare("COMMIT");
  const upsertRun = db.prepare(
    `INSERT INTO runs (id, step, context, version) VALUES (?, ?, ?, 1)
     ON CONFLICT (id) DO UPDATE SET step = excluded.step, context = excluded.context,
       version = version + 1
     RETURNING version`,
  );
  const appendStep = db.prepare("INSERT INTO steps (run_id, seq, report) VALUES (?, ?, ?)");
  let queue: { row: [string, string, string, string]; done: PromiseWithResolvers<void> }[] = [];
  const flush = () => {
    const batch = queue;
    queue = [];
    try {
      begin.run();
      for (const { row: [id, step, context, report] } of batch) {
        const { version } = upsertRun.get(id, step, context) as { version: number };
        appendStep.run(id, version, report);
      }
      commit.run();
    } catch (error) {
      if (db.isTransaction) db.exec("ROLLBACK");
      for (const { done } of batch) done.reject(error);
      return;
    }
    for (const { done } of batch) done.resolve();
  };
  /** Record one step of run `id`; resolves once committed (with the calls queued beside it). */
  return (id: string, step: string, context: string, report: string): Promise<void> => {
    const done = Promise.withResolvers<void>();
    queue.push({ row: [id, step, context, report], done });
    if (queue.length === 1) queueMicrotask(flush);
    return done.promise;
  };
}

if (import.meta.main) {
  const [dbPath, answerPath] = Deno.args;
  if (!dbPath || !answerPath) throw new Error("usage: floor_server.ts DB_PATH ANSWER_JSON_PATH");
  const answer = JSON.parse(Deno.readTextFileSync(answerPath)) as RecordedAnswer;
  const record = openFloorDb(dbPath);
  const server = new McpServer({ name: "floor", version: "1.0.0" });
  server.registerTool(
    COMMIT_TOOL,
    {
      description: "Durably records a step, then answers with a recorded step.",
      // As loose as a tool can be while still receiving its arguments.
      inputSchema: z.looseObject({ instance_id: z.string(), report: z.looseObject({}) }),
    },
    async (args) => {
      await record(
        args.instance_id,
        String(args.report.step_id),
        JSON.stringify(args.context_updates ?? {}),
        JSON.stringify(args.report),
      );
      return {
        content: [{ type: "text" as const, text: answer.text }],
        structuredContent: answer.structuredContent,
      };
    },
  );
  await server.connect(new StdioServerTransport());
}
