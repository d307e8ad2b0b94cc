/**
 * Small statistics helpers for the benchmarks: percentiles of latency samples and a timer for
 * synchronous or asynchronous work.
 *
 * @example
 * ```ts
 * percentile([3, 1, 2], 50); // 2
 * ```
 * @module
 */

/** The `p`-th percentile (nearest rank) of `samples`; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** The median of `samples`. */
export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** Milliseconds taken by each of `count` sequential runs of `fn`. */
export async function sample(
  count: number,
  fn: (i: number) => unknown | Promise<unknown>,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await fn(i);
    times.push(performance.now() - started);
  }
  return times;
}
