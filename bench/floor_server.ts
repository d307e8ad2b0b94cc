/**
 * The durability floor: a bare MCP server from the same SDK, on the same stdio transport, whose one
 * tool does the least any server must do to acknowledge a step durably on a backend, and then
 * answers with a recorded `advance_workflow` answer (same size and shape). No definitions, no
 * routing, no validation, no idempotency: what is left between it and `advance_workflow` on the
 * same backend is what the orchestrator's own code costs.
 *
 * - `--sqlite=PATH`: one SQLite WAL transaction (`synchronous=NORMAL`, our default) that updates
 *   the run's row and appends the report. Calls that arrive together share one commit (group
 *   commit, as ours do), so the floor is as fast as a durable SQLite server can be at any number of
 *   calls in flight.
 * - `--postgres=URL --pool-size=N`: ONE autocommit `INSERT` of the report (one round trip, one
 *   commit) through the store's driver with the store's connection options and pool size.
 *
 * @example
 * ```sh
 * deno run --no-prompt --allow-read=DIR --allow-write=DIR bench/floor_server.ts \
 *   --sqlite=DIR/floor.sqlite --answer=DIR/answer.json
 * deno run --no-prompt --allow-read=DIR --allow-net=127.0.0.1:5432 bench/floor_server.ts \
 *   --postgres=postgres://postgres@127.0.0.1:5432/bench --pool-size=10 --answer=DIR/answer.json
 * ```
 * @module
 */
import { McpServer } from "@modelcontextprotocol/server";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { z } from "zod";

/** Name of the floor server's only tool. */
export const COMMIT_TOOL = "commit_step";

/** What the tool answers: a recorded `advance_workflow` result. */
export interface RecordedAnswer {
  text: string;
  structuredContent: Record<string, unknown>;
}

/** Where the floor writes steps. */
interface FloorBackend {
  /** Durably records one step of run `id`; resolves once it is committed. */
  record(id: string, step: string, context: string, report: string): Promise<void>;
  close(): Promise<void>;
}

function openSqliteFloor(path: string): FloorBackend {
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
  return {
    record(id, step, context, report) {
      const done = Promise.withResolvers<void>();
      queue.push({ row: [id, step, context, report], done });
      if (queue.length === 1) queueMicrotask(flush);
      return done.promise;
    },
    close: () => Promise.resolve(db.close()),
  };
}

async function openPostgresFloor(url: string, poolSize: number): Promise<FloorBackend> {
  // Loaded only here, as the store loads it: the SQLite floor stays what it was.
  const { default: postgres } = await import("postgres");
  const { databaseTarget, driverOptions } = await import("../src/store/postgres/open.ts");
  const sql = postgres(driverOptions(databaseTarget(url), { poolSize }));
  await sql.unsafe(`
    CREATE TABLE IF NOT EXISTS floor_steps (
      seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      run_id text NOT NULL, step text NOT NULL, context text NOT NULL, report text NOT NULL
    )`);
  const insert = "INSERT INTO floor_steps (run_id, step, context, report) VALUES ($1, $2, $3, $4)";
  return {
    async record(id, step, context, report) {
      await sql.unsafe(insert, [id, step, context, report], { prepare: true });
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

function parseFloorArgs(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      answer: { type: "string" },
      sqlite: { type: "string" },
      postgres: { type: "string" },
      "pool-size": { type: "string" },
    },
  });
  const poolSize = Number(values["pool-size"]);
  if (!values.answer || !values.sqlite === !values.postgres || (values.postgres && !poolSize)) {
    throw new Error(
      "usage: floor_server.ts --answer=JSON_PATH (--sqlite=DB_PATH | --postgres=URL --pool-size=N)",
    );
  }
  return { answerPath: values.answer, sqlite: values.sqlite, postgres: values.postgres, poolSize };
}

if (import.meta.main) {
  const options = parseFloorArgs(Deno.args);
  const answer = JSON.parse(Deno.readTextFileSync(options.answerPath)) as RecordedAnswer;
  const backend = options.sqlite
    ? openSqliteFloor(options.sqlite)
    : await openPostgresFloor(options.postgres!, options.poolSize);
  const server = new McpServer({ name: "floor", version: "1.0.0" });
  server.registerTool(
    COMMIT_TOOL,
    {
      description: "Durably records a step, then answers with a recorded step.",
      // As loose as a tool can be while still receiving its arguments.
      inputSchema: z.looseObject({ instance_id: z.string(), report: z.looseObject({}) }),
    },
    async (args) => {
      await backend.record(
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
  const transport = new StdioServerTransport();
  // Like the orchestrator, end when the client closes stdin: an open pool would keep us alive.
  transport.onclose = () => void backend.close();
  await server.connect(transport);
}
