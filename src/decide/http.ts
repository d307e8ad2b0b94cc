/**
 * `fetch` for model APIs that sorts failures: network errors and HTTP 408/429/5xx become
 * `TransientError` (retried, `Retry-After` kept), other non-2xx statuses `HttpStatusError` with a
 * hint naming the setting to check.
 *
 * @example
 * ```ts
 * const response = await checkedFetch("http://127.0.0.1:11434/v1/chat/completions", init);
 * ```
 * @module
 */
import { TransientError } from "./retry.ts";

/** Most characters of an error response body quoted in a message. */
const MAX_BODY_CHARS = 300;

/** A non-retryable HTTP error status from a model API. */
export class HttpStatusError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * Milliseconds to wait from a `Retry-After` header (delta-seconds or an HTTP date), or
 * `undefined` when absent or unreadable.
 */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** `TransientError` for retryable HTTP statuses (408, 429, 5xx), `undefined` for the others. */
function transientForStatus(
  status: number,
  message: string,
  retryAfter: string | null,
): TransientError | undefined {
  const retryable = status === 408 || status === 429 || status >= 500;
  return retryable ? new TransientError(message, parseRetryAfter(retryAfter), status) : undefined;
}

function hint(status: number): string {
  if (status === 401 || status === 403) {
    return " Check AI_SERVICE_API_KEY (or GEMINI_API_KEY).";
  }
  if (status === 404) {
    return " Check the model name (GEMINI_MODEL_NAME or AI_MODEL_NAME) and AI_SERVICE_ENDPOINT.";
  }
  return "";
}

/**
 * `fetch(url, init)`, resolving only to a 2xx response.
 * @throws {TransientError} network error or HTTP 408/429/5xx
 * @throws {HttpStatusError} any other non-2xx status
 */
export async function checkedFetch(
  url: string | URL | Request,
  init?: RequestInit,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (init?.signal?.aborted) throw error;
    throw new TransientError(`network error: ${(error as Error).message}`);
  }
  if (response.ok) return response;
  const body = (await response.text().catch(() => "")).trim();
  const quoted = body ? `: ${body.slice(0, MAX_BODY_CHARS)}` : "";
  const message = `HTTP ${response.status} ${response.statusText}${quoted}`;
  throw transientForStatus(response.status, message, response.headers.get("retry-after")) ??
    new HttpStatusError(response.status, `${message}.${hint(response.status)}`);
}
