/**
 * Crash-safety harness: starts the server (main.ts with the launcher's permission flags), drives
 * random workflows (built-in and generated) with several advances in flight through the real MCP
 * client, SIGKILLs the process at a random instant, and checks the database before restarting on
 * it: integrity ok, no instance half-applied, and every call whose response reached the client
 * still there. After a restart each call that was in flight at the kill is retried byte-identically
 * and must succeed (applied now, or replayed if it was applied before the kill).
 *
 * Run: `deno task crash` (CRASH_KILLS=50 by default; CRASH_KILLS=500 for the long run,
 * CRASH_SEED=n to replay a run). `tests/reliability/crash.test.ts` runs it in the suite.
 * @module
 */
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { join } from "node:path";
import { serverArgs, toolText } from "../helpers/server.ts";
import { checkDatabaseFile } from "./db_invariants.ts";
import { countFromEnv, Random, seedFromEnv } from "./random.ts";
import { RunLedger, type TrackedRun } from "./run_ledger.ts";
import { writeWorkload } from "./workload.ts";
import type { StepResponse } from "../../src/engine/responses.ts";
import { deadline, sleep } from "../helpers/wait.ts";

/** How a crash run is shaped. */
export interface CrashOptions {
  kills: number;
  seed: number;
  /** Calls kept in flight at once (default 4). */
  concurrency?: number;
  /** Upper bound of the random delay before the kill, in ms after the connection (default 250). */
  maxKillMs?: number;
}

/** What a crash run observed; `problems` must be empty and `lost` zero. */
export interface CrashFigures {
  kills: number;
  /** Kills that landed before the server had answered `initialize`. */
  killedDuringStartup: number;
  callsSent: number;
  acknowledged: number;
  /** Advances in flight when the process died. */
  inFlightAtKill: number;
  /** …of which the database shows as applied before the kill (replayed on retry). */
  inFlightApplied: number;
  instances: number;
  lost: number;
  problems: string[];
  wallMs: number;
}

interface Session {
  client: Client;
  pid: () => number | null;
  connected: Promise<boolean>;
  closed: Promise<void>;
  stderr: () => string;
}

function spawnServer(workflowsDir: string, dbPath: string): Session {
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: serverArgs(workflowsDir, dbPath),
    env: { NO_COLOR: "1" },
    stderr: "pipe",
  });
  let errors = "";
  transport.stderr?.on("data", (chunk: Uint8Array) => {
    errors += new TextDecoder().decode(chunk);
  });
  const client = new Client({ name: "crash-harness", version: "1.0.0" });
  const closed = new Promise<void>((resolve) => (client.onclose = resolve));
  const connected = client.connect(transport).then(() => true, () => false);
  return { client, pid: () => transport.pid, connected, closed, stderr: () => errors };
}

