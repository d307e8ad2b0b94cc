/**
 * The Workflows pages: every workflow folder with its description, validity (each error as
 * file:line and what to fix) and steps; one workflow with its graph drawn, routes labelled.
 *
 * @example
 * ```ts
 * const body = workflowsPage(definitions.list());
 * ```
 * @module
 */
import type { DefinitionIssue, WorkflowEntry } from "../../definitions/types.ts";
import { workflowSvg } from "../graph_svg.ts";
import { type Html, html } from "../html.ts";

const workflowHref = (name: string) => `/ui/workflows/${encodeURIComponent(name)}`;

function errorList(errors: readonly DefinitionIssue[]): Html {
  return html`<ul class="errors">${
    errors.map((e) =>
      html`<li><code>${e.file}${e.line === undefined ? "" : `:${e.line}`}</code> ${e.message}</li>`
    )
  }</ul>`;
}

function validity(entry: WorkflowEntry): Html {
  return entry.valid
    ? html`<span class="badge s-valid">valid</span>`
    : html`<span class="badge s-invalid">invalid: ${entry.errors.length} ${
      entry.errors.length === 1 ? "error" : "errors"
    }</span>`;
}

function stepNames(entry: WorkflowEntry): string[] {
  return entry.valid ? entry.definition.steps.map((s) => s.name) : entry.steps;
}

function description(entry: WorkflowEntry): string {
  return entry.valid ? entry.definition.description : entry.description;
}

function workflowCard(entry: WorkflowEntry): Html {
  const steps = stepNames(entry);
  const href = workflowHref(entry.name);
  const runs = `/ui/runs?workflow=${encodeURIComponent(entry.name)}`;
  const errors = entry.valid ? "" : errorList(entry.errors);
  const count = `${steps.length} ${steps.length === 1 ? "step" : "steps"}`;
  return html`<section class="panel card" data-workflow="${entry.name}">
    <div class="row spread"><h2><a href="${href}">${entry.name}</a></h2>${validity(entry)}</div>
    <p>${description(entry)}</p>${errors}
    <p class="small muted">${count}: ${steps.join(" → ")}</p>
    <p class="row small"><a href="${href}">${
    entry.valid ? "Graph" : "Details"
  }</a><a href="${runs}">Runs</a></p>
  </section>`;
}

/** The list of every workflow. */
export function workflowsPage(entries: readonly WorkflowEntry[]): Html {
  if (entries.length === 0) {
    return html`
      <h1>Workflows</h1>
      <p class="panel">No workflow folders.</p>
    `;
  }
  return html`
    <h1>Workflows</h1>
    <div class="cards">${entries.map(workflowCard)}</div>
  `;
}

/** One workflow: facts, errors, steps and its graph. */
export function workflowPage(entry: WorkflowEntry): Html {
  const definition = entry.valid ? entry.definition : undefined;
  const graph = definition
    ? html`
      <h2>Graph</h2>
      <div
        class="panel graph-box">${workflowSvg(definition, {
          id: "wf",
        })}<p class="legend"><span>solid: declared route (labelled with the reported status)</span><span>dashed: left to the decision maker (the AI, or the stub without one)</span></p></div>
    `
    : "";
  const steps = definition
    ? html`<ol class="steps">${
      definition.steps.map((s) =>
        html`<li><strong>${s.name}</strong>${
          s.description
            ? html`
              <span class="muted">— ${s.description}</span>
            `
            : ""
        } <code class="small muted">${s.file}</code></li>`
      )
    }</ol>`
    : html`<ol class="steps">${stepNames(entry).map((name) => html`<li>${name}</li>`)}</ol>`;
  return html`
    <p class="small"><a href="/ui/workflows">← Workflows</a></p><div
      class="row spread"><h1>${entry.name}</h1>${validity(entry)}</div><div
      class="panel"><p>${description(entry)}</p>${entry.valid
        ? html`
          <dl
            class="facts"><dt>Title</dt><dd>${entry.definition
              .title}</dd><dt>First step</dt><dd>${entry.definition
              .start}</dd><dt>Max steps</dt><dd>${entry.definition
              .maxSteps}</dd>${entry.definition.version
              ? html`
                <dt>Version</dt>
                <dd>${entry.definition.version}</dd>
              `
              : ""}<dt>Hash</dt><dd class="mono small">${entry.definition.hash}</dd></dl>
        `
        : errorList(
          entry.errors,
        )}<p><a class="button secondary" href="/ui/runs?workflow=${encodeURIComponent(
          entry.name,
        )}">Runs of ${entry.name}</a></p></div>${graph}<h2>Steps</h2><div
      class="panel">${steps}</div>
  `;
}
