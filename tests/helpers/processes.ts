/**
 * Process trees for tests that kill a parent and check its children went with it (read with
 * `ps`, as Deno allows /proc only with every permission).
 * @module
 */

/** The parent pid of every running process, by pid (from `ps`). */
function parents(): Map<number, number> {
  const output = new Deno.Command("ps", { args: ["-e", "-o", "pid=,ppid="] }).outputSync();
  const result = new Map<number, number>();
  for (const line of new TextDecoder().decode(output.stdout).split("\n")) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (pid && ppid !== undefined) result.set(pid, ppid);
  }
  return result;
}

/** The command line of `pid` (arguments joined by spaces, not cut), or "" when it is gone. */
export function commandOf(pid: number): string {
  const output = new Deno.Command("ps", { args: ["-ww", "-o", "args=", "-p", String(pid)] })
    .outputSync();
  return new TextDecoder().decode(output.stdout).trim();
}

/** The pids of `pid`'s children, grandchildren and so on. */
export function descendants(pid: number): number[] {
  const byParent = parents();
  const found: number[] = [];
  for (let frontier = [pid]; frontier.length > 0;) {
    const next = [...byParent].filter(([, ppid]) => frontier.includes(ppid)).map(([p]) => p);
    found.push(...next);
    frontier = next;
  }
  return found;
}

/** SIGKILL each of `pids` that is still running deno (cleanup after a failed test). */
export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      if (!commandOf(pid).includes("deno")) continue;
      Deno.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

/** A spawned process whose stdout and stderr are read to their end, into one text. */
export interface Watched {
  child: Deno.ChildProcess;
  stdin?: WritableStreamDefaultWriter<Uint8Array>;
  output: () => string;
  /** Resolves once every process holding stdout and stderr has exited. */
  ended: Promise<void>;
}

/** Spawn `command args…`, collecting its stdout and stderr (interleaved as they arrive). */
export function spawnCollected(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; stdin: "piped" | "null" },
): Watched {
  const child = new Deno.Command(command, {
    args,
    cwd: options.cwd,
    env: options.env,
    stdin: options.stdin,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const collect = (stream: ReadableStream<Uint8Array>) =>
    stream.pipeThrough(new TextDecoderStream()).pipeTo(
      new WritableStream({ write: (text) => void (output += text) }),
    );
  return {
    child,
    stdin: options.stdin === "piped" ? child.stdin.getWriter() : undefined,
    output: () => output,
    ended: Promise.all([collect(child.stdout), collect(child.stderr)]).then(() => {}),
  };
}

/** What a finished process printed and how it exited. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `command args…` to its end; `stdin`, when given, is what it reads on standard input. */
export async function runToEnd(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; stdin?: string } = {},
): Promise<RunResult> {
  const child = new Deno.Command(command, {
    args,
    cwd: options.cwd,
    env: options.env,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const output = await child.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}
