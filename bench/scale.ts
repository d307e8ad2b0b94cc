/**
 * Scale: the latency of `get_workflow_status`, `list_instances` and `advance_workflow` (through the
 * engine and the real SQLite store, in process, so nothing but the database is measured besides the
 * engine) on an empty database and after seeding 10k, 100k and 1M history rows, plus the database
 * bytes per history row. Seeding copies a real history row with one transaction and prepared
 * statements per level.
 *
 * @example
 * ```ts
 * const rows = await measureScale(workflowsDir, tempDir);
 * ```
 * @module
 */
import { join } from "node:path";
import { DatabaseSync, type SQLInputValue, type SQLOutputValue } from "node:sqlite";
import { StubDecisionMaker } from "../src/decide/stub.ts";
import { DefinitionRegistry } from "../src/definitions/registry.ts";
import { WorkflowEngine } from "../src/engine/engine.ts";
import { openSqliteStore } from "../src/store/sqlite/store.ts";
import type { Store } from "../src/store/types.ts";
import { LOOP_STEPS, LOOP_WORKFLOW } from "./fixtures.ts";
import type { Row } from "./report.ts";
import { median, sample } from "./stats.ts";

/** History rows in the database at each measured level. */
const LEVELS = [10_000, 100_000, 1_000_000] as const;
/** Each seeded instance has this many history rows (a typical short run). */
export const ROWS_PER_INSTANCE = 10;
/** Calls timed per operation (after a quarter as many to warm up; the advances' first third too). */
const COUNTS = { samples: 2000, advances: 600 };
const SCALE_TARGET = { max: 1.5 };
/** list_instances page size (the tool's default). */
const PAGE = 50;

/** The operations timed at each level. */
export type Op = "get_workflow_status" | "list_instances" | "advance_workflow";
/** Median milliseconds per operation. */
export type Timings = Record<Op, number>;

/**
 * Median latency of each operation through the engine on the store `open` gives (closed at the
 * end): `get_workflow_status` of `probeId` (default: a run started here), the first page of
 * `list_instances`, and advances of a run started here. Starts runs until the store holds at least
 * one page of them.
 */
export async function timeOps(
  workflowsDir: string,
  open: () => Store | Promise<Store>,
  probeId?: string,
  { samples, advances: advanceCount } = COUNTS,
): Promise<Timings> {
  const store = await open();
  try {
    const engine = new WorkflowEngine({
      definitions: new DefinitionRegistry(workflowsDir),
      store,
      decider: new StubDecisionMaker(),
    });
    const id = (await engine.start(LOOP_WORKFLOW, { item: 0 })).instance_id;
    // The smallest database compared is one full page of list_instances (50 runs), so every level
    // returns the same page size and only the database size differs.
    while ((await engine.listInstances({ limit: 1, offset: 0 })).total < PAGE) {
      await engine.start(LOOP_WORKFLOW, { item: 0 });
    }
    const statusOf = probeId ?? id;
    const advance = (n: number) =>
      engine.advance(
        id,
        { step_id: LOOP_STEPS[n % 2]!, status: "success", message: `Done with item ${n}.` },
        { item: n },
      );
    // Warm the JIT and the page cache before timing anything.
    await sample(samples / 4, () => engine.status(statusOf));
    await sample(samples / 4, () => engine.listInstances({ limit: PAGE, offset: 0 }));
    const status = await sample(samples, () => engine.status(statusOf));
    const list = await sample(samples, () => engine.listInstances({ limit: PAGE, offset: 0 }));
    const advances = await sample(advanceCount, advance);
    return {
      get_workflow_status: median(status),
      list_instances: median(list),
      advance_workflow: median(advances.slice(advanceCount / 3)),
    };
  } finally {
    await store.close();
  }
}

/**
 * One row per operation at `level` history rows against the one-page database, each figure
 * starting with `prefix` (e.g. the backend's name).
 */
export function levelRows(prefix: string, level: number, at: Timings, empty: Timings): Row[] {
  return (Object.keys(at) as Op[]).map((op) => ({
    figure: `${prefix}${op} at ${level.toLocaleString("en-US")} history rows`,
    value: at[op] * 1000,
    unit: "µs",
    baseline: { label: `${PAGE}-run DB`, value: empty[op] * 1000 },
    target: SCALE_TARGET,
  }));
}

/** Copies of one real instance and its history row, inserted in bulk. */
class Seeder {
  readonly #db: DatabaseSync;
  readonly #instance: Record<string, SQLOutputValue>;
  readonly #history: Record<string, SQLOutputValue>;
  rows = 0;

