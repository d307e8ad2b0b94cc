/**
 * The stdio transport: newline-delimited JSON-RPC on stdin and stdout, which no input can end.
 * The SDK's own stdio transport closes the session on a message over its 10 MiB buffer (the
 * server then exits, or stops reading) and drops unparseable lines without an answer; here a
 * message over the limit is skipped and answered with an error naming the limit, a line that is
 * not JSON gets JSON-RPC's `-32700` Parse error, one that is not a JSON-RPC message `-32600`,
 * and reading goes on. Only the client closing stdin ends the session, once the calls it sent
 * are answered.
 *
 * @example
 * ```ts
 * await server.connect(new StdioTransport());
 * ```
 * @module
 */
import {
  INVALID_REQUEST,
  type JSONRPCMessage,
  PARSE_ERROR,
  parseJSONRPCMessage,
  serializeMessage,
  STDIO_DEFAULT_MAX_BUFFER_SIZE,
  type Transport,
} from "@modelcontextprotocol/server";
import { MalformedMessageError, MessageTooLargeError } from "../errors.ts";
import type { RequestId } from "./jsonrpc_envelope.ts";
import { type Line, readLines } from "./stdio_lines.ts";

/** The largest stdio message read, in bytes (the SDK's limit: 10 MiB). */
export const MAX_STDIO_MESSAGE_BYTES = STDIO_DEFAULT_MAX_BUFFER_SIZE;

/**
 * How long a session whose client closed stdin still waits for the answers to the calls it sent
 * before closing (like the HTTP server's graceful shutdown).
 */
export const DRAIN_TIMEOUT_MS = 30_000;

/** Where a stdio transport reads and writes (the process's stdin and stdout by default). */
export interface StdioTransportOptions {
  input?: ReadableStream<Uint8Array>;
  output?: WritableStream<Uint8Array>;
  maxMessageBytes?: number;
}

/** Where answers are written: a whole message at a time, in order. */
type Sink = (bytes: Uint8Array) => Promise<void> | void;

/** A sink writing to a stream (tests, embedders). */
function streamSink(output: WritableStream<Uint8Array>): Sink {
  const writer = output.getWriter();
  return (bytes) => writer.write(bytes);
}

/**
 * A sink writing to our stdout with synchronous writes, as Node's `process.stdout` does for pipes:
 * the stream API's asynchronous writes hand every message to a thread of their own, which cost
 * several times the write itself (measured: ~400 µs vs ~60 µs per answer at 16 in flight). A
 * client that stops reading blocks the server on a full pipe either way.
 */
function stdoutSink(): Sink {
  return (bytes) => {
    for (let written = 0; written < bytes.length;) {
      written += Deno.stdout.writeSync(bytes.subarray(written));
    }
  };
}

/** Who is told that a message was refused: the request's id, `null`, or nobody (`undefined`). */
type ReplyTo = RequestId | null | undefined;

/** The chunks a reader yields until the stream ends or is cancelled. */
async function* chunksOf(reader: ReadableStreamDefaultReader<Uint8Array>) {
  for (let read = await reader.read(); !read.done; read = await reader.read()) yield read.value;
}

/**
 * Whom to answer about a JSON value that is not a JSON-RPC message: nobody for what looks like
 * a response (answering it would confuse the client), else its id when usable, else `null`.
 */
function replyToInvalid(value: unknown): ReplyTo {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const fields = value as Record<string, unknown>;
  if (!("method" in fields) && ("result" in fields || "error" in fields)) return undefined;
  return typeof fields.id === "string" || typeof fields.id === "number" ? fields.id : null;
}

