/**
 * Bounded waiting for tests and harnesses: a wait that can never settle must fail with a message,
 * never hang the suite.
 * @module
 */

/** `promise`, or an error naming `what` after `ms`. */
export async function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
