/**
 * A raw stdio peer for tests that send what no SDK client would (oversized lines, broken JSON):
 * spawns main.ts with the launcher's permission flags, writes bytes to its stdin and collects the
 * JSON-RPC messages it writes to stdout.
 * @module
 */
import { INITIALIZE } from "./jsonrpc.ts";
import { BUILTIN_WORKFLOWS, serverArgs, tempDbPath } from "./server.ts";
import { eventually } from "./wait.ts";

/** One JSON-RPC message the server wrote. */
export type Answer = {
  id?: string | number | null;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
};

/** A spawned server spoken to in raw bytes. */
export interface RawStdioServer {
  child: Deno.ChildProcess;
  /** Write `text` followed by a line break. */
  sendLine(text: string): Promise<void>;
  /** Write raw bytes (no line break added). */
  sendBytes(bytes: Uint8Array): Promise<void>;
  /** Every message received so far. */
  answers(): Answer[];
  /** The first answer with this id, waiting up to `timeoutMs` for it. */
  answerTo(id: string | number | null, timeoutMs?: number): Promise<Answer>;
  stderr(): string;
  /** Close stdin and wait for the exit status. */
  close(): Promise<Deno.CommandStatus>;
}

/** Spawn the server (stub decider, built-in workflows) and complete the 2025 handshake. */
export async function spawnRawStdio(): Promise<RawStdioServer> {
  const child = new Deno.Command(Deno.execPath(), {
    args: serverArgs(BUILTIN_WORKFLOWS, tempDbPath()),
    env: { NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  const received: Answer[] = [];
  let errors = "";
  const reading = (async () => {
    let pending = "";
    for await (const text of child.stdout.pipeThrough(new TextDecoderStream())) {
      pending += text;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) if (line.trim()) received.push(JSON.parse(line));
    }
  })();
  const stderrDone = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (text) => void (errors += text) }),
  );
  const server: RawStdioServer = {
    child,
    sendLine: (text) => writer.write(new TextEncoder().encode(`${text}\n`)),
    sendBytes: (bytes) => writer.write(bytes),
    answers: () => received,
    answerTo: (id, timeoutMs = 30_000) =>
      eventually(
        () => received.find((answer) => answer.id === id),
        `an answer to ${JSON.stringify(id)}; stderr:\n${errors}`,
        { timeoutMs, everyMs: 20 },
      ),
    stderr: () => errors,
    close: async () => {
      await writer.close().catch(() => {});
      const status = await child.status;
      await Promise.all([reading, stderrDone]);
      return status;
    },
  };
  await server.sendLine(JSON.stringify(INITIALIZE));
  await server.answerTo(INITIALIZE.id);
  await server.sendLine(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
  return server;
}
