/**
 * Reads a JSON-RPC message's envelope (its top-level `id`, and whether it has a `method`) from
 * bytes streamed through it, without keeping the message: how a message too large to parse can
 * still be answered with an error carrying its request id. Only the top level counts: an `id`
 * nested in `params` is not the request's. The SDK's client writes `id` after `params`, so the
 * whole message is scanned, in one pass and constant memory.
 *
 * @example
 * ```ts
 * const scan = new EnvelopeScanner();
 * scan.push(new TextEncoder().encode('{"method":"ping","params":{"id":1},"id":"a"}'));
 * scan.envelope(); // { id: "a", isRequest: true }
 * ```
 * @module
 */

/** A JSON-RPC request id. */
export type RequestId = string | number;

/** What the scanned bytes say about the message. */
export interface Envelope {
  /** The top-level `id`, when it is a string or a number. */
  id?: RequestId;
  /** Whether a top-level `method` key was seen (a request or notification, not a response). */
  isRequest: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Longest top-level key or id text kept: longer ones are neither `id`/`method` nor a usable id. */
const MAX_TOKEN_BYTES = 256;

/** A scalar (number, literal) ends at one of these bytes. */
const ENDS_SCALAR = new Set([COMMA, CLOSE_BRACE, CLOSE_BRACKET, 0x20, 0x09, 0x0a, 0x0d]);

/** Scans a JSON object's bytes for its top-level `id` and `method` keys. */
export class EnvelopeScanner {
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** At depth 1: the next string is a key (after `{` or `,`), not a value. */
  #expectKey = false;
  /** Bytes of the top-level string (key or id value) being read, or undefined when not kept. */
  #token: number[] | undefined;
  #tokenIsKey = false;
  /** The last top-level key read, while its value is pending. */
  #key: string | undefined;
  /** Bytes of a top-level scalar `id` value being read. */
  #scalar: number[] | undefined;
  #id: RequestId | undefined;
  #isRequest = false;

  /** Feed the next bytes of the message. */
  push(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      // Most of a large message is string content nobody needs: skip it without a call per byte.
      if (this.#inString && !this.#token && !this.#escaped) {
        while (i < bytes.length && bytes[i] !== QUOTE && bytes[i] !== BACKSLASH) i++;
        if (i === bytes.length) return;
      }
      this.#step(bytes[i]!);
    }
  }

  /** What was found so far (complete once the whole message was pushed). */
  envelope(): Envelope {
    this.#endScalar();
    return { ...(this.#id === undefined ? {} : { id: this.#id }), isRequest: this.#isRequest };
  }

  #step(byte: number): void {
    if (this.#inString) return this.#stringByte(byte);
    if (this.#scalar) {
      if (!ENDS_SCALAR.has(byte)) return void this.#keep(this.#scalar, byte);
      this.#endScalar();
    }
    switch (byte) {
      case QUOTE:
        this.#inString = true;
        this.#token = this.#depth === 1 && (this.#expectKey || this.#key === "id") ? [] : undefined;
        this.#tokenIsKey = this.#expectKey;
        return;
      case OPEN_BRACE:
      case OPEN_BRACKET:
        this.#depth++;
        this.#expectKey = this.#depth === 1 && byte === OPEN_BRACE;
        return;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        this.#depth--;
        if (this.#depth === 1) this.#key = undefined;
        return;
      case COMMA:
        if (this.#depth === 1) [this.#expectKey, this.#key] = [true, undefined];
        return;
      case COLON:
        return;
      default:
        if (this.#depth === 1 && this.#key === "id" && !ENDS_SCALAR.has(byte)) {
          this.#scalar = [byte];
        }
    }
  }

  #stringByte(byte: number): void {
    if (this.#token) this.#keep(this.#token, byte);
    if (this.#escaped) return void (this.#escaped = false);
    if (byte === BACKSLASH) return void (this.#escaped = true);
    if (byte !== QUOTE) return;
    this.#inString = false;
    const token = this.#token;
    this.#token = undefined;
    const text = token && token.length <= MAX_TOKEN_BYTES ? stringValue(token) : undefined;
    if (this.#tokenIsKey) {
      this.#expectKey = false;
      this.#key = text;
      if (text === "method") this.#isRequest = true;
    } else if (this.#depth === 1 && this.#key === "id") {
      if (text !== undefined && this.#id === undefined) this.#id = text;
      this.#key = undefined;
    }
  }

  #endScalar(): void {
    const scalar = this.#scalar;
    if (!scalar) return;
    this.#scalar = undefined;
    this.#key = undefined;
    const value = scalar.length <= MAX_TOKEN_BYTES ? Number(String.fromCharCode(...scalar)) : NaN;
    if (Number.isFinite(value) && this.#id === undefined) this.#id = value;
  }

  /** Keep `byte`, up to one past the limit (which marks the token as too long to use). */
  #keep(token: number[], byte: number): void {
    if (token.length <= MAX_TOKEN_BYTES) token.push(byte);
  }
}

/** The value of a JSON string from its bytes (closing quote included), or undefined if invalid. */
function stringValue(bytes: number[]): string | undefined {
  try {
    const text = new TextDecoder().decode(new Uint8Array(bytes.slice(0, -1)));
    const value: unknown = JSON.parse(`"${text}"`);
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}
