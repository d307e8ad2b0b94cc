/**
 * What an advance costs on PostgreSQL: p50 latencies, measured in one run through the same driver
 * and pool settings, of a bare one-row SELECT and a bare autocommit INSERT (one round trip each,
 * the INSERT with its commit) against the store's `transition` (read the run, write on the version
 * read: two round trips, one commit) and `applyTransition` (one round trip, one commit). Needs a
 * server: `WORKFLOW_TEST_DB_URL` (a superuser URL; a throwaway role and schema are created in it).
 *
 * @example
 * ```sh
 * WORKFLOW_TEST_DB_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *   deno run --allow-env --allow-net=127.0.0.1 --allow-read bench/postgres_transition.ts
 * ```
 * @module
 */
import postgres from "postgres";
import { openPostgresStore } from "../src/store/postgres/store.ts";
import { moveTo, newInstance, reportEntry, startEntry } from "../tests/store/helpers.ts";
import { freshSchema } from "../tests/store/postgres_helpers.ts";

const ROUNDS = 400;
const WARMUP = 20;

function p50(samples: number[]): number {
  const sorted = samples.toSorted((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Run the measured operations in turn, `ROUNDS` times, so drift hits them all alike. */
async function measure(ops: Record<string, (i: number) => Promise<unknown>>) {
  const samples = Object.fromEntries(Object.keys(ops).map((name) => [name, [] as number[]]));
  for (let i = 0; i < WARMUP + ROUNDS; i++) {
    for (const [name, op] of Object.entries(ops)) {
      const started = performance.now();
      await op(i);
      if (i >= WARMUP) samples[name]!.push(performance.now() - started);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, p50(s)]));
}

if (import.meta.main) {
  await using schema = await freshSchema();
  const store = await openPostgresStore(schema.url, { poolSize: 2 });
  const sql = postgres(schema.url, { max: 1, onnotice: () => {}, fetch_types: false });
  try {
    await sql.unsafe("CREATE TABLE baseline (id text PRIMARY KEY, n integer NOT NULL)");
    const advanced = newInstance();
    const applied = newInstance();
    await store.createInstance(advanced, startEntry());
    let appliedVersion = (await store.createInstance(applied, startEntry())).version;
    const result = await measure({
      "bare SELECT (1 round trip)": () =>
        sql.unsafe("SELECT n FROM baseline WHERE id = $1", ["x"], { prepare: true }),
      "bare INSERT, autocommit (1 round trip, 1 commit)": (i) =>
        sql.unsafe("INSERT INTO baseline (id, n) VALUES ($1, $2)", [`r${i}`, i], {
          prepare: true,
        }),
      "store.applyTransition (1 round trip, 1 commit)": async (i) => {
        const change = moveTo(`s${i}`, { i });
        const entry = reportEntry(`s${i - 1}`, `s${i}`, i);
        appliedVersion = (await store.applyTransition(applied.id, appliedVersion, change, entry))
          .version;
      },
      "store.transition, an advance (1 round trip for a run this store wrote last, else 2; 1 commit)":
        (i) =>
          store.transition(advanced.id, ({ instance }) => ({
            value: instance.version,
            change: moveTo(`s${i}`, { ...instance.context, i }),
            entry: reportEntry(instance.currentStep, `s${i}`, i),
          })),
    });
    const insert = result["bare INSERT, autocommit (1 round trip, 1 commit)"]!;
    console.log(`PostgreSQL p50 over ${ROUNDS} rounds (${navigator.hardwareConcurrency} cores):`);
    for (const [name, ms] of Object.entries(result)) {
      console.log(`  ${name.padEnd(56)} ${ms.toFixed(3)} ms  ×${(ms / insert).toFixed(2)} INSERT`);
    }
  } finally {
    await sql.end();
    await store.close();
  }
}
