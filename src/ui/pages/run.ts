/**
 * One run's page: its facts, the path it took drawn on its workflow's graph (numbered, the current
 * step highlighted), the context now, and a timeline of its history entries (report status and
 * message, decision source, next step, model, reasoning, tokens, latency, what the step changed in
 * the context). The whole of it is the live part the page's event stream refreshes.
 *
 * @example
 * ```ts
 * const run = await loadRun(store, pinned, id);
 * const body = runPage(run, session.csrf);
 * ```
 * @module
 */
import { decisionLabel } from "../../decide/label.ts";
import type { WorkflowDefinition } from "../../definitions/types.ts";
import { runPathOf } from "../../definitions/workflow_graph.ts";
import type { PinnedDefinitions } from "../../engine/pinned.ts";
import { UnknownInstanceError } from "../../errors.ts";
import { readHistory } from "../../store/stored_run.ts";
import {
  FINISHED_STATUSES,
  type HistoryEntry,
  type Instance,
  type Store,
} from "../../store/types.ts";
import { workflowSvg } from "../graph_svg.ts";
import { type Html, html } from "../html.ts";
import { csrfField, jsonBlock, liveStatus, statusBadge, when } from "./format.ts";

/** Everything one run's page shows. */
export interface RunData {
  instance: Instance;
  history: HistoryEntry[];
  /** The definition the run started with; `undefined` when neither pinned nor on disk. */
  definition?: WorkflowDefinition;
}

/**
 * Read run `id` with its history and definition.
 * @throws {UnknownInstanceError}
 */
export async function loadRun(
  store: Store,
  pinned: PinnedDefinitions,
  id: string,
): Promise<RunData> {
  const instance = await store.getInstance(id);
  if (!instance) throw new UnknownInstanceError(id);
  const [history, definition] = await Promise.all([
    readHistory(store, instance),
    pinned.forRun(instance).catch(() => undefined),
  ]);
  return { instance, history, definition };
}

function decisionFacts(entry: HistoryEntry): Html {
  const { decision } = entry;
  const facts: [string, string][] = [];
  if (decision.model) facts.push(["model", decision.model]);
  if (decision.tokensIn !== undefined) facts.push(["tokens in", String(decision.tokensIn)]);
  if (decision.tokensOut !== undefined) facts.push(["tokens out", String(decision.tokensOut)]);
  if (decision.latencyMs !== undefined) facts.push(["latency", `${decision.latencyMs} ms`]);
  if (facts.length === 0) return html``;
  return html`<p class="small muted">${
    facts.map(([k, v], i) => html`${i ? " · " : ""}${k}: <strong>${v}</strong>`)
  }</p>`;
}

function reportExtras(entry: HistoryEntry): Html {
  const report = entry.report;
  if (!report) return html``;
  const parts = (["result", "details", "error"] as const).filter((k) => report[k] !== undefined);
  return html`${
    parts.map((k) => html`<details><summary>report ${k}</summary>${jsonBlock(report[k])}</details>`)
  }`;
}

function timelineEntry(entry: HistoryEntry, last: boolean): Html {
  const { decision, report } = entry;
  const from = entry.step ?? "start";
  return html`
    <li class="${last ? "last" : ""}"
      data-seq="${entry.seq}"><div class="entry-head"><span class="seq">#${entry
        .seq}</span><strong>${from}</strong><span aria-hidden="true">→</span><strong>${decision
        .nextStep}</strong><span class="badge s-other">${decisionLabel(
          decision,
        )}</span>${statusBadge(
          entry.statusAfter,
        )}<span class="small muted">${when(entry.createdAt)}</span></div>${report
        ? html`<p class="message">Report: <strong data-report-status>${report.status}</strong>${
          report.message
            ? html`
              — <span data-report-message>${report.message}</span>
            `
            : ""
        }</p>`
        : ""}${decision.reasoning
        ? html`<p class="message small"><span class="muted">Reasoning:</span> ${decision.reasoning}</p>`
        : ""}${decisionFacts(entry)}${reportExtras(entry)}${entry.contextUpdates
        ? html`<details open><summary>context changed</summary>${
          jsonBlock(entry.contextUpdates)
        }</details>`
        : ""}</li>
  `;
}

function cancelForm(instance: Instance, csrf: string): Html {
  if (FINISHED_STATUSES.has(instance.status) || !csrf) return html``;
  return html`
    <form method="post" action="/ui/runs/${encodeURIComponent(instance.id)}/cancel"
      data-confirm="Cancel this run? The client's next report will be refused.">${csrfField(
        csrf,
      )}<button class="danger" type="submit">Cancel run</button></form>
  `;
}

/** The live part of the page. */
export function runDetails(run: RunData, csrf: string): Html {
  const { instance, history, definition } = run;
  const graph = definition
    ? workflowSvg(definition, { id: "run", run: runPathOf(instance, history) })
    : html`<p class="muted">The definition this run started with is not available.</p>`;
  return html`
    <div
      class="row spread"><div class="row">${statusBadge(
        instance.status,
      )}<span>at step <strong data-current-step>${instance
        .currentStep}</strong></span></div>${cancelForm(instance, csrf)}</div>
    <div class="panel">
      <dl class="facts">
        <dt>Workflow</dt>
        <dd><a href="/ui/workflows/${encodeURIComponent(instance.workflowName)}">${instance
          .workflowName}</a></dd>
        <dt>Started</dt>
        <dd>${when(instance.createdAt)}</dd>
        <dt>Updated</dt>
        <dd>${when(instance.updatedAt)}</dd>
        <dt>Finished</dt>
        <dd>${when(instance.completedAt)}</dd>
        <dt>Entries</dt>
        <dd>${instance.historyLength}</dd>
      </dl>
    </div>
    <div class="grid2">
      <section class="panel graph-box"
        aria-label="Path on the graph"><h2>Path</h2>${graph}<p class="legend"><span>green, numbered: the path taken</span><span>outlined: where the run is</span></p></section>
      <section class="panel"><h2>Context now</h2>${jsonBlock(instance.context)}</section>
    </div>
    <section class="panel">
      <h2>Timeline</h2>
      <ol class="timeline">${history.map((entry, i) =>
        timelineEntry(entry, i === history.length - 1)
      )}</ol>
    </section>
  `;
}

/** The whole page of one run. */
export function runPage(run: RunData, csrf: string): Html {
  const { instance } = run;
  const live = !FINISHED_STATUSES.has(instance.status);
  return html`
    <p class="small"><a href="/ui/runs">← Runs</a></p>
    <div class="row spread"><h1>Run <span class="mono">${instance.id}</span></h1>${liveStatus(
      live,
    )}</div>
    <div${live
      ? html`
        data-live="/ui/live/run/${encodeURIComponent(instance.id)}"
      `
      : ""} aria-live="polite">${runDetails(run, csrf)}</div>
  `;
}
