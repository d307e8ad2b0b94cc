/**
 * The replica SIGKILL loop: three replicas on one PostgreSQL database, several concurrent clients
 * driving random workflows (the crash harness's workload) through random replicas, and one
 * replica at a time SIGKILLed at a random instant and restarted on its port while the two others
 * keep serving. A call that fails because its replica died is sent again, byte-identically, to
 * another replica (an advance retried that way is applied once); a start is never retried (it is
 * recorded only when acknowledged). Afterwards the database is checked over an admin connection:
 * see `invariants.ts`.
 *
 * Run in the suite by kill_loop.test.ts (REPLICA_KILLS=50 by default; REPLICA_SEED=n replays a
 * run's choices).
 * @module
 */
import type { StepResponse } from "../../src/engine/types.ts";
import { Random } from "../reliability/random.ts";
import { RunLedger, type TrackedRun } from "../reliability/run_ledger.ts";
import { writeWorkload } from "../reliability/workload.ts";
import { sleep } from "../helpers/wait.ts";
import { attempt, type Failure, type Outcome, type Replica, startReplicas } from "./helpers.ts";
import { checkDatabase, type DatabaseFindings } from "./invariants.ts";

/** How a kill loop is shaped. */
export interface KillLoopOptions {
  kills: number;
  seed: number;
  /** Clients calling at once (default 4). */
  clients?: number;
  /** Upper bound of the random pause before each kill, in ms (default 300). */
  maxKillMs?: number;
}

/** What a kill loop observed; `problems` must be empty. */
export interface KillLoopFigures extends DatabaseFindings {
  kills: number;
  /** Kills that landed before the (restarted) replica listened. */
  killedDuringStartup: number;
  /** Kills that landed while the victim had calls in flight. */
  killsMidCall: number;
  /** Tool calls sent, retries included. */
  calls: number;
  /** Calls in flight on the victim when it was killed. */
  inFlightAtKill: number;
  /** Calls sent again to another replica after theirs died under them or was down. */
  retried: number;
  /** Calls whose replica died under them (the others that failed were refused: never sent). */
  cutOff: number;
  acknowledged: number;
  /** Starts whose replica died before answering (not retried, not counted as acknowledged). */
  startsUnanswered: number;
  /** Slowest restart (spawn until listening), in ms. */
  slowestRestartMs: number;
  wallMs: number;
}

/** Calls a client makes in a row on replicas that fail it before giving up. */
const MAX_ATTEMPTS = 40;

