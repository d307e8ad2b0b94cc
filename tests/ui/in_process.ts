/**
 * The dashboard in process for tests: a real application (built-in workflows, stub decider, a new
 * SQLite file) and an open dashboard over it (each request without a cookie is a new session).
 *
 * @example
 * ```ts
 * await using ui = await openDashboard();
 * const response = await ui.dashboard.handle(new Request("http://127.0.0.1:8809/ui/runs"));
 * ```
 * @module
 */
import { join } from "node:path";
import { type App, openApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { createDashboard, type Dashboard } from "../../src/ui/dashboard.ts";
import { BUILTIN_WORKFLOWS } from "../helpers/server.ts";

/** An application and its dashboard; disposing closes both and removes the database. */
export interface InProcessDashboard extends AsyncDisposable {
  app: App;
  dashboard: Dashboard;
}

/** Open a new application and its dashboard, polling live pages every `pollMs`. */
export async function openDashboard(pollMs?: number): Promise<InProcessDashboard> {
  const dir = Deno.makeTempDirSync({ prefix: "orch-ui-" });
  const app = await openApp(loadConfig({
    WORKFLOW_DEFINITIONS_DIR: BUILTIN_WORKFLOWS,
    WORKFLOW_DB_PATH: join(dir, "runs.sqlite"),
    AI_PROVIDER: "stub",
  }));
  const dashboard = createDashboard({
    app: () => Promise.resolve(app),
    access: { kind: "open" },
    pollMs,
  });
  return {
    app,
    dashboard,
    async [Symbol.asyncDispose]() {
      dashboard.close();
      await app.close();
      Deno.removeSync(dir, { recursive: true });
    },
  };
}
