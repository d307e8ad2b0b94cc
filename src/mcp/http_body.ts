/**
 * Reads an HTTP request body with a size cap and a deadline: a client that sends part of a body
 * and stalls must not hold a handler (and a graceful shutdown) forever. `Deno.serve` has no read
 * timeouts of its own (denoland/deno#3515).
 *
 * @example
 * ```ts
 * const body = await readBodyWithin(request.clone(), 1024 * 1024, 30_000);
 * if (body.kind === "timeout") return new Response(null, { status: 408 });
 * ```
 * @module
 */
import { Buffer } from "node:buffer";

/** How long a request body may take to arrive after its headers by default (ms). */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;

/** A request body as read: its text, or why it was not read to its end. */
export type BodyRead =
  | { kind: "text"; text: string }
  | { kind: "tooLarge" }
  | { kind: "timeout" };

/**
 * Read `request`'s body as UTF-8 text: `tooLarge` past `maxBytes` (by its Content-Length, or
 * once read), `timeout` when it has not ended `timeoutMs` after the call (reading stops).
 */
export async function readBodyWithin(
  request: Request,
  maxBytes: number,
  timeoutMs: number,
): Promise<BodyRead> {
  if (Number(request.headers.get("content-length")) > maxBytes) return { kind: "tooLarge" };
  const reader = request.body?.getReader();
  if (!reader) return { kind: "text", text: "" };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    reader.cancel().catch(() => {});
  }, timeoutMs);
  try {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      size += read.value.length;
      if (size > maxBytes) return { kind: "tooLarge" };
      chunks.push(read.value);
    }
    if (timedOut) return { kind: "timeout" };
    return { kind: "text", text: new TextDecoder().decode(Buffer.concat(chunks)) };
  } catch (error) {
    if (timedOut) return { kind: "timeout" };
    throw error;
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}
