/**
 * Splits a byte stream into newline-delimited lines (the MCP stdio framing) with a per-line size
 * limit. A line over the limit is not kept: its bytes are counted and scanned for its JSON-RPC
 * envelope on the way past, so memory stays bounded whatever the input, and reading goes on at
 * the next line.
 *
 * @example
 * ```ts
 * for await (const lines of readLines(Deno.stdin.readable, 10 * 1024 * 1024)) {
 *   for (const line of lines) if (line.kind === "text") console.error(line.text);
 * }
 * ```
 * @module
 */
import { Buffer } from "node:buffer";
import { type Envelope, EnvelopeScanner } from "./jsonrpc_envelope.ts";

/** One line of input, without its line break. */
export type Line =
  | { kind: "text"; text: string }
  | { kind: "oversized"; bytes: number; envelope: Envelope };

const LF = 0x0a;

/** Accumulates the pieces of the current line until its line break. */
class LineBuilder {
  #pieces: Uint8Array[] = [];
  #size = 0;
  #scanner: EnvelopeScanner | undefined;

  constructor(readonly maxBytes: number) {}

  get empty(): boolean {
    return this.#size === 0 && !this.#scanner;
  }

  add(piece: Uint8Array): void {
    if (!this.#scanner && this.#size + piece.length <= this.maxBytes) {
      // Copied: the stream may reuse the chunk's memory for its next read.
      this.#pieces.push(piece.slice());
      this.#size += piece.length;
      return;
    }
    if (!this.#scanner) {
      this.#scanner = new EnvelopeScanner();
      for (const kept of this.#pieces) this.#scanner.push(kept);
      this.#pieces = [];
    }
    this.#scanner.push(piece);
    this.#size += piece.length;
  }

  finish(): Line {
    const scanner = this.#scanner;
    const size = this.#size;
    const pieces = this.#pieces;
    this.#pieces = [];
    this.#size = 0;
    this.#scanner = undefined;
    if (scanner) return { kind: "oversized", bytes: size, envelope: scanner.envelope() };
    return {
      kind: "text",
      text: new TextDecoder().decode(Buffer.concat(pieces)).replace(/\r$/, ""),
    };
  }
}

/**
 * The lines of `input`, those ending in one chunk together: the caller can dispatch every request
 * of a chunk in one go (so their writes share a group commit) rather than one per generator step.
 * A line longer than `maxBytes` comes out as `oversized`. A last line without a line break is still
 * a line.
 */
export async function* readLines(
  input: AsyncIterable<Uint8Array>,
  maxBytes: number,
): AsyncGenerator<Line[]> {
  const line = new LineBuilder(maxBytes);
  for await (const chunk of input) {
    const lines: Line[] = [];
    let start = 0;
    for (let end = chunk.indexOf(LF); end !== -1; end = chunk.indexOf(LF, start)) {
      line.add(chunk.subarray(start, end));
      lines.push(line.finish());
      start = end + 1;
    }
    if (start < chunk.length) line.add(chunk.subarray(start));
    if (lines.length > 0) yield lines;
  }
  if (!line.empty) yield [line.finish()];
}
