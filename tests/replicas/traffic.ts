/**
 * Client traffic for the replica kill loop: several concurrent clients starting and advancing
 * random workflows (the crash harness's workload and run ledger) through random replicas. A call
 * whose replica died under it is sent again, byte-identically, to another replica when that is
 * safe: always for an advance (an identical retry is applied once), only when refused (never
 * sent) for a start, whose run is otherwise left unacknowledged. Reads check that every replica
 * shows every acknowledged step.
 *
 * @example
 * ```ts
 * const traffic = new ReplicaTraffic(replicas.all, workload.names, rng);
 * traffic.start(4);
 * // … kill replicas …
 * await traffic.stop();
 * ```
 * @module
 */
import type { StepResponse } from "../../src/engine/responses.ts";
import { sleep } from "../helpers/wait.ts";
import type { Random } from "../reliability/random.ts";
import { RunLedger, type TrackedRun } from "../reliability/run_ledger.ts";
import { attempt, type Failure, type Replica } from "./helpers.ts";

/** What the traffic counted. */
export interface TrafficFigures {
  /** Tool calls sent, those sent again included. */
  calls: number;
  /** Calls whose replica died under them (the others that failed were refused: never sent). */
  cutOff: number;
  /** Calls sent again to another replica after theirs died under them or was down. */
  retried: number;
  /** Starts whose replica died before answering (not sent again, not acknowledged). */
  startsUnanswered: number;
}

/** Calls a client makes in a row on replicas that fail it before giving up. */
const MAX_ATTEMPTS = 40;

/** Concurrent clients driving runs through random replicas until stopped. */
export class ReplicaTraffic {
  readonly ledger: RunLedger;
  readonly figures: TrafficFigures = { calls: 0, cutOff: 0, retried: 0, startsUnanswered: 0 };
  /** What went wrong; the clients stop at the first problem. */
  readonly problems: string[] = [];
  readonly #replicas: readonly Replica[];
  readonly #names: readonly string[];
  readonly #rng: Random;
  readonly #inFlight: Map<Replica, number>;
  readonly #busy = new Set<string>();
  #clients: Promise<void>[] = [];
  #stopping = false;

  constructor(replicas: readonly Replica[], workflowNames: readonly string[], rng: Random) {
    this.#replicas = replicas;
    this.#names = workflowNames;
    this.#rng = rng;
    this.ledger = new RunLedger(rng);
    this.#inFlight = new Map(replicas.map((replica) => [replica, 0]));
  }

  /** Start `count` clients. */
  start(count: number): void {
    this.#clients = Array.from({ length: count }, () => this.#client());
  }

  /** Let each client finish its call (retries included), then stop. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#clients);
  }

  /** Calls waiting for `replica`'s answer now. */
  inFlight(replica: Replica): number {
    return this.#inFlight.get(replica) ?? 0;
  }

  async #client(): Promise<void> {
    while (!this.#stopping && this.problems.length === 0) {
      const idle = this.ledger.idle(this.#busy);
      if (idle.length < 6 || this.#rng.chance(0.1)) {
        await this.#startRun();
        continue;
      }
      const run = this.#rng.pick(idle);
      this.#busy.add(run.id);
      await (this.#rng.chance(0.15) ? this.#look(run) : this.#advance(run));
      this.#busy.delete(run.id);
    }
  }

  /** A start, sent again only when it was refused (never sent). */
  async #startRun(): Promise<void> {
    const args = this.ledger.startArgs(this.#names);
    const started = await this.#sendAround("start_workflow", args, (failure) => {
      if (!failure.refused) this.figures.startsUnanswered += 1;
      return failure.refused;
    });
    if (started) this.ledger.started(started);
  }

  /** An advance, sent again identically until some replica answers. */
  async #advance(run: TrackedRun): Promise<void> {
    const args = this.ledger.advanceArgs(run);
    const advanced = await this.#sendAround("advance_workflow", args, () => true);
    if (advanced) this.ledger.acknowledge(run, advanced);
  }

  /** Read `run`'s status on a random replica: it must show every acknowledged step. */
  async #look(run: TrackedRun): Promise<void> {
    const args = { instance_id: run.id };
    const outcome = await this.#send(this.#rng.pick(this.#replicas), "get_workflow_status", args);
    if (!outcome.ok) {
      if (!outcome.thrown) this.problems.push(`get_workflow_status failed: ${outcome.error}`);
    } else if (outcome.content.history_length !== run.seq) {
      this.problems.push(
        `${run.id}: a replica shows ${outcome.content.history_length} steps, ` +
          `${run.seq} were acknowledged`,
      );
    }
  }

  /**
   * Send a call to random replicas until one answers; a failed request moves to another replica
   * only when `again` says the call may be sent again. `undefined`: no answer.
   */
  async #sendAround(
    name: string,
    args: Record<string, unknown>,
    again: (failure: Failure) => boolean,
  ): Promise<StepResponse | undefined> {
    let replica = this.#rng.pick(this.#replicas);
    for (let tries = 1; tries <= MAX_ATTEMPTS; tries++) {
      const outcome = await this.#send(replica, name, args);
      if (outcome.ok) return outcome.content as unknown as StepResponse;
      if (!outcome.thrown) {
        this.problems.push(`${name} failed: ${outcome.error}`);
        return undefined;
      }
      if (!outcome.refused) this.figures.cutOff += 1;
      if (!again(outcome)) return undefined;
      this.figures.retried += 1;
      replica = this.#rng.pick(this.#replicas.filter((other) => other !== replica));
      await sleep(10);
    }
    this.problems.push(`${name} failed ${MAX_ATTEMPTS} times in a row`);
    return undefined;
  }

  /** One call on `replica`, counted in flight while it runs. */
  async #send(replica: Replica, name: string, args: Record<string, unknown>) {
    this.figures.calls += 1;
    this.#inFlight.set(replica, this.inFlight(replica) + 1);
    try {
      return await attempt(replica.client, name, args);
    } finally {
      this.#inFlight.set(replica, this.inFlight(replica) - 1);
    }
  }
}
