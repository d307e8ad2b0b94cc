/**
 * How long a statement may go unanswered: a server that accepted the connection but stopped
 * answering (a stalled network, a frozen host) fails the call with `NO_ANSWER` after the deadline,
 * which `postgresError` turns into a retryable "database unavailable" error, instead of hanging it.
 *
 * @example
 * ```ts
 * const rows = await answeredWithin(sql.unsafe("SELECT 1"), 15);
 * ```
 * @module
 */
import { NO_ANSWER } from "./errors.ts";

/** `query`'s outcome, or a rejection with code `NO_ANSWER` once `seconds` passed without one. */
export async function answeredWithin<T>(query: Promise<T>, seconds: number): Promise<T> {
  // Once the call has failed for want of an answer, a late outcome has no one to go to.
  query.catch(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const unanswered = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(Object.assign(new Error(`no answer within ${seconds} s`), { code: NO_ANSWER }));
    }, seconds * 1000);
  });
  try {
    return await Promise.race([query, unanswered]);
  } finally {
    clearTimeout(timer);
  }
}
