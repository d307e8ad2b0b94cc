/**
 * Dashboard: the server time of the Runs page (`GET /ui/runs`, rendered in full by the dashboard's
 * handler over the real application and SQLite store, in process) on a database of 100,000 runs
 * against the same page on a database of 100 runs; also a filtered page, and an older and a newer
 * page deep in the list (keyset paging both ways), each against the same request on the small
 * database (the filtered one informational: there it selects half a page). The two databases
 * are timed in alternating blocks. Seeding copies one real run with one SQL statement per table.
 *
 * @example
 * ```ts
 * const rows = await measureDashboard(workflowsDir, tempDir);
 * ```
 * @module
 */
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { type App, openApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { createDashboard, type Dashboard } from "../src/ui/dashboard.ts";
import { LOOP_WORKFLOW } from "./fixtures.ts";
import type { Row } from "./report.ts";
import { median, sample } from "./stats.ts";

const LARGE = 100_000;
const SMALL = 100;
const TOKEN = "bench-token-0123456789abcdef";
/** Requests timed per page and database, in blocks of `BLOCK`, after a warm-up. */
const SAMPLES = 300;
const BLOCK = 25;
const TARGET = { max: 1.5 };
const FILTERED = "COMPLETED runs of one workflow";

/**
 * Copy the one run in `dbPath` (and its history) `count - 1` times, one second apart in creation
 * time, a quarter in each of RUNNING, COMPLETED, FAILED and CANCELLED.
 */
function seed(dbPath: string, count: number): void {
  const db = new DatabaseSync(dbPath);
  try {
    db.exec("PRAGMA synchronous = OFF; BEGIN");
    const columns = (table: string) =>
      db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all().map((r) => String(r.name));
    const id = "printf('%08x-0000-4000-8000-%012x', i, i)";
    const created = "strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || i || ' seconds')";
    const status = "CASE i % 4 WHEN 0 THEN 'RUNNING' WHEN 1 THEN 'COMPLETED' " +
      "WHEN 2 THEN 'FAILED' ELSE 'CANCELLED' END";
    const instanceValues: Record<string, string> = {
      id,
      status,
      created_at: created,
      updated_at: created,
      completed_at: `CASE i % 4 WHEN 0 THEN NULL ELSE ${created} END`,
    };
    const numbers = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${
      count - 1
    })`;
    const copy = (table: string, values: Record<string, string>, template: string) => {
      const names = columns(table);
      db.exec(
        `${numbers} INSERT INTO ${table} (${names.join(", ")}) SELECT ${
          names.map((name) => values[name] ?? `t.${name}`).join(", ")
        } FROM n, (${template}) AS t`,
      );
    };
    copy("workflow_instances", instanceValues, "SELECT * FROM workflow_instances LIMIT 1");
    copy(
      "workflow_history",
      { instance_id: id, created_at: created },
      "SELECT * FROM workflow_history LIMIT 1",
    );
    db.exec("COMMIT");
  } finally {
    db.close();
  }
}

/** An application over a new database in `dir` holding `count` runs, and its dashboard. */
async function openSeeded(
  workflowsDir: string,
  dir: string,
  count: number,
): Promise<{ app: App; dashboard: Dashboard }> {
  const config = loadConfig({
    WORKFLOW_DEFINITIONS_DIR: workflowsDir,
    WORKFLOW_DB_PATH: join(dir, "runs.sqlite"),
    AI_PROVIDER: "stub",
  });
  const first = await openApp(config);
  await first.engine.start(LOOP_WORKFLOW, { item: 0 });
  await first.close();
  seed(config.dbPath, count);
  const app = await openApp(config);
  const total = (await app.store.listInstances({ limit: 1, offset: 0 })).total;
  if (total !== count) throw new Error(`seeded ${total} runs, expected ${count}`);
  const dashboard = createDashboard({
    app: () => Promise.resolve(app),
    access: { kind: "token", token: TOKEN },
  });
  return { app, dashboard };
}

/** Milliseconds to answer `path` with the whole page read. */
async function timePage(dashboard: Dashboard, path: string): Promise<void> {
  const response = await dashboard.handle(
    new Request(`http://127.0.0.1:8809${path}`, { headers: { authorization: `Bearer ${TOKEN}` } }),
  );
  if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}`);
  await response.text();
}

/** The median server time of each page on both databases, timed in alternating blocks. */
async function timePages(
  pages: Record<string, { large: string; small: string }>,
  large: Dashboard,
  small: Dashboard,
): Promise<Record<string, { large: number; small: number }>> {
  const times: Record<string, { large: number[]; small: number[] }> = {};
  for (const [name, page] of Object.entries(pages)) {
    await sample(BLOCK, () => timePage(large, page.large));
    await sample(BLOCK, () => timePage(small, page.small));
    times[name] = { large: [], small: [] };
    for (let done = 0; done < SAMPLES; done += BLOCK) {
      times[name].large.push(...await sample(BLOCK, () => timePage(large, page.large)));
      times[name].small.push(...await sample(BLOCK, () => timePage(small, page.small)));
    }
  }
  return Object.fromEntries(
    Object.entries(times).map((
      [name, t],
    ) => [name, { large: median(t.large), small: median(t.small) }]),
  );
}

/** The dashboard rows of the bench table. */
export async function measureDashboard(workflowsDir: string, tempDir: string): Promise<Row[]> {
  const largeDir = Deno.makeTempDirSync({ dir: tempDir, prefix: "ui-large-" });
  const smallDir = Deno.makeTempDirSync({ dir: tempDir, prefix: "ui-small-" });
  const started = performance.now();
  const large = await openSeeded(workflowsDir, largeDir, LARGE);
  console.error(`  seeded ${LARGE} runs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const small = await openSeeded(workflowsDir, smallDir, SMALL);
  try {
    // An older page: after the run halfway down the list (a keyset cursor), vs the small
    // database's second page; a newer page: before that run, vs the small database's first page
    // reached from its last run.
    const at = async (app: App, offset: number, side: "after" | "before") => {
      const run = (await app.store.listInstances({ limit: 1, offset })).instances[0]!;
      return `?${side}_at=${encodeURIComponent(run.createdAt)}&${side}_id=${run.id}`;
    };
    const older = {
      large: await at(large.app, LARGE / 2, "after"),
      small: await at(small.app, 49, "after"),
    };
    const newer = {
      large: await at(large.app, LARGE / 2, "before"),
      small: await at(small.app, SMALL - 1, "before"),
    };
    const filter = `?workflow=${LOOP_WORKFLOW}&status=COMPLETED`;
    const timed = await timePages(
      {
        "first page": { large: "/ui/runs", small: "/ui/runs" },
        [FILTERED]: {
          large: `/ui/runs${filter}`,
          small: `/ui/runs${filter}`,
        },
        "an older page (keyset)": {
          large: `/ui/runs${older.large}`,
          small: `/ui/runs${older.small}`,
        },
        "a newer page (keyset)": {
          large: `/ui/runs${newer.large}`,
          small: `/ui/runs${newer.small}`,
        },
      },
      large.dashboard,
      small.dashboard,
    );
    return Object.entries(timed).map(([name, t]) => ({
      figure: `dashboard runs page, ${name}, at ${LARGE.toLocaleString("en-US")} runs`,
      value: t.large,
      unit: "ms",
      baseline: { label: `${SMALL}-run DB`, value: t.small },
      // A quarter of the small database's runs are COMPLETED: its filtered page has 25 rows, not
      // 50, so that ratio is not the cost of size alone.
      target: name === FILTERED ? { info: true } : TARGET,
    }));
  } finally {
    await large.app.close();
    await small.app.close();
  }
}