/** Run `options.kills` start -> load -> SIGKILL -> verify cycles on one database. */
export async function runCrashHarness(options: CrashOptions): Promise<CrashFigures> {
  const began = performance.now();
  const rng = new Random(options.seed);
  const concurrency = options.concurrency ?? 4;
  const maxKillMs = options.maxKillMs ?? 250;
  const workload = writeWorkload(rng, 6);
  const dbPath = join(Deno.makeTempDirSync({ prefix: "orch-crash-" }), "data", "crash.sqlite");
  const ledger = new RunLedger(rng);
  const figures: CrashFigures = {
    kills: 0,
    killedDuringStartup: 0,
    callsSent: 0,
    acknowledged: 0,
    inFlightAtKill: 0,
    inFlightApplied: 0,
    instances: 0,
    lost: 0,
    problems: [],
    wallMs: 0,
  };
  /** Advances sent and not yet answered, so a kill can be aimed at one. */
  let advancesInFlight = 0;

  /** One tool call; `undefined` when the connection died under it. */
  const send = async (session: Session, name: string, args: Record<string, unknown>) => {
    figures.callsSent += 1;
    const isAdvance = name === "advance_workflow";
    if (isAdvance) advancesInFlight += 1;
    try {
      const result = await session.client.callTool({ name, arguments: args });
      if (result.isError) {
        figures.problems.push(`${name} failed unexpectedly: ${toolText(result)}`);
        return undefined;
      }
      return result.structuredContent as unknown as StepResponse;
    } catch {
      // The process was killed with this call in flight.
      if (isAdvance) figures.inFlightAtKill += 1;
      return undefined;
    } finally {
      if (isAdvance) advancesInFlight -= 1;
    }
  };

  const startOne = async (session: Session) => {
    const response = await send(session, "start_workflow", ledger.startArgs(workload.names));
    if (!response) return false;
    ledger.started(response);
    return true;
  };

  const advance = async (session: Session, inst: TrackedRun) => {
    const response = await send(session, "advance_workflow", ledger.advanceArgs(inst));
    if (!response) return false;
    ledger.acknowledge(inst, response);
    return true;
  };

  /** Retry what was in flight at the last kill; each must now succeed. */
  const settlePending = async (session: Session) => {
    for (const inst of ledger.runs.values()) {
      if (!inst.pending) continue;
      let length: number | undefined;
      try {
        const status = await session.client.callTool({
          name: "get_workflow_status",
          arguments: { instance_id: inst.id },
        });
        length = (status.structuredContent as { history_length?: number }).history_length;
      } catch {
        return false;
      }
      if (length === inst.seq + 1) figures.inFlightApplied += 1;
      else if (length !== inst.seq) {
        figures.problems.push(
          `instance ${inst.id}: history_length ${length}, expected ${inst.seq}`,
        );
      }
      if (!await advance(session, inst)) return false;
    }
    return true;
  };

  const worker = async (session: Session, busy: Set<string>) => {
    while (true) {
      const idle = ledger.idle(busy);
      if (idle.length < 6 || rng.chance(0.1)) {
        if (!await startOne(session)) return;
        continue;
      }
      const inst = rng.pick(idle);
      busy.add(inst.id);
      const ok = await advance(session, inst);
      busy.delete(inst.id);
      if (!ok) return;
    }
  };

  for (let cycle = 0; cycle < options.kills; cycle++) {
    const session = spawnServer(workload.dir, dbPath);
    const killEarly = rng.chance(0.1);
    const kill = async () => {
      // Under heavy load the process may not have a pid yet: wait for it rather than skip the
      // kill (a skipped kill would leave the workers running forever).
      if (session.pid() === null) await session.connected;
      const pid = session.pid();
      if (pid !== null) Deno.kill(pid, "SIGKILL");
    };
    if (killEarly) {
      await sleep(rng.int(150));
      await kill();
      if (!await session.connected) figures.killedDuringStartup += 1;
    } else {
      if (!await session.connected) {
        throw new Error(`cycle ${cycle}: the server did not start:\n${session.stderr()}`);
      }
      const busy = new Set<string>();
      const load = settlePending(session).then((ok) =>
        ok ? Promise.all(Array.from({ length: concurrency }, () => worker(session, busy))) : []
      );
      // The random window starts once this server answers (a loaded machine starts it slowly).
      const before = ledger.acks.length;
      for (let wait = 0; wait < 2_000 && ledger.acks.length === before; wait++) await sleep(5);
      await sleep(rng.int(maxKillMs));
      // Aim the kill at an advance in flight (a loaded machine leaves gaps between calls).
      for (let wait = 0; wait < 20 && advancesInFlight === 0; wait++) await sleep(5);
      await kill();
      await load;
    }
    await deadline(session.closed, 30_000, `cycle ${cycle}: the server did not exit after SIGKILL`);
    await session.client.close();
    figures.kills += 1;
    const problems = checkDatabaseFile(dbPath, ledger.acks);
    figures.lost += problems.filter((p) => p.startsWith("lost:")).length;
    figures.problems.push(...problems.map((p) => `after kill ${cycle + 1}: ${p}`));
    if (problems.length > 0) break;
  }
  figures.acknowledged = ledger.acks.length;
  figures.instances = ledger.runs.size;
  figures.wallMs = Math.round(performance.now() - began);
  return figures;
}

/** One line per figure, as printed for the closing note. */
export function formatFigures(f: CrashFigures): string {
  return [
    `crash harness: ${f.kills} SIGKILLs survived (${f.killedDuringStartup} during start-up) in ` +
    `${(f.wallMs / 1000).toFixed(1)} s`,
    `  calls sent ${f.callsSent}, acknowledged ${f.acknowledged}, instances ${f.instances}`,
    `  in flight at a kill ${f.inFlightAtKill} (applied before the kill: ${f.inFlightApplied}); ` +
    `all retried successfully after restart`,
    `  acknowledged steps lost: ${f.lost}; consistency problems: ${f.problems.length}`,
    ...f.problems.slice(0, 20).map((p) => `  PROBLEM ${p}`),
  ].join("\n");
}

if (import.meta.main) {
  const figures = await runCrashHarness({
    kills: countFromEnv("CRASH_KILLS", 50),
    seed: seedFromEnv("CRASH_SEED"),
  });
  console.log(formatFigures(figures));
  if (figures.problems.length > 0 || figures.lost > 0) Deno.exit(1);
}
