/**
 * Status changes a client asks for outside the step flow: cancelling a run (it ends for good) and
 * suspending it (it keeps its step and refuses reports until resumed), each one history entry
 * written on condition of the version read.
 *
 * @example
 * ```ts
 * import { cancelRun } from "./lifecycle.ts";
 * const cancelled = await cancelRun(store, instance, "user gave up");
 * ```
 * @module
 */
import { FINISH } from "../definitions/types.ts";
import { InstanceFinishedError } from "../errors.ts";
import type { JsonObject } from "../json.ts";
import {
  type Decision,
  FINISHED_STATUSES,
  type Instance,
  type InstanceStatus,
  type NewHistoryEntry,
  type Report,
  type Store,
} from "../store/types.ts";

/** A history entry that is not a report's (resume, cancel, suspend): no retry key. */
export function historyEntry(
  step: string,
  decision: Decision,
  statusAfter: InstanceStatus,
  client: { report?: Report; contextUpdates?: JsonObject } = {},
): NewHistoryEntry {
  return {
    step,
    report: client.report ?? null,
    contextUpdates: client.contextUpdates ?? null,
    decision,
    statusAfter,
    requestHash: null,
  };
}

/**
 * End `instance` as CANCELLED.
 * @throws {InstanceFinishedError} it has already ended
 * @throws {ConflictError} another call changed it since it was read
 */
export async function cancelRun(
  store: Store,
  instance: Instance,
  reason?: string,
): Promise<Instance> {
  refuseFinished(instance, "cancelled");
  const decision: Decision = {
    source: "cancel",
    nextStep: FINISH,
    reasoning: reason ? `Cancelled: ${reason}` : "Cancelled by the client.",
  };
  return await store.applyTransition(
    instance.id,
    instance.version,
    { status: "CANCELLED", currentStep: FINISH, context: instance.context },
    historyEntry(instance.currentStep, decision, "CANCELLED"),
  );
}

/**
 * Suspend `instance` on its step (a suspended one is returned unchanged).
 * @throws {InstanceFinishedError} it has already ended
 * @throws {ConflictError} another call changed it since it was read
 */
export async function suspendRun(
  store: Store,
  instance: Instance,
  reason?: string,
): Promise<Instance> {
  refuseFinished(instance, "suspended");
  if (instance.status === "SUSPENDED") return instance;
  const decision: Decision = {
    source: "suspend",
    nextStep: instance.currentStep,
    reasoning: reason ? `Suspended: ${reason}` : "Suspended by the client.",
  };
  return await store.applyTransition(
    instance.id,
    instance.version,
    { status: "SUSPENDED", currentStep: instance.currentStep, context: instance.context },
    historyEntry(instance.currentStep, decision, "SUSPENDED"),
  );
}

/** Refuse a run that has finished: it can no longer be `what` (e.g. "cancelled"). */
function refuseFinished(instance: Instance, what: string): void {
  if (FINISHED_STATUSES.has(instance.status)) {
    throw new InstanceFinishedError(instance.id, instance.status, `it can no longer be ${what}`);
  }
}
