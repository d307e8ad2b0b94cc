/**
 * `show ID`: one run for a person at a terminal: its workflow, status, current step and times,
 * the context pretty-printed, and its whole history as a table (seq, step, report status, who
 * decided, next step, model, tokens, latency, time).
 *
 * @example
 * ```ts
 * Deno.exitCode = await showCommand(config, "0b6e…");
 * ```
 * @module
 */
import type { Config } from "../config.ts";
import { decisionLabel } from "../decide/label.ts";
import { OrchestratorError } from "../errors.ts";
import { storedRunOf } from "../store/stored_run.ts";
import type { Decision, StoredRun } from "../store/types.ts";
import { findRun, openRunStore } from "./runs.ts";
import { formatTable } from "./table.ts";

/**
 * The run `id` (or the one whose id starts with it) of the configured database, with its whole
 * history and pinned definition.
 * @throws {OrchestratorError} no id given, or no run with that id (naming the database)
 */
export async function readStoredRun(
  config: Config,
  id: string | undefined,
  usage: string,
): Promise<StoredRun> {
  if (id === undefined) throw new OrchestratorError(`Name the run: ${usage}.`);
  const store = await openRunStore(config);
  try {
    return await storedRunOf(store, await findRun(store, id));
  } finally {
    await store.close();
  }
}

/** Tokens in/out of a decision (`120/30`), or "" when no model was asked. */
export function decisionTokens(decision: Decision): string {
  const { tokensIn, tokensOut } = decision;
  return tokensIn === undefined && tokensOut === undefined
    ? ""
    : `${tokensIn ?? "?"}/${tokensOut ?? "?"}`;
}

/** The latency of a decision (`840 ms`), or "". */
export function decisionLatency(decision: Decision): string {
  return decision.latencyMs === undefined ? "" : `${decision.latencyMs} ms`;
}

/** Model, tokens and latency of a decision in one phrase, or "" when no model was asked. */
export function decisionCost(decision: Decision): string {
  const tokens = decisionTokens(decision);
  return [decision.model ?? "", tokens && `${tokens} tokens`, decisionLatency(decision)]
    .filter((part) => part !== "").join(" · ");
}

/** The run as text: facts, context, history table. */
export function formatRun({ instance, history }: StoredRun): string {
  const facts: [string, string][] = [
    ["workflow", instance.workflowName],
    ["status", instance.status],
    ["current step", instance.currentStep],
    ["created", instance.createdAt],
    ["updated", instance.updatedAt],
    ["completed", instance.completedAt ?? "-"],
    ["definition", instance.definitionHash],
  ];
  const table = formatTable(
    ["SEQ", "STEP", "REPORT", "DECIDED BY", "NEXT", "MODEL", "TOKENS", "LATENCY", "TIME"],
    history.map(({ seq, step, report, decision, createdAt }) =>
      [
        String(seq),
        step ?? "-",
        report?.status ?? "-",
        decisionLabel(decision),
        decision.nextStep,
        decision.model ?? "",
        decisionTokens(decision),
        decisionLatency(decision),
        createdAt,
      ].map((value) => value.replace(/\s+/g, " ") || "-")
    ),
  );
  return [
    `Run ${instance.id}`,
    ...facts.map(([name, value]) => `  ${name.padEnd(13)}${value}`),
    "",
    "Context:",
    JSON.stringify(instance.context, null, 2),
    "",
    `History (${history.length} ${history.length === 1 ? "entry" : "entries"}):`,
    table,
  ].join("\n");
}

/** Print the run and return the exit code. */
export async function showCommand(config: Config, id: string | undefined): Promise<number> {
  console.log(formatRun(await readStoredRun(config, id, "show ID")));
  return 0;
}
