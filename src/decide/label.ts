/**
 * Who decided a step, in one word for people: `route` (the step's declared route), `stub` (the
 * deterministic stand-in that follows routes and the listed order: no AI was asked), `ai` (a
 * model), or the engine's own transitions (`start`, `resume`, `cancel`, `suspend`). The stored
 * `source` says `ai` for every decision maker; this label tells the stub apart by its model.
 *
 * @example
 * ```ts
 * decisionLabel({ source: "ai", model: "stub" }); // "stub"
 * decidedBy({ source: "ai", model: "gemini-2.5-flash" }); // "ai (gemini-2.5-flash)"
 * ```
 * @module
 */
import type { Decision } from "../store/types.ts";
import { STUB_MODEL } from "./stub.ts";

/** The decision's source as a reader should see it: `stub` when no AI made the choice. */
export function decisionLabel(decision: Pick<Decision, "source" | "model">): string {
  return decision.source === "ai" && decision.model === STUB_MODEL ? "stub" : decision.source;
}

/** `decisionLabel` plus the model that decided, when an AI did: `ai (gemini-2.5-flash)`. */
export function decidedBy(decision: Pick<Decision, "source" | "model">): string {
  const label = decisionLabel(decision);
  return label === "ai" && decision.model ? `ai (${decision.model})` : label;
}
