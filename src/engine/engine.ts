/**
 * The orchestration rules: start, advance, resume, cancel and inspect workflow instances. The
 * engine owns no I/O: it reads definitions, decides through a `DecisionMaker` and persists through a
 * `Store`, one transaction per state change, written only after the decision is known.
 *
 * @example
 * ```ts
 * const engine = new WorkflowEngine({ definitions, store, decider: new StubDecisionMaker() });
 * const first = await engine.start("JOKE_GENERATOR", {});
 * const next = await engine.advance(first.instance_id, { step_id: "greet", status: "success" });
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import { declaredRoute } from "../decide/route.ts";
import { resolveStepName } from "../decide/step_name.ts";
import type { DecisionCall, DecisionMaker } from "../decide/types.ts";
import {
  type Definitions,
  FINISH,
  type StepDefinition,
  type WorkflowDefinition,
} from "../definitions/types.ts";
import {
  ConflictError,
  DecisionError,
  InstanceFinishedError,
  InvalidInputError,
  StaleReportError,
  UnknownInstanceError,
} from "../errors.ts";
import { type JsonObject, mergePatch } from "../json.ts";
import {
  type Decision,
  FINISHED_STATUSES,
  type HistoryEntry,
  type Instance,
  type InstanceChange,
  type InstanceQuery,
  type InstanceStatus,
  type NewHistoryEntry,
  type PlannedTransition,
  type Report,
  type Store,
} from "../store/types.ts";
import { applyInputs } from "./inputs.ts";
import { checkJsonShape } from "./limits.ts";
import { instructionsFor } from "./render.ts";
import type {
  HistoryView,
  InstanceStatusView,
  Reconciliation,
  ResumeResponse,
  StepResponse,
} from "./types.ts";

/** Largest serialized instance context accepted (bytes of JSON). */
export const MAX_CONTEXT_BYTES = 1_000_000;
/** Largest serialized report accepted (bytes of JSON). */
export const MAX_REPORT_BYTES = 256_000;
/** How many recent history entries a decision maker sees. */
const HISTORY_WINDOW = 5;

/** One `advance` call's report, its context updates and the hash that identifies a retry. */
interface AdvanceRequest {
  report: Report;
  contextUpdates?: JsonObject;
  hash: string;
}

/** The definition and step a report is about, and the context with its updates merged. */
interface ReportTarget {
  definition: WorkflowDefinition;
  step: StepDefinition;
  context: JsonObject;
}

/** Where a run goes next, and why. */
interface Decided {
  nextStep: string;
  status: InstanceStatus;
  context: JsonObject;
  decision: Decision;
}

/** What the engine is built from. */
export interface EngineDeps {
  definitions: Definitions;
  store: Store;
  decider: DecisionMaker;
  /** Source of instance ids (UUIDs by default). */
  newId?: () => string;
}

/** Check `value`'s shape and JSON size against `limit` bytes; returns its JSON text. */
function checkSize(what: string, value: unknown, limit: number): string {
  // Depth first: serializing or merging a pathologically deep value would overflow the stack.
  checkJsonShape(what, value);
  const json = JSON.stringify(value);
  // A UTF-16 code unit takes at most 3 bytes of UTF-8: only text near the limit is encoded.
  if (json.length * 3 > limit) {
    const bytes = new TextEncoder().encode(json).length;
    if (bytes > limit) {
      throw new InvalidInputError(
        `${what} is ${bytes} bytes of JSON; the limit is ${limit}. Store large data in files ` +
          `and put their paths in the context instead.`,
      );
    }
  }
  return json;
}

/** Check a report and its context updates, and hash them to recognize a retry. */
function advanceRequest(report: Report, contextUpdates: JsonObject | undefined): AdvanceRequest {
  return {
    report,
    contextUpdates,
    hash: requestHash(
      checkSize("The report", report, MAX_REPORT_BYTES),
      contextUpdates ? checkSize("context_updates", contextUpdates, MAX_CONTEXT_BYTES) : "null",
    ),
  };
}

/**
 * The hash that recognizes a retry: the report and context updates as received (a byte-identical
 * retry parses to the same keys in the same order, so no canonical form is needed). JSON text has
 * no raw newline, so the separator keeps the two parts apart.
 */
