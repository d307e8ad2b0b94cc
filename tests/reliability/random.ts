/**
 * A small seeded PRNG (mulberry32) so that crash and fuzz runs reproduce: every harness prints its
 * seed, and the same seed replays the same choices.
 *
 * @example
 * ```ts
 * const rng = new Random(seedFromEnv("FUZZ_SEED"));
 * rng.int(10); // 0..9
 * ```
 * @module
 */

/** Deterministic pseudo-random numbers from a 32-bit seed. */
export class Random {
  #state: number;

  constructor(readonly seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, max). */
  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/** The seed in environment variable `name`, or a fresh random one; printed either way. */
export function seedFromEnv(name: string): number {
  const given = Deno.env.get(name);
  const seed = given ? Number(given) >>> 0 : Math.floor(Math.random() * 2 ** 32);
  console.log(`${name}=${seed} (set it to replay this run)`);
  return seed;
}

/** A positive whole number from environment variable `name`, else `fallback`. */
export function countFromEnv(name: string, fallback: number): number {
  const given = Deno.env.get(name);
  if (given === undefined || given === "") return fallback;
  const value = Number(given);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a whole number of 1 or more; got '${given}'.`);
  }
  return value;
}
