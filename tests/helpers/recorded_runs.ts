/**
 * Runs recorded by a real server (stub decisions) in a new SQLite file, for the tests of the
 * commands that read, copy and delete stored runs.
 * @module
 */
import type { StepResponse } from "../../src/engine/responses.ts";
import { call, connect, tempDbPath } from "./server.ts";

/** What `recordRuns` left in its database. */
export interface RecordedRuns {
  dbPath: string;
  /**
   * JOKE_GENERATOR, COMPLETED after its five steps (the first reported with a message, a result
   * and a context update): six history entries.
   */
  completed: string;
  /** SAVE, CANCELLED right after it started. */
  cancelled: string;
  /** JOKE_GENERATOR, still RUNNING at its first step. */
  running: string;
}

/** Start a server on a new SQLite file, record the three runs, stop it. */
export async function recordRuns(): Promise<RecordedRuns> {
  const server = await connect({ dbPath: tempDbPath() });
  try {
    const start = (workflow_name: string, context?: Record<string, unknown>) =>
      call<StepResponse>(server.client, "start_workflow", { workflow_name, context });
    const completed = (await start("JOKE_GENERATOR", { theme: "cats" })).instance_id;
    await call(server.client, "advance_workflow", {
      instance_id: completed,
      report: {
        step_id: "greet",
        status: "success",
        message: "Said hello | waved\nand explained the game.",
        result: { greeted: true, lines: ["hi", "```"] },
      },
      context_updates: { user: { name: "Ada" } },
    });
    for (const step_id of ["ask_theme", "tell_joke", "reveal_punchline", "congratulate"]) {
      await call(server.client, "advance_workflow", {
        instance_id: completed,
        report: { step_id, status: "success" },
      });
    }
    const cancelled = (await start("SAVE")).instance_id;
    await call(server.client, "cancel_workflow", { instance_id: cancelled });
    const running = (await start("JOKE_GENERATOR")).instance_id;
    return { dbPath: server.dbPath, completed, cancelled, running };
  } finally {
    await server.close();
  }
}
