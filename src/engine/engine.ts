/**
 * The orchestration rules: start, advance, resume, cancel and inspect workflow instances. The
 * engine owns no I/O: it reads definitions, decides through a `DecisionMaker` and persists through a
 * `Store` (whichever backend), one transaction per state change, written only after the decision is
 * known.
 *
 * @example
 * ```ts
 * const engine = new WorkflowEngine({ definitions, store, decider: new StubDecisionMaker() });
 * const first = await engine.start("JOKE_GENERATOR", {});
 * const next = await engine.advance(first.instance_id, { step_id: "greet", status: "success" });
 * ```
 * @module
 */
import { declaredRoute } from "../decide/route.ts";
import type { DecisionCall, DecisionMaker } from "../decide/types.ts";
import {
  type Definitions,
  FINISH,
  type StepDefinition,
  type WorkflowDefinition,
} from "../definitions/types.ts";
import {
  ConflictError,
  DuplicateInstanceError,
  InstanceFinishedError,
  InvalidInputError,
  RunSuspendedError,
  StaleReportError,
  UnknownInstanceError,
} from "../errors.ts";
import type { JsonObject } from "../json.ts";
import {
  type Decision,
  FINISHED_STATUSES,
  type Instance,
  type InstanceChange,
  type InstanceQuery,
  type NewHistoryEntry,
  type PlannedTransition,
  type Report,
  type RunSnapshot,
  type Store,
} from "../store/types.ts";
import { type Decided, decideNext } from "./decide_next.ts";
import { addDefinitionNotice } from "./definition_notice.ts";
import { applyInputs } from "./inputs.ts";
import { cancelRun, historyEntry, suspendRun } from "./lifecycle.ts";
import { checkSize, MAX_CONTEXT_BYTES, mergeContext } from "./limits.ts";
import { PinnedDefinitions } from "./pinned.ts";
import { resumeRun } from "./resume.ts";
import {
  type AdvanceRequest,
  advanceRequest,
  instanceIdForRequest,
  isSameRequest,
  startRequestHash,
} from "./request.ts";
import type { HistoryView, InstanceStatusView, ResumeResponse, StepResponse } from "./responses.ts";
import { historyView, statusView, stepResponse } from "./views.ts";

export { MAX_CONTEXT_BYTES, MAX_REPORT_BYTES } from "./limits.ts";

/** The definition and step a report is about, and the context with its updates merged. */
interface ReportTarget {
  definition: WorkflowDefinition;
  step: StepDefinition;
  context: JsonObject;
}

/** What the advance's plan found: an answer already, an AI decision to make, or a missing definition. */
type AdvancePlan =
  | { instance: Instance; answer: StepResponse }
  | { instance: Instance; target: ReportTarget }
  | { instance: Instance; needsDefinition: true };

/** What the engine is built from. */
export interface EngineDeps {
  definitions: Definitions;
  store: Store;
  decider: DecisionMaker;
  /** Source of instance ids (UUIDs by default). */
  newId?: () => string;
}

/** Start, advance, resume, cancel and inspect workflow instances. */
export class WorkflowEngine {
  readonly #definitions: Definitions;
  readonly #store: Store;
  readonly #decider: DecisionMaker;
  readonly #newId: () => string;
  readonly #pinned: PinnedDefinitions;

  constructor(deps: EngineDeps) {
    this.#definitions = deps.definitions;
    this.#store = deps.store;
    this.#decider = deps.decider;
    this.#newId = deps.newId ?? (() => crypto.randomUUID());
    this.#pinned = new PinnedDefinitions(deps.store, deps.definitions);
  }

