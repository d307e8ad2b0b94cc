/**
 * Calling a model API robustly: a timeout per request, retries with jittered exponential backoff
 * on transient failures (429, 5xx, network), `Retry-After` honoured, a cap on the total wait, and
 * cancellation by the caller's signal.
 *
 * @example
 * ```ts
 * const text = await withRetries((signal) => fetchAnswer(signal), {
 *   timeoutMs: 30_000,
 *   describe: "gemini (gemini-2.5-flash)",
 * });
 * ```
 * @module
 */
import { DecisionError, OrchestratorError } from "../errors.ts";

/**
 * A failure worth retrying (HTTP 429/5xx, a network error); `retryAfterMs` from `Retry-After`,
 * `status` the HTTP status (none for a network error).
 */
export class TransientError extends Error {
  constructor(message: string, readonly retryAfterMs?: number, readonly status?: number) {
    super(message);
  }
}

/** How often and how long to retry. */
export interface RetryPolicy {
  /** Requests in all, the first included. */
  maxAttempts: number;
  /** First backoff delay; doubled per retry, then jittered to 50–100%. */
  baseDelayMs: number;
  /** Largest single backoff delay (without `Retry-After`). */
  maxDelayMs: number;
  /** Largest sum of waits for one call; a longer `Retry-After` ends the retries at once. */
  maxTotalWaitMs: number;
}

/** Three requests, 0.5 s then 1 s backoff (jittered), at most 20 s of waiting in all. */
const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxTotalWaitMs: 20_000,
};

/** What `RetryOptions.onRetry` is told before a retry. */
export interface RetryInfo {
  /** The attempt about to be made (2 for the first retry). */
  attempt: number;
  maxAttempts: number;
  /** The wait before it. */
  delayMs: number;
  /** The failure's message. */
  reason: string;
  /** The failed attempt's HTTP status (none for a network error). */
  status?: number;
}

/** What `withRetries` needs besides the request itself. */
export interface RetryOptions {
  /** Per-request timeout (`AI_REQUEST_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Provider and model, for messages ("openai (llama3.2)"). */
  describe: string;
  policy?: RetryPolicy;
  /** The caller's cancellation. */
  signal?: AbortSignal;
  /** Told before each retry (for logs and progress notifications). */
  onRetry?: (info: RetryInfo) => void;
}

function backoff(policy: RetryPolicy, retry: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(exponential * (0.5 + Math.random() / 2));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function cancelled(describe: string): DecisionError {
  return new DecisionError(
    `The request to ${describe} was cancelled by the client; nothing was changed.`,
  );
}

/**
 * Run `request` with a fresh timeout signal per attempt, retrying `TransientError`s.
 * @throws {DecisionError} on timeout, cancellation, a non-transient error, or when retries run out
 * (an `OrchestratorError` from `request` is rethrown as it is)
 */
export async function withRetries<T>(
  request: (signal: AbortSignal) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  let waited = 0;
  for (let attempt = 1;; attempt++) {
    if (options.signal?.aborted) throw cancelled(options.describe);
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let failure: unknown;
    try {
      return await request(signal);
    } catch (error) {
      failure = error;
    }
    if (options.signal?.aborted) throw cancelled(options.describe);
    if (timeout.aborted) {
      throw new DecisionError(
        `${options.describe} did not answer within ${options.timeoutMs} ms ` +
          `(AI_REQUEST_TIMEOUT_MS); nothing was changed. Retry the call, or raise ` +
          `AI_REQUEST_TIMEOUT_MS if the model is slow.`,
      );
    }
    if (!(failure instanceof TransientError)) {
      if (failure instanceof OrchestratorError) throw failure;
      throw new DecisionError(
        `${options.describe} failed: ${(failure as Error).message ?? String(failure)}; nothing ` +
          `was changed.`,
      );
    }
    const exhausted =
      `${options.describe} failed after ${attempt} attempt(s): ${failure.message}. ` +
      `Nothing was changed; retry the call later.`;
    if (attempt >= policy.maxAttempts) throw new DecisionError(exhausted);
    const delayMs = failure.retryAfterMs ?? backoff(policy, attempt);
    if (waited + delayMs > policy.maxTotalWaitMs) {
      throw new DecisionError(
        `${exhausted} (The API asked to wait ${Math.ceil(delayMs / 1000)} s, more than the ` +
          `${policy.maxTotalWaitMs / 1000} s this server waits per call.)`,
      );
    }
    options.onRetry?.({
      attempt: attempt + 1,
      maxAttempts: policy.maxAttempts,
      delayMs,
      reason: failure.message,
      status: failure.status,
    });
    try {
      await sleep(delayMs, options.signal);
    } catch {
      throw cancelled(options.describe);
    }
    waited += delayMs;
  }
}
