/**
 * The Prune page: choose an age, statuses and a workflow, see how many finished runs that selects
 * (and the oldest of them) before confirming; deleting goes through `pruneAll`, as `prune` and the
 * retention setting do. Never a RUNNING or SUSPENDED run.
 *
 * @example
 * ```ts
 * const request = pruneRequest(new URLSearchParams("older_than=30d&status=COMPLETED"));
 * const body = prunePage(request, await previewPrune(store, request), csrf, workflows);
 * ```
 * @module
 */
import { parseCutoff } from "../../cli/cutoff.ts";
import { InvalidInputError } from "../../errors.ts";
import {
  FINISHED_STATUS_LIST,
  type FinishedStatus,
  type Instance,
  type Store,
} from "../../store/types.ts";
import { type Html, html } from "../html.ts";
import { csrfField, notice, statusBadge, when } from "./format.ts";

/** Runs the preview lists. */
const PREVIEW_SIZE = 10;

/** What the form asks for. */
export interface PruneRequest {
  olderThan: string;
  statuses: FinishedStatus[];
  workflow?: string;
}

/** What a prune would delete. */
export interface PrunePreview {
  finishedBefore: string;
  total: number;
  oldest: Instance[];
}

/**
 * The prune `params` name (`older_than`, `status`…, `workflow`); `undefined` without an age.
 * @throws {InvalidInputError} a status that is not a finished one
 */
export function pruneRequest(params: URLSearchParams): PruneRequest | undefined {
  const olderThan = params.get("older_than")?.trim();
  if (!olderThan) return undefined;
  const statuses = params.getAll("status");
  const wrong = statuses.find((s) => !(FINISHED_STATUS_LIST as readonly string[]).includes(s));
  if (wrong !== undefined) {
    throw new InvalidInputError(
      `Only finished runs (${FINISHED_STATUS_LIST.join(", ")}) can be pruned, not '${wrong}'.`,
    );
  }
  return {
    olderThan,
    statuses: statuses.length ? statuses as FinishedStatus[] : [...FINISHED_STATUS_LIST],
    workflow: params.get("workflow")?.trim() || undefined,
  };
}

/** The store's filter for `request`. @throws {InvalidCutoffError} */
export function pruneFilter(request: PruneRequest) {
  return {
    finishedBefore: parseCutoff(request.olderThan, Date.now(), "Finished more than"),
    statuses: request.statuses,
    workflowName: request.workflow,
  };
}

/** Count what `request` selects, and list the oldest. */
export async function previewPrune(store: Store, request: PruneRequest): Promise<PrunePreview> {
  const filter = pruneFilter(request);
  const { instances, total } = await store.listPrunable({ ...filter, limit: PREVIEW_SIZE });
  return { finishedBefore: filter.finishedBefore, total, oldest: instances };
}

function hiddenFields(request: PruneRequest): Html {
  return html`<input type="hidden" name="older_than" value="${request.olderThan}">${
    request.statuses.map((s) => html`<input type="hidden" name="status" value="${s}">`)
  }${
    request.workflow ? html`<input type="hidden" name="workflow" value="${request.workflow}">` : ""
  }`;
}

function previewPanel(request: PruneRequest, preview: PrunePreview, csrf: string): Html {
  const noun = preview.total === 1 ? "run" : "runs";
  if (preview.total === 0) {
    return notice(html`No finished runs match: nothing to delete.`);
  }
  return html`
    <section class="panel">
      <h2 data-prune-count="${preview.total}">${preview.total.toLocaleString(
        "en-US",
      )} finished ${noun} would be deleted</h2>
      <p class="muted small">Finished before ${when(
        preview.finishedBefore,
      )}, with their whole history. The oldest:</p>
      <ul>${preview.oldest.map((run) =>
        html`<li><a class="mono" href="/ui/runs/${encodeURIComponent(run.id)}">${
          run.id.slice(0, 8)
        }</a> ${run.workflowName} ${statusBadge(run.status)} finished ${when(run.completedAt)}</li>`
      )}</ul>
      <form method="post" action="/ui/prune"
        data-confirm="Delete ${preview.total} ${noun} for good?">${csrfField(csrf)}${hiddenFields(
          request,
        )}<button class="danger" type="submit">Delete ${preview.total.toLocaleString(
          "en-US",
        )} ${noun}</button></form>
    </section>
  `;
}

/** The whole Prune page: the form, and the preview or the outcome of a prune. */
export function prunePage(
  options: {
    request?: PruneRequest;
    preview?: PrunePreview;
    error?: string;
    deleted?: number;
    csrf: string;
    workflows: readonly string[];
  },
): Html {
  const { request, preview } = options;
  const statuses = request?.statuses ?? FINISHED_STATUS_LIST;
  return html`
    <h1>Prune finished runs</h1>${options.deleted === undefined
      ? ""
      : notice(`Deleted ${options.deleted} ${options.deleted === 1 ? "run" : "runs"}.`)}${options
        .error
      ? notice(options.error, true)
      : ""}
    <form class="panel filters" method="get"
      action="/ui/prune"><label>Finished more than<input name="older_than" value="${request
        ?.olderThan ??
        "30d"}" required size="12" aria-describedby="age-help"></label><fieldset><legend class="small muted">Statuses</legend>${FINISHED_STATUS_LIST
        .map((s) =>
          html`<label><input type="checkbox" name="status" value="${s}"${
            statuses.includes(s)
              ? html`
                checked
              `
              : ""
          }> ${s}</label>`
        )}</fieldset><label>Workflow<select name="workflow"><option value="">All workflows</option>${options
        .workflows.map((n) =>
          html`
            <option value="${n}" ${n === request?.workflow
              ? html`
                selected
              `
              : ""}>${n}</option>
          `
        )}</select></label><button type="submit">Count</button></form>
    <p id="age-help"
      class="small muted">An age such as 30d, 12h or 90m, or a date such as 2026-01-31. RUNNING and SUSPENDED runs are never deleted.</p>${request &&
          preview
        ? previewPanel(request, preview, options.csrf)
        : ""}
  `;
}
