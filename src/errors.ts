/**
 * Errors a user (or the client's model) can act on. Each message names the thing that is wrong and
 * says what to do; the MCP layer returns it as an `isError` tool result, the CLI prints it as one line.
 *
 * @example
 * ```ts
 * throw new UnknownInstanceError("0b6e…");
 * ```
 * @module
 */
import type { SampleRequest } from "./decide/types.ts";
import type { DefinitionIssue } from "./definitions/types.ts";

/** Base class: `code` is a stable machine-readable tag, `retryable` says whether the same call may succeed later. */
export class OrchestratorError extends Error {
  readonly code: string = "ORCHESTRATOR_ERROR";
  readonly retryable: boolean = false;
}

/** Configuration (env vars or flags) is invalid. */
export class ConfigError extends OrchestratorError {
  override readonly code = "CONFIG_ERROR";
}

/** No workflow folder of that name (or the name is not a valid workflow name). */
export class UnknownWorkflowError extends OrchestratorError {
  override readonly code = "UNKNOWN_WORKFLOW";
  /**
   * @param listThem how the reader lists the workflows: the MCP tool by default, the `list`
   * command on the command line
   */
  constructor(
    readonly workflow: string,
    readonly available: string[],
    listThem = "Call list_workflows to see them.",
  ) {
    const name = workflow;
    const sameLetters = available.find((candidate) =>
      candidate !== name && candidate.toUpperCase() === name.toUpperCase()
    );
    super(
      `Unknown workflow '${name}'. ` +
        (sameLetters ? `Did you mean '${sameLetters}'? (Names are case-sensitive.) ` : "") +
        (available.length
          ? `Available workflows: ${available.join(", ")}. ${listThem}`
          : "No workflows are defined: add a folder to the workflow definitions directory."),
    );
  }
}

/** The workflow folder exists but its definition has errors. */
export class InvalidWorkflowError extends OrchestratorError {
  override readonly code = "INVALID_WORKFLOW";
  constructor(readonly workflow: string, readonly issues: DefinitionIssue[]) {
    super(
      `Workflow '${workflow}' is invalid and cannot run until its definition is fixed:\n` +
        issues.map(formatIssue).join("\n"),
    );
  }
}

/** `file:line: message`, the form every definition problem is shown in. */
export function formatIssue(issue: DefinitionIssue): string {
  return `${issue.file}${issue.line ? `:${issue.line}` : ""}: ${issue.message}`;
}

/** No instance with that id. */
export class UnknownInstanceError extends OrchestratorError {
  override readonly code = "UNKNOWN_INSTANCE";
  constructor(id: string) {
    super(
      `No run with id '${id}'. Check the instance_id returned by start_workflow, or call ` +
        `list_instances to find it.`,
    );
  }
}

/** A report names a step that is not the instance's current step. */
export class StaleReportError extends OrchestratorError {
  override readonly code = "STALE_REPORT";
  constructor(id: string, reported: string, current: string) {
    super(
      `Stale report for run '${id}': it reports on step '${reported}' but the current step is ` +
        `'${current}'. Work on '${current}' and report with step_id '${current}', or call ` +
        `resume_workflow to resynchronize.`,
    );
  }
}

/** A report or resume on an instance that has already ended. */
export class InstanceFinishedError extends OrchestratorError {
  override readonly code = "INSTANCE_FINISHED";
  /** `refused` says what the run no longer takes (by default: reports). */
  constructor(id: string, status: string, refused = "it accepts no more reports") {
    super(`Run '${id}' is already ${status}; ${refused}. Start a new run with start_workflow.`);
  }
}

/** Another call changed the instance between our read and our write (optimistic concurrency). */
export class ConflictError extends OrchestratorError {
  override readonly code = "CONFLICT";
  override readonly retryable = true;
  constructor(id: string) {
    super(
      `Conflict: run '${id}' was changed by another call at the same time; this ` +
        `call changed nothing. Call get_workflow_status to see the current step, then retry.`,
    );
  }
}

/** Arguments that passed the schema but make no sense (bad context, missing required input, too large). */
export class InvalidInputError extends OrchestratorError {
  override readonly code = "INVALID_INPUT";
}

/** The decision maker (LLM) failed after retries; the instance is unchanged and the call can be repeated. */
export class DecisionError extends OrchestratorError {
  override readonly code = "DECISION_FAILED";
  override readonly retryable = true;
}

/** `AI_PROVIDER=sampling`, but the connected client cannot sample (no declared capability). */
export class SamplingUnavailableError extends OrchestratorError {
  override readonly code = "SAMPLING_UNAVAILABLE";
  constructor() {
    super(
      "AI_PROVIDER=sampling, but this MCP client did not declare the 'sampling' capability, so " +
        "the server cannot ask its model to choose the next step. Nothing was changed. Use a " +
        "client that supports sampling, or configure another decision maker: set GEMINI_API_KEY " +
        "(gemini), or AI_SERVICE_ENDPOINT and AI_MODEL_NAME (openai).",
    );
  }
}

/**
 * The decision needs an answer from the client's model that the client gives on a repeated call
 * (2026-07-28 clients: multi round-trip requests). Not a failure: the MCP layer turns it into an
 * input-required result carrying `request`; nothing was changed, and the repeated call continues.
 */
export class InputRequiredError extends OrchestratorError {
  override readonly code = "INPUT_REQUIRED";
  override readonly retryable = true;
  constructor(readonly request: SampleRequest) {
    super(
      "The next step can only be chosen once the client's model answers a sampling request; " +
        "nothing was changed. Repeat the call with its answer (an MCP client of protocol " +
        "2026-07-28 does this by itself).",
    );
  }
}

/** The database could not be opened or written. */
export class StorageError extends OrchestratorError {
  override readonly code = "STORAGE_ERROR";
}

/** A new instance's id is already used (a repeated start with the same `request_id` is one). */
export class DuplicateInstanceError extends StorageError {
  constructor(id: string) {
    super(`Cannot create run '${id}': the id is already used. Nothing was written.`);
  }
}

/** A report on a run someone suspended: it waits for `resume_workflow`. */
export class RunSuspendedError extends OrchestratorError {
  override readonly code = "RUN_SUSPENDED";
  constructor(id: string, step: string) {
    super(
      `Run '${id}' is suspended at step '${step}' and accepts no reports. Call ` +
        `resume_workflow with assumed_current_step_name '${step}' to continue it (see ` +
        `get_workflow_history for who suspended it and why).`,
    );
  }
}

/** A stdio message longer than the per-message limit: it was skipped without being read. */
export class MessageTooLargeError extends OrchestratorError {
  override readonly code = "MESSAGE_TOO_LARGE";
  constructor(bytes: number, limit: number) {
    super(
      `Message too large: ${bytes} bytes; the limit is ${limit} bytes per message, so it was ` +
        `not processed. Keep large data in files and send their paths (e.g. in the context).`,
    );
  }
}

/** A stdio line that is not JSON, or not a JSON-RPC message: it was skipped. */
export class MalformedMessageError extends OrchestratorError {
  override readonly code = "MALFORMED_MESSAGE";
}
