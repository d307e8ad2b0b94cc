/**
 * One advance request as the engine handles it: the report and context updates, checked against
 * the size limits, and the hash that recognizes a byte-identical retry.
 *
 * @example
 * ```ts
 * import { advanceRequest } from "./request.ts";
 * const request = advanceRequest({ step_id: "greet", status: "success" }, { name: "Ada" });
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import type { JsonObject } from "../json.ts";
import type { Report } from "../store/types.ts";
import { checkSize, MAX_CONTEXT_BYTES, MAX_REPORT_BYTES } from "./limits.ts";

/** One `advance` call's report, its context updates and the hash that identifies a retry. */
export interface AdvanceRequest {
  report: Report;
  contextUpdates?: JsonObject;
  hash: string;
}

/**
 * Check a report and its context updates, and hash them to recognize a retry.
 * @throws {InvalidInputError} either is too large or too deeply nested
 */
export function advanceRequest(
  report: Report,
  contextUpdates: JsonObject | undefined,
): AdvanceRequest {
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

/**
 * The instance id a start with this client-chosen `request_id` gets: derived from the key (a
 * UUID-shaped SHA-256 prefix, version nibble 8), so a repeated start finds the run the first one
 * created in any backend, without a lookup table.
 */
export function instanceIdForRequest(requestId: string): string {
  const hex = createHash("sha256").update(`orchestrator start\n${requestId}`).digest("hex");
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${
    hex.slice(17, 20)
  }-${hex.slice(20, 32)}`;
}

/** What identifies a start's arguments, so a repeated `request_id` with other arguments is refused. */
export function startRequestHash(workflowName: string, context: JsonObject): string {
  return createHash("sha256").update(`${workflowName}\n${JSON.stringify(context)}`).digest("hex");
}