/** Run the loop on the (empty) schema `schema` that `dbUrl` connects to. */
export async function runKillLoop(
  dbUrl: string,
  schema: string,
  options: KillLoopOptions,
): Promise<KillLoopFigures> {
  const began = performance.now();
  const rng = new Random(options.seed);
  const workload = writeWorkload(rng, 4);
  const ledger = new RunLedger(rng);
  const figures = {
    kills: 0,
    calls: 0,
    inFlightAtKill: 0,
    retried: 0,
    startsUnanswered: 0,
    killedDuringStartup: 0,
    killsMidCall: 0,
    cutOff: 0,
    slowestRestartMs: 0,
  };
  const problems: string[] = [];
  await using replicas = await startReplicas(
    dbUrl,
    Array.from({ length: 3 }, () => ({ workflowsDir: workload.dir })),
  );
  const inFlight = new Map<Replica, number>(replicas.all.map((r) => [r, 0]));

  /** One call on `replica`, counted in flight while it runs. */
  const send = async (replica: Replica, name: string, args: Record<string, unknown>) => {
    figures.calls += 1;
    inFlight.set(replica, inFlight.get(replica)! + 1);
    try {
      return await attempt(replica.client, name, args);
    } finally {
      inFlight.set(replica, inFlight.get(replica)! - 1);
    }
  };
  const unexpected = (name: string, outcome: Outcome) => {
    if (!outcome.ok) problems.push(`${name} failed: ${outcome.error}`);
  };

  /**
   * Send a call to random replicas until one answers; a failed request moves to another replica
   * only when `again` says the call may be repeated. `undefined`: no answer, not repeated.
   */
  const sendAround = async (
    name: string,
    args: Record<string, unknown>,
    again: (failure: Failure) => boolean,
  ) => {
    let replica = rng.pick(replicas.all);
    for (let tries = 1; tries <= MAX_ATTEMPTS; tries++) {
      const outcome = await send(replica, name, args);
      if (outcome.ok) return outcome.content as unknown as StepResponse;
      if (!outcome.thrown) return void unexpected(name, outcome);
      if (!outcome.refused) figures.cutOff += 1;
      if (!again(outcome)) return undefined;
      figures.retried += 1;
      replica = rng.pick(replicas.all.filter((r) => r !== replica));
      await sleep(10);
    }
    problems.push(`${name} failed ${MAX_ATTEMPTS} times in a row`);
    return undefined;
  };

  /**
   * Start a run; sent again only when it was refused (never sent): a start lost with its replica
   * may have created a run, which is then left unacknowledged.
   */
  const start = async () => {
    const args = ledger.startArgs(workload.names);
    const started = await sendAround("start_workflow", args, (outcome) => {
      if (!outcome.refused) figures.startsUnanswered += 1;
      return outcome.refused;
    });
    if (started) ledger.started(started);
  };

  /** Advance `run`; a call lost with its replica is sent again identically (applied once). */
  const advance = async (run: TrackedRun) => {
    const advanced = await sendAround("advance_workflow", ledger.advanceArgs(run), () => true);
    if (advanced) ledger.acknowledge(run, advanced);
  };

  /** Read `run`'s status on a random replica: it must show every acknowledged step. */
  const look = async (run: TrackedRun) => {
    const outcome = await send(rng.pick(replicas.all), "get_workflow_status", {
      instance_id: run.id,
    });
    if (!outcome.ok) return outcome.thrown ? undefined : unexpected("get_workflow_status", outcome);
    if (outcome.content.history_length !== run.seq) {
      problems.push(
        `${run.id}: a replica shows ${outcome.content.history_length} steps, ` +
          `${run.seq} were acknowledged`,
      );
    }
  };

  let stopping = false;
  const busy = new Set<string>();
  const client = async () => {
    while (!stopping && problems.length === 0) {
      const idle = ledger.idle(busy);
      if (idle.length < 6 || rng.chance(0.1)) {
        await start();
        continue;
      }
      const run = rng.pick(idle);
      busy.add(run.id);
      await (rng.chance(0.15) ? look(run) : advance(run));
      busy.delete(run.id);
    }
  };
  const clients = Array.from({ length: options.clients ?? 4 }, client);

  // One replica down at a time: the next victim is the one still restarting (killed during its
  // start-up), or another once the restarting one listens.
  let restarting: Promise<void> | undefined;
  let restarted: Replica | undefined;
  for (let kill = 0; kill < options.kills && problems.length === 0; kill++) {
    const victim = rng.pick(replicas.all);
    if (victim !== restarted) await restarting;
    await sleep(rng.int(options.maxKillMs ?? 300));
    // Aim at a call in flight when there is one soon (a loaded machine leaves gaps).
    for (let wait = 0; wait < 50 && victim.listening && inFlight.get(victim) === 0; wait++) {
      await sleep(5);
    }
    figures.inFlightAtKill += inFlight.get(victim)!;
    if (inFlight.get(victim)! > 0) figures.killsMidCall += 1;
    if (!victim.listening) figures.killedDuringStartup += 1;
    await victim.kill();
    figures.kills += 1;
    const since = performance.now();
    restarted = victim;
    restarting = victim.restart().then(
      () => {
        const took = Math.round(performance.now() - since);
        figures.slowestRestartMs = Math.max(figures.slowestRestartMs, took);
      },
      // Killed again before it listened (the last restart is checked below).
      () => {},
    );
  }
  await restarting;
  for (const replica of replicas.all) {
    if (!replica.listening) problems.push(`${replica.name} did not restart:\n${replica.stderr()}`);
  }
  stopping = true;
  await Promise.all(clients);
  const found = await checkDatabase(schema, ledger.acks);
  return {
    ...figures,
    ...found,
    problems: [...problems, ...found.problems],
    acknowledged: ledger.acks.length,
    wallMs: Math.round(performance.now() - began),
  };
}

/** The figures as printed after a run. */
export function formatKillLoop(f: KillLoopFigures): string {
  return [
    `replica kill loop: ${f.kills} SIGKILLs of 3 replicas (${f.killedDuringStartup} during ` +
    `start-up) in ${(f.wallMs / 1000).toFixed(1)} s (slowest restart ${f.slowestRestartMs} ms)`,
    `  calls ${f.calls} (cut off by a kill ${f.cutOff}; sent again to another replica ` +
    `${f.retried}), acknowledged ` +
    `${f.acknowledged}, starts unanswered ${f.startsUnanswered}`,
    `  kills with calls in flight ${f.killsMidCall} (calls in flight at a kill ` +
    `${f.inFlightAtKill})`,
    `  runs ${f.instances}, history rows ${f.historyRows}; lost ${f.lost}, double-applied ` +
    `${f.doubleApplied}, problems ${f.problems.length}`,
    ...f.problems.slice(0, 20).map((p) => `  PROBLEM ${p}`),
  ].join("\n");
}
