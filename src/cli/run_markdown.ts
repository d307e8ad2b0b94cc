/**
 * One run as a Markdown report, for sharing or an audit (`export ID --format md`): a title, a
 * summary table, each history entry with the client's report (message, result, details, error),
 * the decision and its reasoning, and the final context in a `json` block. Text the client or a
 * model wrote is quoted or fenced, so it cannot turn into headings or break a table, and its HTML
 * is escaped.
 *
 * @example
 * ```ts
 * import { runMarkdown } from "./run_markdown.ts";
 * console.log(runMarkdown(await readRun(store, id)));
 * ```
 * @module
 */
import { decidedBy } from "../decide/label.ts";
import type { JsonValue } from "../json.ts";
import type { HistoryEntry, StoredRun } from "../store/types.ts";
import { decisionCost } from "./show.ts";

/** `value` as pretty JSON in a fence longer than any run of backticks inside it. */
export function jsonBlock(value: JsonValue): string {
  const text = JSON.stringify(value, null, 2);
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return `${fence}json\n${text}\n${fence}`;
}

/** `text` as a Markdown block quote (every line quoted). */
function quote(text: string): string {
  return noHtml(text).split("\n").map((line) => `> ${line}`.trimEnd()).join("\n");
}

/** A table cell: no line breaks, no column separators, no HTML. */
function cell(text: string): string {
  return noHtml(text).replaceAll("\\", "\\\\").replaceAll("|", "\\|").replace(/\s*\n\s*/g, " ");
}

/**
 * `text` with its HTML shown as text: a renderer would otherwise pass a client's `<img>` or
 * `<a href="javascript:…">` through into the report.
 */
function noHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;");
}

/** The summary table at the top. */
function summary({ instance, history }: StoredRun): string {
  const tokens = history.reduce(
    (sum, e) => [sum[0]! + (e.decision.tokensIn ?? 0), sum[1]! + (e.decision.tokensOut ?? 0)],
    [0, 0],
  );
  const rows: [string, string][] = [
    ["Run", `\`${instance.id}\``],
    ["Workflow", instance.workflowName],
    ["Status", `**${instance.status}**`],
    ["Current step", instance.currentStep],
    ["Started", instance.createdAt],
    ["Updated", instance.updatedAt],
    ["Completed", instance.completedAt ?? "—"],
    ["History entries", String(history.length)],
    ["AI tokens (in / out)", tokens[0] || tokens[1] ? `${tokens[0]} / ${tokens[1]}` : "—"],
    ["Definition", `\`${instance.definitionHash}\``],
  ];
  return ["| | |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`)].join("\n");
}

/** One history entry: heading, the decision in a line, the report and the reasoning. */
function entrySection(entry: HistoryEntry): string {
  const { decision, report } = entry;
  const what = entry.step === null ? "Started" : `${entry.step}: ${report?.status ?? "—"}`;
  const facts = [
    `decided by **${decidedBy(decision)}**`,
    `next step **${decision.nextStep}**`,
    `status after ${entry.statusAfter}`,
    decisionCost(decision),
    entry.createdAt,
  ].filter((fact) => fact !== "");
  const parts = [`### ${entry.seq}. ${cell(what)} → ${cell(decision.nextStep)}`, facts.join(" · ")];
  if (report?.message) parts.push(`**Message**\n\n${quote(report.message)}`);
  for (const key of ["result", "details", "error"] as const) {
    const value = report?.[key];
    if (value !== undefined) {
      parts.push(`**${key[0]!.toUpperCase()}${key.slice(1)}**`, jsonBlock(value));
    }
  }
  if (entry.contextUpdates) parts.push("**Context updates**", jsonBlock(entry.contextUpdates));
  if (decision.reasoning) parts.push(`**Reasoning**\n\n${quote(decision.reasoning)}`);
  return parts.join("\n\n");
}

/** The whole run as a Markdown document. */
export function runMarkdown(run: StoredRun): string {
  const { instance, history } = run;
  return [
    `# ${instance.workflowName} run \`${instance.id}\``,
    summary(run),
    "## History",
    ...history.map(entrySection),
    "## Final context",
    jsonBlock(instance.context),
  ].join("\n\n") + "\n";
}