  constructor(dbPath: string) {
    this.#db = new DatabaseSync(dbPath);
    // Bulk loading only: the random (instance_id, seq) keys need a large cache to stay fast, and a
    // benchmark fixture does not need to survive power loss.
    this.#db.exec(
      "PRAGMA busy_timeout = 5000; PRAGMA cache_size = -262144; PRAGMA synchronous = OFF",
    );
    const instance = this.#db.prepare("SELECT * FROM workflow_instances LIMIT 1").get();
    const history = this.#db.prepare("SELECT * FROM workflow_history WHERE seq = 2 LIMIT 1").get();
    if (!instance || !history) throw new Error("seed template missing: advance a run first");
    this.#instance = instance;
    this.#history = history;
    this.rows = Number(this.#db.prepare("SELECT COUNT(*) AS n FROM workflow_history").get()?.n);
  }

  /** Insert whole instances until the history holds at least `target` rows; returns ms taken. */
  seedTo(target: number): { ms: number; probeId: string } {
    const insert = (table: string, row: Record<string, SQLOutputValue>) => {
      const columns = Object.keys(row);
      return this.#db.prepare(
        `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${
          columns.map(() => "?").join(", ")
        })`,
      );
    };
    const instanceInsert = insert("workflow_instances", this.#instance);
    const historyInsert = insert("workflow_history", this.#history);
    const instanceValues = Object.values(this.#instance) as SQLInputValue[];
    const historyValues = Object.values(this.#history) as SQLInputValue[];
    const col = (row: Record<string, SQLOutputValue>, name: string) =>
      Object.keys(row).indexOf(name);
    const [iId, iStatus, iUpdated, iVersion, iLength] = [
      "id",
      "status",
      "updated_at",
      "version",
      "history_length",
    ]
      .map((name) => col(this.#instance, name));
    const [hId, hSeq] = ["instance_id", "seq"].map((name) => col(this.#history, name));
    const started = performance.now();
    let probeId = "";
    let time = Date.parse("2020-01-01T00:00:00Z");
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      while (this.rows < target) {
        const id = crypto.randomUUID();
        probeId = id;
        instanceValues[iId!] = id;
        instanceValues[iStatus!] = this.rows % 100 === 0 ? "RUNNING" : "COMPLETED";
        instanceValues[iUpdated!] = new Date(time++).toISOString();
        instanceValues[iVersion!] = ROWS_PER_INSTANCE;
        instanceValues[iLength!] = ROWS_PER_INSTANCE;
        instanceInsert.run(...instanceValues);
        historyValues[hId!] = id;
        for (let seq = 1; seq <= ROWS_PER_INSTANCE; seq++) {
          historyValues[hSeq!] = seq;
          historyInsert.run(...historyValues);
        }
        this.rows += ROWS_PER_INSTANCE;
      }
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
    return { ms: performance.now() - started, probeId };
  }

  /** Database bytes (after a checkpoint) per history row. */
  bytesPerRow(): number {
    this.#db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const pages = Number(this.#db.prepare("PRAGMA page_count").get()?.page_count);
    const size = Number(this.#db.prepare("PRAGMA page_size").get()?.page_size);
    return (pages * size) / this.rows;
  }

  close(): void {
    this.#db.close();
  }
}

/** Latency rows per level and operation, bytes per history row and the seeding time. */
export async function measureScale(workflowsDir: string, tempDir: string): Promise<Row[]> {
  const dbPath = join(tempDir, "scale", "workflows.sqlite");
  const open = () => openSqliteStore(dbPath);
  const empty = await timeOps(workflowsDir, open);
  const rows: Row[] = [];
  const seeder = new Seeder(dbPath);
  let seedMs = 0;
  try {
    for (const level of LEVELS) {
      const { ms, probeId } = seeder.seedTo(level);
      seedMs += ms;
      rows.push(...levelRows("", level, await timeOps(workflowsDir, open, probeId), empty));
    }
    rows.push({
      figure: "DB bytes per history row (with instances and indexes)",
      value: seeder.bytesPerRow(),
      unit: "B",
      target: { info: true },
    });
    rows.push({
      figure: `seeding ${seeder.rows.toLocaleString("en-US")} history rows (one txn per level)`,
      value: seedMs / 1000,
      unit: "s",
      target: { info: true },
    });
  } finally {
    seeder.close();
  }
  return rows;
}
