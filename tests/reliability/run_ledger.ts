/**
 * The client-side ledger of the reliability harnesses: which runs a workload started, where each
 * one is, and every call whose response reached the client (`Acknowledged`, to be found in the
 * database afterwards). An advance's arguments are built once and kept until it is acknowledged,
 * so a call lost with its server (a SIGKILL) is sent again byte-identically: applied then, or
 * recognized as a retry of what was applied before the kill.
 *
 * @example
 * ```ts
 * const ledger = new RunLedger(rng);
 * const run = ledger.started(await call(client, "start_workflow", ledger.startArgs(names)));
 * const args = ledger.advanceArgs(run);
 * ledger.acknowledge(run, args, await call(client, "advance_workflow", args));
 * ```
 * @module
 */
import type { StepResponse } from "../../src/engine/responses.ts";
import type { Acknowledged } from "./db_invariants.ts";
import type { Random } from "./random.ts";
import { randomContextUpdates, randomStatus } from "./workload.ts";

/** A run as the client knows it. */
export interface TrackedRun {
  id: string;
  /** The step the server last told the client to work on. */
  step: string;
  /** The history length the client has seen acknowledged. */
  seq: number;
  running: boolean;
  /** The advance sent and not yet acknowledged: sent again identically on a retry. */
  pending?: Record<string, unknown>;
}

/** Runs started and calls acknowledged by a workload. */
export class RunLedger {
  readonly runs = new Map<string, TrackedRun>();
  readonly acks: Acknowledged[] = [];
  readonly #rng: Random;
  /** Numbers every call, so that no two reports are byte-identical by chance. */
  #callNo = 0;

  constructor(rng: Random) {
    this.#rng = rng;
  }

  /** Arguments of a `start_workflow` call of one of `names`. */
  startArgs(names: readonly string[], topic = "crash"): Record<string, unknown> {
    return { workflow_name: this.#rng.pick(names), context: { topic, n: this.#callNo++ } };
  }

  /** Record an acknowledged start; returns the new run. */
  started(response: StepResponse): TrackedRun {
    const run: TrackedRun = { id: response.instance_id, step: "", seq: 0, running: true };
    this.runs.set(run.id, run);
    this.#record(run, null, response);
    return run;
  }

  /** The arguments of the next advance of `run`: the pending ones if it has any. */
  advanceArgs(run: TrackedRun): Record<string, unknown> {
    if (run.pending) return run.pending;
    const updates = randomContextUpdates(this.#rng);
    run.pending = {
      instance_id: run.id,
      report: {
        step_id: run.step,
        status: randomStatus(this.#rng),
        message: `call ${this.#callNo++}`,
      },
      ...(updates ? { context_updates: updates } : {}),
    };
    return run.pending;
  }

  /** Record the acknowledged answer to `run`'s pending advance. */
  acknowledge(run: TrackedRun, response: StepResponse): void {
    const report = run.pending?.report as { step_id: string } | undefined;
    if (report === undefined) throw new Error(`run ${run.id} has no advance pending`);
    this.#record(run, report.step_id, response);
  }

  /** Running runs not in `busy`. */
  idle(busy: ReadonlySet<string>): TrackedRun[] {
    return [...this.runs.values()].filter((run) => run.running && !busy.has(run.id));
  }

  #record(run: TrackedRun, step: string | null, response: StepResponse): void {
    run.seq += 1;
    this.acks.push({
      instanceId: run.id,
      seq: run.seq,
      step,
      nextStep: response.next_step.step_name,
    });
    run.step = response.next_step.step_name;
    run.running = response.status === "RUNNING";
    run.pending = undefined;
  }
}