function requestHash(reportJson: string, contextUpdatesJson: string): string {
  return createHash("sha256").update(`${reportJson}\n${contextUpdatesJson}`).digest("hex");
}

/** Start, advance, resume, cancel and inspect workflow instances. */
export class WorkflowEngine {
  readonly #definitions: Definitions;
  readonly #store: Store;
  readonly #decider: DecisionMaker;
  readonly #newId: () => string;
  /** Parsed pinned definitions by hash (definitions are immutable per hash). */
  readonly #pinned = new Map<string, WorkflowDefinition>();

  constructor(deps: EngineDeps) {
    this.#definitions = deps.definitions;
    this.#store = deps.store;
    this.#decider = deps.decider;
    this.#newId = deps.newId ?? (() => crypto.randomUUID());
  }

  /** Create an instance of `workflowName` positioned on its first step. */
  async start(workflowName: string, context: JsonObject = {}): Promise<StepResponse> {
    const definition = this.#definitions.get(workflowName);
    const initial = applyInputs(definition, context);
    checkSize("The context", initial, MAX_CONTEXT_BYTES);
    // Not awaited on its own: queued together, the pin and the new run share one commit.
    const pinned = this.#pin(definition);
    const id = this.#newId();
    const decision: Decision = {
      source: "start",
      nextStep: definition.start,
      reasoning: `Started at the first step '${definition.start}'.`,
    };
    const response = this.#stepResponse(
      definition,
      id,
      "RUNNING",
      definition.start,
      initial,
      decision,
    );
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
        requestHash: null,
      },
    );
    await Promise.all([pinned, created]);
    return response;
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
    // Declared routes, retries and refusals are decided on the instance as read inside the write
    // transaction (one transaction, nothing can come between); only an AI decision is made outside
    // it, and then written only if the instance did not move meanwhile.
    const planned = await this.#store.transition(
      instanceId,
      (instance) => this.#planAdvance(instance, request),
    );
    if ("answer" in planned) {
      this.#addDefinitionNotice(planned.answer, planned.instance);
      return planned.answer;
    }
    return await this.#advanceByDecision(planned.instance, planned.target, request, call);
  }

  /** The advance as far as it can go without an AI decision, for `Store.transition`. */
  #planAdvance(
    instance: Instance,
    request: AdvanceRequest,
  ): PlannedTransition<
    { instance: Instance; answer: StepResponse } | { instance: Instance; target: ReportTarget }
  > {
    const { report } = request;
    if (FINISHED_STATUSES.has(instance.status) || report.step_id !== instance.currentStep) {
      const replay = this.#replay(instance, request.hash);
      if (replay) return { value: { instance, answer: replay } };
      if (FINISHED_STATUSES.has(instance.status)) {
        throw new InstanceFinishedError(instance.id, instance.status);
      }
      throw new StaleReportError(instance.id, report.step_id, instance.currentStep);
    }
    const target = this.#reportTarget(instance, request);
    const { definition, step, context } = target;
    const routed = declaredRoute(step, report.status);
    if (routed === undefined) return { value: { instance, target } };
    const { answer, change, entry } = this.#transition(instance, definition, step, request, {
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
    const decided = await this.#decide(instance, definition, step, request.report, context, call);
    const { answer, change, entry } = this.#transition(
      instance,
      definition,
      step,
      request,
      decided,
    );
    const written = await this.#store.transition(instance.id, (current) => {
      if (current.version === instance.version) return { value: answer, change, entry };
      // An identical request that arrived together with this one won: answer as a retry would.
      const replay = this.#replay(current, request.hash);
      if (replay) return { value: replay };
      throw new ConflictError(instance.id);
    });
    this.#addDefinitionNotice(written, instance);
    return written;
  }

  /** The definition and step a report is about, and the context with its updates merged. */
  #reportTarget(instance: Instance, request: AdvanceRequest): ReportTarget {
    const definition = this.definitionFor(instance);
    const step = this.#step(definition, instance.currentStep);
    const context = request.contextUpdates
      ? mergePatch(instance.context, request.contextUpdates)
      : instance.context;
    checkSize("The context", context, MAX_CONTEXT_BYTES);
    return { definition, step, context };
  }

  /** The answer, instance change and history entry of moving to `next` (loop guard applied). */
  #transition(
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
      answer: this.#stepResponse(definition, instance.id, status, nextStep, next.context, decision),
      change: { status, currentStep: nextStep, context: next.context },
      entry: {
        step: step.name,
        report: request.report,
        contextUpdates: request.contextUpdates ?? null,
        decision,
        statusAfter: status,
        requestHash: request.hash,
      },
    };
  }

  /**
   * Reconcile what the client believes (its current step) with the persisted state. The persisted
   * state wins; a report is applied only when the client's step matches.
   */
  async resume(
    instanceId: string,
    assumedStep: string,
    report?: Report,
    contextUpdates?: JsonObject,
    call?: DecisionCall,
  ): Promise<ResumeResponse> {
    const request = report ? advanceRequest(report, contextUpdates) : undefined;
    if (!request && contextUpdates) checkSize("context_updates", contextUpdates, MAX_CONTEXT_BYTES);
    const instance = this.#instance(instanceId);
    const definition = this.definitionFor(instance);
    const actual = instance.currentStep;
    const reconciliation = (matched: boolean, action: string): Reconciliation => ({
      assumed_step: assumedStep,
      actual_step: actual,
      matched,
      action,
    });
    if (FINISHED_STATUSES.has(instance.status)) {
      const last = this.#store.lastHistoryEntry(instanceId);
      const response = this.#stepResponse(
        definition,
        instanceId,
        instance.status,
        FINISH,
        instance.context,
        {
          source: "resume",
          nextStep: FINISH,
          reasoning: last?.decision.reasoning,
        },
      );
      return {
        ...response,
        reconciliation: reconciliation(
          assumedStep === FINISH,
          `The run already ended with status ${instance.status}; nothing was changed. ` +
            `Start a new run with start_workflow to do more.`,
        ),
      };
    }
    if (assumedStep === actual && request) {
      if (request.report.step_id !== actual) {
        throw new InvalidInputError(
          `report.step_id '${request.report.step_id}' differs from assumed_current_step_name ` +
            `'${assumedStep}'. A report must be about the step you assume is current.`,
        );
      }
      const advanced = await this.#advance(instanceId, request, call);
      return {
        ...advanced,
        reconciliation: reconciliation(
          true,
          `Your step matches the server's; your report on '${actual}' was applied.`,
        ),
      };
    }
    const action =
      (assumedStep === actual
        ? `Your step matches the server's. Continue with '${actual}'.`
        : this.#explainMismatch(definition, instance, assumedStep, report)) +
      (contextUpdates ? " Your context_updates were merged into the context." : "");
    const context = contextUpdates
      ? mergePatch(instance.context, contextUpdates)
      : instance.context;
    checkSize("The context", context, MAX_CONTEXT_BYTES);
    const decision: Decision = { source: "resume", nextStep: actual, reasoning: action };
    const response = this.#stepResponse(
      definition,
      instanceId,
      "RUNNING",
      actual,
      context,
      decision,
    );
    this.#addDefinitionNotice(response, instance);
    // A resume that only confirms the client's step is a read: recording it would bump the
    // version (failing a concurrent advance) and fill the history. Differences are recorded.
    const changes = assumedStep !== actual || contextUpdates !== undefined ||
      instance.status !== "RUNNING";
    if (changes) {
      await this.#store.applyTransition(
        instanceId,
        instance.version,
        { status: "RUNNING", currentStep: actual, context },
        {
          step: assumedStep,
          report: report ?? null,
          contextUpdates: contextUpdates ?? null,
          decision,
          statusAfter: "RUNNING",
          requestHash: null,
        },
      );
    }
    return { ...response, reconciliation: reconciliation(assumedStep === actual, action) };
  }

  /** End a running instance as CANCELLED. */
  async cancel(instanceId: string, reason?: string): Promise<InstanceStatusView> {
    const instance = this.#instance(instanceId);
    if (FINISHED_STATUSES.has(instance.status)) {
      throw new InstanceFinishedError(instanceId, instance.status);
    }
    const decision: Decision = {
      source: "cancel",
      nextStep: FINISH,
      reasoning: reason ? `Cancelled: ${reason}` : "Cancelled by the client.",
    };
    const updated = await this.#store.applyTransition(
      instanceId,
      instance.version,
      { status: "CANCELLED", currentStep: FINISH, context: instance.context },
      {
        step: instance.currentStep,
        report: null,
        contextUpdates: null,
        decision,
        statusAfter: "CANCELLED",
        requestHash: null,
      },
    );
    return statusView(updated);
  }

  /** The persisted state of one instance. */
  status(instanceId: string): InstanceStatusView {
    return statusView(this.#instance(instanceId));
  }

  /** Instances, newest started first, filtered by workflow and status. */
  listInstances(query: InstanceQuery): { instances: InstanceStatusView[]; total: number } {
    const { instances, total } = this.#store.listInstances(query);
    return { instances: instances.map(statusView), total };
  }

  /** An instance's history, oldest first, paginated. */
  history(
    instanceId: string,
    page: { limit: number; offset: number },
  ): { entries: HistoryView[]; total: number } {
    this.#instance(instanceId);
    const { entries, total } = this.#store.listHistory(instanceId, page);
    return { entries: entries.map(historyView), total };
  }

  async #decide(
    instance: Instance,
    definition: WorkflowDefinition,
    step: StepDefinition,
    report: Report,
    context: JsonObject,
    call?: DecisionCall,
  ): Promise<Decided> {
    const started = performance.now();
    const output = await this.#decider.decide(
      {
        workflow: definition,
        currentStep: step,
        report,
        context,
        recentHistory: this.#store.recentHistory(instance.id, HISTORY_WINDOW),
      },
      call,
    );
    const resolved = resolveStepName(definition, output.nextStepName);
    if (resolved === undefined) {
      throw new DecisionError(
        `The ${this.#decider.name} decision maker chose '${output.nextStepName}', which is not a ` +
          `step of workflow '${definition.name}'. Nothing was changed; retry the call.`,
      );
    }
    const finished = resolved === FINISH || output.status !== "RUNNING";
    const nextStep = finished ? FINISH : resolved;
    const status: InstanceStatus = finished
      ? (output.status === "FAILED" ? "FAILED" : "COMPLETED")
      : "RUNNING";
    let updated: JsonObject;
    try {
      // Shape first: merging a pathologically deep answer would overflow the stack.
      checkJsonShape("updated_context", output.updatedContext);
      updated = mergePatch(context, output.updatedContext);
      checkSize("The context", updated, MAX_CONTEXT_BYTES);
    } catch (error) {
      throw new DecisionError(
        `The ${this.#decider.name} decision maker's updated_context was refused: ` +
          `${(error as Error).message} Nothing was changed; retry the call.`,
      );
    }
    return {
      nextStep,
      status,
      context: updated,
      decision: {
        source: "ai",
        nextStep,
        reasoning: output.reasoning,
        model: output.model,
        tokensIn: output.tokensIn,
        tokensOut: output.tokensOut,
        latencyMs: Math.round(performance.now() - started),
      },
    };
  }

  #explainMismatch(
    definition: WorkflowDefinition,
    instance: Instance,
    assumedStep: string,
    report: Report | undefined,
  ): string {
    const known = resolveStepName(definition, assumedStep) !== undefined;
    const where = known
      ? `The server's persisted state is authoritative: you assumed step '${assumedStep}', ` +
        `but the run is on step '${instance.currentStep}'.`
      : `'${assumedStep}' is not a step of workflow '${definition.name}'; the run is on step ` +
        `'${instance.currentStep}'.`;
    const reportNote = report
      ? ` Your report about '${report.step_id}' was recorded in the history but not applied.`
      : "";
    return `${where}${reportNote} Continue with '${instance.currentStep}' using the instructions below.`;
  }

  /**
   * The response to a retry of the last applied request, or `undefined` when `hash` is not that
   * request's. The instance is still in the state that entry left it in (its history ends there),
   * so the response is rebuilt from both rather than stored with every entry.
   */
  #replay(instance: Instance, hash: string): StepResponse | undefined {
    const last = this.#store.lastHistoryEntry(instance.id);
    // The seq check guards against a change committed between reading the instance and its entry.
    if (last?.requestHash !== hash || last.seq !== instance.historyLength) return undefined;
    return this.#stepResponse(
      this.definitionFor(instance),
      instance.id,
      instance.status,
      instance.currentStep,
      instance.context,
      last.decision,
    );
  }

  #instance(id: string): Instance {
    const instance = this.#store.getInstance(id);
    if (!instance) throw new UnknownInstanceError(id);
    return instance;
  }

  #step(definition: WorkflowDefinition, name: string): StepDefinition {
    const step = definition.steps.find((s) => s.name === name);
    if (!step) {
      throw new InvalidInputError(
        `Step '${name}' is not in the definition of '${definition.name}' this run uses. ` +
          `Cancel the run with cancel_workflow and start a new one.`,
      );
    }
    return step;
  }

  async #pin(definition: WorkflowDefinition): Promise<void> {
    if (this.#pinned.has(definition.hash)) return;
    await this.#store.pinDefinition(definition.hash, definition.name, JSON.stringify(definition));
    this.#pinned.set(definition.hash, definition);
  }

  /** Tell the client when the workflow's files changed since the run started. */
  #addDefinitionNotice(response: StepResponse, instance: Instance): void {
    let current: string;
    try {
      current = this.#definitions.get(instance.workflowName).hash;
    } catch (error) {
      response.definition_notice = `Workflow '${instance.workflowName}' can no longer be loaded ` +
        `(${(error as Error).message.split("\n")[0]}); this run continues with the version it ` +
        `started with.`;
      return;
    }
    if (current !== instance.definitionHash) {
      response.definition_notice =
        `Workflow '${instance.workflowName}' changed on disk since this ` +
        `run started; the run continues with the version it started with. Start a new run to use ` +
        `the new version.`;
    }
  }

  /**
   * The definition a run started with (its pinned copy; the current files when the pin is
   * missing), so a run is always shown and driven by the version it started on.
   */
  definitionFor(instance: Instance): WorkflowDefinition {
    const cached = this.#pinned.get(instance.definitionHash);
    if (cached) return cached;
    const stored = this.#store.pinnedDefinition(instance.definitionHash);
    // Every run's definition is pinned with it; without the pin, fall back to the current files
    // but cache them only under their own hash.
    const definition = stored
      ? JSON.parse(stored) as WorkflowDefinition
      : this.#definitions.get(instance.workflowName);
    if (definition.hash === instance.definitionHash) {
      this.#pinned.set(instance.definitionHash, definition);
    }
    return definition;
  }

  #stepResponse(
    definition: WorkflowDefinition,
    instanceId: string,
    status: InstanceStatus,
    stepName: string,
    context: JsonObject,
    decision: Decision,
  ): StepResponse {
    return {
      instance_id: instanceId,
      workflow_name: definition.name,
      status,
      next_step: {
        step_name: stepName,
        instructions: instructionsFor(definition, stepName, status, context, decision.reasoning),
      },
      current_context: context,
      decision: { source: decision.source, reasoning: decision.reasoning },
    };
  }
}

function statusView(instance: Instance): InstanceStatusView {
  return {
    instance_id: instance.id,
    workflow_name: instance.workflowName,
    status: instance.status,
    current_step_name: instance.currentStep,
    context: instance.context,
    history_length: instance.historyLength,
    created_at: instance.createdAt,
    updated_at: instance.updatedAt,
    completed_at: instance.completedAt,
  };
}

function historyView(entry: HistoryEntry): HistoryView {
  const { decision } = entry;
  return {
    seq: entry.seq,
    step_name: entry.step,
    report: entry.report,
    context_updates: entry.contextUpdates,
    decision: {
      source: decision.source,
      next_step: decision.nextStep,
      reasoning: decision.reasoning,
      model: decision.model,
      tokens_in: decision.tokensIn,
      tokens_out: decision.tokensOut,
      latency_ms: decision.latencyMs,
    },
    status_after: entry.statusAfter,
    created_at: entry.createdAt,
  };
}
