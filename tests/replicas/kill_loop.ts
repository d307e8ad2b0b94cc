/**
 * The replica SIGKILL loop: three replicas on one PostgreSQL database, client traffic through
 * random replicas (traffic.ts), and one replica at a time SIGKILLed at a random instant and
 * restarted on its port while the two others keep serving. Afterwards the database is checked
 * over an admin connection (invariants.ts): nothing acknowledged lost, nothing applied twice,
 * every run's bookkeeping and the listing counts consistent.
 *
 * Run in the suite by kill_loop.test.ts (REPLICA_KILLS=50 by default; REPLICA_SEED=n replays a
 * run's choices).
 * @module
 */
import { sleep } from "../helpers/wait.ts";
import { Random } from "../reliability/random.ts";
import { writeWorkload } from "../reliability/workload.ts";
import { type Replica, startReplicas } from "./helpers.ts";
import { checkDatabase, type DatabaseFindings } from "./invariants.ts";
import { ReplicaTraffic, type TrafficFigures } from "./traffic.ts";

/** How a kill loop is shaped. */
export interface KillLoopOptions {
  kills: number;
  seed: number;
  /** Clients calling at once (default 4). */
  clients?: number;
  /** Upper bound of the random pause before each kill, in ms (default 200). */
  maxKillMs?: number;
}

/** What the kills did. */
export interface KillFigures {
  kills: number;
  /** Kills that landed before the (restarted) replica listened. */
  killedDuringStartup: number;
  /** Kills that landed while the victim had calls in flight. */
  killsMidCall: number;
  /** Calls in flight on the victims when they were killed. */
  inFlightAtKill: number;
  /** Slowest restart (spawn until listening), in ms. */
  slowestRestartMs: number;
}

/** What a kill loop observed; `problems` must be empty. */
export interface KillLoopFigures extends KillFigures, TrafficFigures, DatabaseFindings {
  acknowledged: number;
  wallMs: number;
}

/** Run the loop on the (empty) schema `schema` that `dbUrl` connects to. */
export async function runKillLoop(
  dbUrl: string,
  schema: string,
  options: KillLoopOptions,
): Promise<KillLoopFigures> {
  const began = performance.now();
  const rng = new Random(options.seed);
  const workload = writeWorkload(rng, 4);
  await using replicas = await startReplicas(
    dbUrl,
    Array.from({ length: 3 }, () => ({ workflowsDir: workload.dir })),
  );
  const traffic = new ReplicaTraffic(replicas.all, workload.names, rng);
  traffic.start(options.clients ?? 4);
  const kills = await killRepeatedly(replicas.all, traffic, rng, options);
  await traffic.stop();
  const found = await checkDatabase(schema, traffic.ledger.acks);
  return {
    ...kills,
    ...traffic.figures,
    ...found,
    problems: [...traffic.problems, ...found.problems],
    acknowledged: traffic.ledger.acks.length,
    wallMs: Math.round(performance.now() - began),
  };
}

/**
 * SIGKILL a random replica `options.kills` times, restarting it each time. One replica is down
 * at a time: the next victim is the one still restarting (killed during its start-up), or
 * another once the restarting one listens. Stops early when the traffic found a problem.
 */
async function killRepeatedly(
  replicas: readonly Replica[],
  traffic: ReplicaTraffic,
  rng: Random,
  options: KillLoopOptions,
): Promise<KillFigures> {
  const figures: KillFigures = {
    kills: 0,
    killedDuringStartup: 0,
    killsMidCall: 0,
    inFlightAtKill: 0,
    slowestRestartMs: 0,
  };
  let restarting: Promise<void> | undefined;
  let restarted: Replica | undefined;
  while (figures.kills < options.kills && traffic.problems.length === 0) {
    const victim = rng.pick(replicas);
    if (victim !== restarted) await restarting;
    await sleep(rng.int(options.maxKillMs ?? 200));
    // Aim at a call in flight when there is one soon (a loaded machine leaves gaps).
    for (let wait = 0; wait < 50 && victim.listening && traffic.inFlight(victim) === 0; wait++) {
      await sleep(5);
    }
    const inFlight = traffic.inFlight(victim);
    figures.inFlightAtKill += inFlight;
    if (inFlight > 0) figures.killsMidCall += 1;
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
      () => {}, // killed again before it listened (the last restart is checked below)
    );
  }
  await restarting;
  for (const replica of replicas) {
    if (!replica.listening) {
      traffic.problems.push(`${replica.name} did not restart:\n${replica.stderr()}`);
    }
  }
  return figures;
}

/** The figures as printed after a run. */
export function formatKillLoop(f: KillLoopFigures): string {
  return [
    `replica kill loop: ${f.kills} SIGKILLs of 3 replicas (${f.killedDuringStartup} during ` +
    `start-up) in ${(f.wallMs / 1000).toFixed(1)} s (slowest restart ${f.slowestRestartMs} ms)`,
    `  calls ${f.calls} (cut off by a kill ${f.cutOff}; sent again to another replica ` +
    `${f.retried}), acknowledged ${f.acknowledged}, starts unanswered ${f.startsUnanswered}`,
    `  kills with calls in flight ${f.killsMidCall} (calls in flight at a kill ` +
    `${f.inFlightAtKill})`,
    `  runs ${f.instances}, history rows ${f.historyRows}; lost ${f.lost}, double-applied ` +
    `${f.doubleApplied}, problems ${f.problems.length}`,
    ...f.problems.slice(0, 20).map((p) => `  PROBLEM ${p}`),
  ].join("\n");
}