/** Newline-delimited JSON-RPC over a pair of byte streams, robust to any input. */
export class StdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #sink: Sink;
  readonly #maxMessageBytes: number;
  readonly #encoder = new TextEncoder();
  /** Requests read but not answered yet: a client that closes stdin still gets their answers. */
  readonly #pending = new Set<RequestId>();
  #drained: (() => void) | undefined;
  #closed = false;

  constructor(options: StdioTransportOptions = {}) {
    this.#reader = (options.input ?? Deno.stdin.readable).getReader();
    this.#sink = options.output ? streamSink(options.output) : stdoutSink();
    this.#maxMessageBytes = options.maxMessageBytes ?? MAX_STDIO_MESSAGE_BYTES;
  }

  /** Start reading; messages go to `onmessage` until the input ends or `close` is called. */
  start(): Promise<void> {
    void this.#pump();
    return Promise.resolve();
  }

  async #pump(): Promise<void> {
    try {
      // Every request of a chunk is dispatched in the same task, so they reach the store after
      // the same number of microtask hops and share one group commit.
      reading: for await (const lines of readLines(chunksOf(this.#reader), this.#maxMessageBytes)) {
        for (const line of lines) {
          if (this.#closed) break reading;
          this.#receive(line);
        }
      }
    } catch (error) {
      if (!this.#closed) this.onerror?.(error as Error);
    }
    await this.#drain();
    await this.close();
  }

  /** Wait (at most `DRAIN_TIMEOUT_MS`) until every request read has been answered. */
  async #drain(): Promise<void> {
    if (this.#pending.size === 0 || this.#closed) return;
    const drained = Promise.withResolvers<void>();
    this.#drained = drained.resolve;
    const timer = setTimeout(drained.resolve, DRAIN_TIMEOUT_MS);
    try {
      await drained.promise;
    } finally {
      clearTimeout(timer);
    }
  }

  #receive(line: Line): void {
    if (line.kind === "oversized") {
      const { id, isRequest } = line.envelope;
      // Only a request can be answered; a notification or response over the limit is logged.
      return this.#refuse(
        new MessageTooLargeError(line.bytes, this.#maxMessageBytes),
        isRequest ? id : undefined,
        INVALID_REQUEST,
      );
    }
    if (line.text.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch (error) {
      return this.#refuse(
        new MalformedMessageError(
          `Parse error: a line on stdin is not valid JSON (${(error as Error).message}); it was ` +
            "skipped. Send one JSON-RPC message per line, as UTF-8 JSON.",
        ),
        null,
        PARSE_ERROR,
      );
    }
    let message: JSONRPCMessage;
    try {
      message = parseJSONRPCMessage(value);
    } catch {
      return this.#refuse(
        new MalformedMessageError(
          'Invalid Request: a line on stdin is JSON but not a JSON-RPC 2.0 message (an object with "jsonrpc": "2.0" and a method, result or error); it was skipped.',
        ),
        replyToInvalid(value),
        INVALID_REQUEST,
      );
    }
    if ("method" in message && "id" in message) this.#pending.add(message.id);
    this.onmessage?.(message);
  }

  /** Log why a message was skipped and, unless `replyTo` is undefined, answer with the error. */
  #refuse(error: Error, replyTo: ReplyTo, code: number): void {
    this.onerror?.(error);
    if (replyTo === undefined || this.#closed) return;
    const answer = { jsonrpc: "2.0", id: replyTo, error: { code, message: error.message } };
    this.#write(`${JSON.stringify(answer)}\n`).catch(() => {});
  }

  /** Write one message to the output. */
  async send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed) throw new Error("The stdio transport is closed.");
    await this.#write(serializeMessage(message));
    if (("result" in message || "error" in message) && "id" in message) {
      this.#pending.delete(message.id as RequestId);
      if (this.#pending.size === 0) this.#drained?.();
    }
  }

  async #write(line: string): Promise<void> {
    try {
      await this.#sink(this.#encoder.encode(line));
    } catch (error) {
      // The client is gone (a broken pipe): the session is over.
      if (!this.#closed) this.onerror?.(error as Error);
      await this.close();
      throw error;
    }
  }

  /** Stop reading and report the session closed (once). */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#reader.cancel().catch(() => {});
    this.onclose?.();
    return Promise.resolve();
  }
}
