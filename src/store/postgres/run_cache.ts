/**
 * The runs this process wrote last, as they were written: a transition plans on the cached run and
 * writes on condition of its version, so an advance of a run this replica wrote costs one round
 * trip instead of two (read, then write). The cache is only ever trusted through that condition:
 * when another replica moved the run, the write changes nothing and the store reads it again; a
 * plan on the cached run that writes nothing (a refusal, a retry's answer) is planned again on a
 * fresh read, since without a write nothing would check it.
 *
 * @example
 * ```ts
 * const cache = new RunCache(1024);
 * cache.remember(instance, historyEntryValues(entry));
 * cache.get(instance.id); // { instance, last }
 * ```
 * @module
 */
import { type ColumnValue, HISTORY_COLUMN_NAMES, historyFromRow } from "../rows.ts";
import type { Instance, RunSnapshot } from "../types.ts";

/** The most recently written runs, least recently used dropped first. */
export class RunCache {
  readonly #runs = new Map<string, RunSnapshot>();

  constructor(readonly capacity: number) {}

  /** The run as this process last wrote or read it, if still cached. */
  get(id: string): RunSnapshot | undefined {
    const run = this.#runs.get(id);
    if (run !== undefined) {
      this.#runs.delete(id);
      this.#runs.set(id, run);
    }
    return run;
  }

  /** Cache a run as read from the database. */
  set(run: RunSnapshot): void {
    this.#runs.delete(run.instance.id);
    this.#runs.set(run.instance.id, run);
    if (this.#runs.size > this.capacity) {
      this.#runs.delete(this.#runs.keys().next().value!);
    }
  }

  /**
   * Cache `instance` as just written with the history entry whose column values (as
   * `historyEntryValues` gave them for the write) are `entryValues`: seq = its history length,
   * written at its `updatedAt`, exactly as reading it back would give it.
   */
  remember(instance: Instance, entryValues: readonly ColumnValue[]): void {
    const values = [instance.id, instance.historyLength, ...entryValues, instance.updatedAt];
    const row = Object.fromEntries(HISTORY_COLUMN_NAMES.map((name, i) => [name, values[i]]));
    this.set({ instance, last: historyFromRow(row) });
  }

  /** Forget a run (another writer moved it, or it is gone). */
  delete(id: string): void {
    this.#runs.delete(id);
  }
}