  /**
   * Create an instance of `workflowName` positioned on its first step. With a client-chosen
   * `requestId`, a repeated start (same key, same arguments) returns the run the first one
   * created, wherever it is now, instead of a second run.
   */
  async start(
    workflowName: string,
    context: JsonObject = {},
    requestId?: string,
  ): Promise<StepResponse> {
    const definition = this.#definitions.get(workflowName);
    const initial = applyInputs(definition, context);
    checkSize("The context", initial, MAX_CONTEXT_BYTES);
    // Not awaited on its own: queued together, the pin and the new run share one commit.
    const pinned = this.#pinned.pin(definition);
    const id = requestId === undefined ? this.#newId() : instanceIdForRequest(requestId);
    const requestHash = requestId === undefined ? null : startRequestHash(workflowName, context);
    const decision: Decision = {
      source: "start",
      nextStep: definition.start,
      reasoning: `Started at the first step '${definition.start}'.`,
    };
    const response = stepResponse(definition, id, "RUNNING", definition.start, initial, decision);
    const created = this.#store.createInstance(
      {
        id,
        workflowName,
        definitionHash: definition.hash,
        status: "RUNNING",
        currentStep: definition.start,
        context: initial,
      },
      {
        step: null,
        report: null,
        contextUpdates: context,
        decision,
        statusAfter: "RUNNING",
        requestHash,
      },
    );
    try {
      await Promise.all([pinned, created]);
    } catch (error) {
      if (requestId === undefined || !(error instanceof DuplicateInstanceError)) throw error;
      return await this.#repeatedStart(id, requestId, requestHash);
    }
    return response;
  }

  /** The answer to a start whose `request_id` already created run `id`: that run as it is now. */
  async #repeatedStart(
    id: string,
    requestId: string,
    requestHash: string | null,
  ): Promise<StepResponse> {
    const run = await this.#instance(id);
    const { entries } = await this.#store.listHistory(id, { limit: 1, offset: 0 });
    if (entries[0]?.requestHash !== requestHash) {
      throw new InvalidInputError(
        `request_id '${requestId}' already started run '${id}' of workflow ` +
          `'${run.workflowName}' with other arguments. Use a new request_id for a new run, or ` +
          `continue that one with get_workflow_status.`,
      );
    }
    const definition = await this.#pinned.forRun(run);
    return stepResponse(definition, id, run.status, run.currentStep, run.context, {
      source: "start",
      nextStep: run.currentStep,
      reasoning: `This request_id already started run '${id}'; nothing new was started. The ` +
        `run is ${run.status} at step '${run.currentStep}'.`,
    });
  }

  /**
   * Apply the client's report on the current step and move to the next one. A byte-identical retry
   * of the last applied report returns the same response, also when it raced the original.
   */
  async advance(
    instanceId: string,
    report: Report,
    contextUpdates?: JsonObject,
    call?: DecisionCall,
  ): Promise<StepResponse> {
    return await this.#advance(instanceId, advanceRequest(report, contextUpdates), call);
  }

  async #advance(
    instanceId: string,
    request: AdvanceRequest,
    call?: DecisionCall,
  ): Promise<StepResponse> {
    // Declared routes, retries and refusals are decided on the run as the store's transition
    // reads it (nothing can come between); only an AI decision is made outside it, and then
    // written only if the instance did not move meanwhile. The plan is pure, so a definition not
    // yet known is loaded outside it and the plan run again.
    let loaded: WorkflowDefinition | undefined;
    for (;;) {
      const planned = await this.#store.transition(
        instanceId,
        (run) => this.#planAdvance(run, request, loaded),
      );
      if ("needsDefinition" in planned) {
        loaded = await this.#pinned.forRun(planned.instance);
        continue;
      }
      if ("answer" in planned) {
        addDefinitionNotice(this.#definitions, planned.answer, planned.instance);
        return planned.answer;
      }
      return await this.#advanceByDecision(planned.instance, planned.target, request, call);
    }
  }

  /** The advance as far as it can go without an AI decision, for `Store.transition`. */
  #planAdvance(
    run: RunSnapshot,
    request: AdvanceRequest,
    loaded: WorkflowDefinition | undefined,
  ): PlannedTransition<AdvancePlan> {
    const { instance } = run;
    // `loaded` was loaded for this very run (a run's definition hash never changes).
    const definition = this.#pinned.cached(instance.definitionHash) ?? loaded;
    if (definition === undefined) return { value: { instance, needsDefinition: true } };
    const { report } = request;
    if (instance.status === "SUSPENDED") {
      throw new RunSuspendedError(instance.id, instance.currentStep);
    }
    if (FINISHED_STATUSES.has(instance.status) || report.step_id !== instance.currentStep) {
      const replay = replayOf(run, definition, request);
      if (replay) return { value: { instance, answer: replay } };
      if (FINISHED_STATUSES.has(instance.status)) {
        throw new InstanceFinishedError(instance.id, instance.status);
      }
      throw new StaleReportError(instance.id, report.step_id, instance.currentStep);
    }
    const step = stepOf(definition, instance.currentStep);
    const context = mergeContext(instance.context, request.contextUpdates);
    const routed = declaredRoute(step, report.status);
    if (routed === undefined) {
      return { value: { instance, target: { definition, step, context } } };
    }
    const { answer, change, entry } = transitionTo(instance, definition, step, request, {
      nextStep: routed,
      status: routed === FINISH ? "COMPLETED" : "RUNNING",
      context,
      decision: {
        source: "route",
        nextStep: routed,
        reasoning: `Declared route of step '${step.name}' for status '${report.status}'.`,
      },
    });
    return { value: { instance, answer }, change, entry };
  }

  /** Ask the decision maker, then write its decision if the instance is still where it was. */
  async #advanceByDecision(
    instance: Instance,
    { definition, step, context }: ReportTarget,
    request: AdvanceRequest,
    call?: DecisionCall,
  ): Promise<StepResponse> {
    const decided = await decideNext(
      { decider: this.#decider, store: this.#store },
      { instance, definition, step, report: request.report, context },
      call,
    );
    const { answer, change, entry } = transitionTo(instance, definition, step, request, decided);
    const written = await this.#store.transition(instance.id, (current) => {
      if (current.instance.version === instance.version) return { value: answer, change, entry };
      // An identical request that arrived together with this one won: answer as a retry would.
      const replay = replayOf(current, definition, request);
      if (replay) return { value: replay };
      throw new ConflictError(instance.id);
    });
    addDefinitionNotice(this.#definitions, written, instance);
    return written;
  }

  /**
   * Reconcile what the client believes (its current step) with the persisted state. The persisted
   * state wins; a report is applied only when the client's step matches.
   */
  resume(
    instanceId: string,
    assumedStep: string,
    report?: Report,
    contextUpdates?: JsonObject,
    call?: DecisionCall,
  ): Promise<ResumeResponse> {
    return resumeRun(
      {
        store: this.#store,
        definitions: this.#definitions,
        pinned: this.#pinned,
        instance: (id) => this.#instance(id),
        advance: (id, request, decisionCall) => this.#advance(id, request, decisionCall),
      },
      { instanceId, assumedStep, report, contextUpdates },
      call,
    );
  }

  /** End a running instance as CANCELLED. */
  async cancel(instanceId: string, reason?: string): Promise<InstanceStatusView> {
    return statusView(await cancelRun(this.#store, await this.#instance(instanceId), reason));
  }

  /**
   * Pause a running instance: it stays on its step, refuses reports, and `resume` continues it.
   * Suspending a suspended run changes nothing.
   */
  async suspend(instanceId: string, reason?: string): Promise<InstanceStatusView> {
    return statusView(await suspendRun(this.#store, await this.#instance(instanceId), reason));
  }

  /** The persisted state of one instance. */
  async status(instanceId: string): Promise<InstanceStatusView> {
    return statusView(await this.#instance(instanceId));
  }

  /** Instances, newest started first, filtered by workflow and status. */
  async listInstances(
    query: InstanceQuery,
  ): Promise<{ instances: InstanceStatusView[]; total: number }> {
    const { instances, total } = await this.#store.listInstances(query);
    return { instances: instances.map(statusView), total };
  }

  /** An instance's history, oldest first, paginated. */
  async history(
    instanceId: string,
    page: { limit: number; offset: number },
  ): Promise<{ entries: HistoryView[]; total: number }> {
    const { entries, total } = await this.#store.listHistory(instanceId, page);
    // An unknown id has no history: tell it apart from a page past the end only then.
    if (total === 0) await this.#instance(instanceId);
    return { entries: entries.map(historyView), total };
  }

  async #instance(id: string): Promise<Instance> {
    const instance = await this.#store.getInstance(id);
    if (!instance) throw new UnknownInstanceError(id);
    return instance;
  }
}

/**
 * The response to a retry of the last applied request, or `undefined` when `request` is not
 * that one. The instance is still in the state that entry left it in (its history ends there),
 * so the response is rebuilt from both rather than stored with every entry.
 */
function replayOf(
  { instance, last }: RunSnapshot,
  definition: WorkflowDefinition,
  request: AdvanceRequest,
): StepResponse | undefined {
  if (!last || !isSameRequest(request, last.requestHash) || last.seq !== instance.historyLength) {
    return undefined;
  }
  return stepResponse(
    definition,
    instance.id,
    instance.status,
    instance.currentStep,
    instance.context,
    last.decision,
  );
}

function stepOf(definition: WorkflowDefinition, name: string): StepDefinition {
  const step = definition.steps.find((s) => s.name === name);
  if (!step) {
    throw new InvalidInputError(
      `Step '${name}' is not in the definition of '${definition.name}' this run uses. ` +
        `Cancel the run with cancel_workflow and start a new one.`,
    );
  }
  return step;
}

/** The answer, instance change and history entry of moving to `next` (loop guard applied). */
function transitionTo(
  instance: Instance,
  definition: WorkflowDefinition,
  step: StepDefinition,
  request: AdvanceRequest,
  next: Decided,
): { answer: StepResponse; change: InstanceChange; entry: NewHistoryEntry } {
  let { nextStep, status, decision } = next;
  if (status === "RUNNING" && instance.historyLength >= definition.maxSteps) {
    status = "FAILED";
    nextStep = FINISH;
    decision = {
      ...decision,
      nextStep,
      reasoning: `Loop guard: this run reached max_steps (${definition.maxSteps}) of workflow ` +
        `'${definition.name}'. Raise max_steps in its index.md front matter if that is expected.`,
    };
  }
  return {
    answer: stepResponse(definition, instance.id, status, nextStep, next.context, decision),
    change: { status, currentStep: nextStep, context: next.context },
    entry: {
      ...historyEntry(step.name, decision, status, request),
      requestHash: request.hash,
    },
  };
}
