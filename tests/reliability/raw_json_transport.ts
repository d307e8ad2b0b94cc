/**
 * A stdio client transport that can put pre-serialized JSON into a request. The SDK's own
 * transport serializes with `JSON.stringify`, which itself overflows the client's stack on
 * 100k-level nesting, so a hostile payload that deep is sent as `RawJson` text instead. Everything
 * else is the SDK's framing (newline-delimited JSON-RPC, `ReadBuffer` on the way back).
 *
 * @example
 * ```ts
 * const transport = new RawJsonTransport(Deno.execPath(), serverArgs(dir, db));
 * await new Client({ name: "fuzz", version: "1" }).connect(transport);
 * ```
 * @module
 */
import { type JSONRPCMessage, ReadBuffer, type Transport } from "@modelcontextprotocol/client";
import { Buffer } from "node:buffer";

/** JSON text sent verbatim where this object stands in a request. */
export class RawJson {
  constructor(readonly text: string) {}

  /** `depth` nested objects (`{"a":…}`) or arrays around a string, as text. */
  static nested(depth: number, kind: "object" | "array"): RawJson {
    const [open, close] = kind === "object" ? ['{"a":', "}"] : ["[", "]"];
    return new RawJson(open.repeat(depth) + '"bottom"' + close.repeat(depth));
  }
}

/** JSON-serialize `message`, splicing each `RawJson` in as its text. */
function serializeWithRaw(message: unknown): string {
  const raws: string[] = [];
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (!(value instanceof RawJson)) return value;
    raws.push(value.text);
    return `\u0000raw${raws.length - 1}\u0000`;
  });
  return json.replace(/"\\u0000raw(\d+)\\u0000"/g, (_match, i: string) => raws[Number(i)]!);
}

/** Spawns the server and speaks newline-delimited JSON-RPC over its stdin/stdout. */
export class RawJsonTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  #child?: Deno.ChildProcess;
  #writer?: WritableStreamDefaultWriter<Uint8Array>;
  #stderr = "";

  constructor(readonly command: string, readonly args: string[]) {}

  /** What the server wrote to stderr so far. */
  get stderr(): string {
    return this.#stderr;
  }

  /** Spawn the server and start reading its messages. */
  start(): Promise<void> {
    this.#child = new Deno.Command(this.command, {
      args: this.args,
      env: { NO_COLOR: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#writer = this.#child.stdin.getWriter();
    void this.#read(this.#child.stdout);
    void this.#child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
      new WritableStream({ write: (text) => void (this.#stderr += text) }),
    );
    return Promise.resolve();
  }

  async #read(stdout: ReadableStream<Uint8Array>): Promise<void> {
    const buffer = new ReadBuffer();
    try {
      for await (const chunk of stdout) {
        buffer.append(Buffer.from(chunk));
        for (let message = buffer.readMessage(); message; message = buffer.readMessage()) {
          this.onmessage?.(message);
        }
      }
    } catch (error) {
      this.onerror?.(error as Error);
    }
    this.onclose?.();
  }

  /** Write one message (with any `RawJson` spliced in). */
  async send(message: JSONRPCMessage): Promise<void> {
    if (!this.#writer) throw new Error("RawJsonTransport is not started");
    await this.#writer.write(new TextEncoder().encode(serializeWithRaw(message) + "\n"));
  }

  /** Close stdin and wait for the server to exit. */
  async close(): Promise<void> {
    if (!this.#child) return;
    await this.#writer?.close().catch(() => {});
    await this.#child.status;
    this.#child = undefined;
  }
}
