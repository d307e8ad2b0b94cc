/**
 * The Runs page: runs newest started first, filtered by workflow and status or searched by id
 * prefix, a keyset page at a time (as fast deep in 100k runs as on the first page), with status
 * badges; its table is the live part the page's event stream refreshes.
 *
 * @example
 * ```ts
 * const filter = runsFilter(new URL(request.url));
 * const runs = await loadRuns(store, filter);
 * const body = runsPage(runs, filter, ["JOKE_GENERATOR"]);
 * ```
 * @module
 */
import { InvalidInputError } from "../../errors.ts";
import {
  type Instance,
  INSTANCE_STATUSES,
  type InstanceCursor,
  type InstanceStatus,
  type Store,
} from "../../store/types.ts";
import { type Html, html } from "../html.ts";
import { liveStatus, statusBadge, when } from "./format.ts";

/** Runs per page. */
export const RUNS_PAGE_SIZE = 50;

/** What the Runs page shows, from its query string. */
export interface RunsFilter {
  workflow?: string;
  status?: InstanceStatus;
  /** Id prefix searched for. */
  q?: string;
  after?: InstanceCursor;
}

/** One page of runs. */
export interface RunsData {
  instances: Instance[];
  /** How many runs the filters select in all (unknown while searching by id). */
  total?: number;
  /** Whether an older page exists. */
  more: boolean;
}

/**
 * The filter the query string of `url` names (`workflow`, `status`, `q`, `after_at`+`after_id`).
 * @throws {InvalidInputError} a status that does not exist
 */
export function runsFilter(url: URL): RunsFilter {
  const get = (name: string) => url.searchParams.get(name)?.trim() || undefined;
  const status = get("status");
  if (status !== undefined && !(INSTANCE_STATUSES as readonly string[]).includes(status)) {
    throw new InvalidInputError(
      `Unknown status '${status}': use one of ${INSTANCE_STATUSES.join(", ")}.`,
    );
  }
  const at = get("after_at");
  const id = get("after_id");
  return {
    workflow: get("workflow"),
    status: status as InstanceStatus | undefined,
    q: get("q")?.toLowerCase(),
    after: at !== undefined && id !== undefined ? { createdAt: at, id } : undefined,
  };
}

/** The query string of `filter` (without the cursor unless `after` is given). */
export function runsQuery(filter: RunsFilter, after?: InstanceCursor): string {
  const params = new URLSearchParams();
  if (filter.workflow) params.set("workflow", filter.workflow);
  if (filter.status) params.set("status", filter.status);
  if (filter.q) params.set("q", filter.q);
  if (after) {
    params.set("after_at", after.createdAt);
    params.set("after_id", after.id);
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Read the page `filter` selects. */
export async function loadRuns(store: Store, filter: RunsFilter): Promise<RunsData> {
  const query = { workflowName: filter.workflow, status: filter.status };
  const [page, counted] = await Promise.all([
    store.pageInstances({
      ...query,
      idPrefix: filter.q,
      after: filter.after,
      limit: RUNS_PAGE_SIZE + 1,
    }),
    // Totals come from counts the stores keep per workflow and status: cheap at any size.
    filter.q === undefined ? store.listInstances({ ...query, limit: 1, offset: 0 }) : undefined,
  ]);
  return {
    instances: page.slice(0, RUNS_PAGE_SIZE),
    total: counted?.total,
    more: page.length > RUNS_PAGE_SIZE,
  };
}

/** What changes when the page must be redrawn: each run's id and version, and the total. */
export function runsSignature(data: RunsData): string {
  return `${data.total}|${data.instances.map((i) => `${i.id}:${i.version}`).join(",")}`;
}

function runRow(run: Instance): Html {
  const href = `/ui/runs/${encodeURIComponent(run.id)}`;
  return html`
    <tr data-run="${run.id}">
      <td data-label="Run"><a class="mono" href="${href}" title="${run.id}">${run.id.slice(
        0,
        8,
      )}</a></td>
      <td data-label="Workflow">${run.workflowName}</td>
      <td data-label="Status">${statusBadge(run.status)}</td>
      <td data-label="Step">${run.currentStep}</td>
      <td data-label="Entries">${run.historyLength}</td>
      <td data-label="Started">${when(run.createdAt)}</td>
      <td data-label="Updated">${when(run.updatedAt)}</td>
    </tr>
  `;
}

/** The live part: count, table and pager. */
export function runsTable(data: RunsData, filter: RunsFilter): Html {
  const last = data.instances.at(-1);
  const count = data.total === undefined
    ? html`${data.instances.length}${data.more ? "+" : ""} matching runs`
    : html`${data.total.toLocaleString("en-US")} ${data.total === 1 ? "run" : "runs"}`;
  const table = data.instances.length === 0
    ? html`<p class="muted">No runs${filter.after ? " on this page" : ""}.</p>`
    : html`
      <div class="table-wrap">
        <table class="runs">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Workflow</th>
              <th scope="col">Status</th>
              <th scope="col">Step</th>
              <th scope="col">Entries</th>
              <th scope="col">Started</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>${data.instances.map(runRow)}</tbody>
        </table>
      </div>
    `;
  return html`
    <p class="small muted" data-count>${count}${filter.after
      ? " · an older page"
      : " · newest first"}</p>${table}<nav class="pager"
      aria-label="Pages">${filter.after
        ? html`<a class="button secondary" href="/ui/runs${runsQuery(filter)}">← Newest</a>`
        : ""}${data.more && last
        ? html`<a class="button secondary" href="/ui/runs${
          runsQuery(filter, { createdAt: last.createdAt, id: last.id })
        }" rel="next">Older →</a>`
        : ""}</nav>
  `;
}

/** The whole Runs page: filters, then the live table. */
export function runsPage(data: RunsData, filter: RunsFilter, workflows: readonly string[]): Html {
  const option = (value: string, selected: boolean, label = value) =>
    html`
      <option value="${value}" ${selected
        ? html`
          selected
        `
        : ""}>${label}</option>
    `;
  const names = filter.workflow && !workflows.includes(filter.workflow)
    ? [...workflows, filter.workflow]
    : workflows;
  return html`
    <div class="row spread"><h1>Runs</h1>${liveStatus(true)}</div>
    <form class="panel filters" method="get" action="/ui/runs"
      role="search"><label>Workflow<select name="workflow">${option(
        "",
        !filter.workflow,
        "All workflows",
      )}${names.map((n) =>
        option(n, n === filter.workflow)
      )}</select></label><label>Status<select name="status">${option(
        "",
        !filter.status,
        "Any status",
      )}${INSTANCE_STATUSES.map((s) =>
        option(s, s === filter.status)
      )}</select></label><label>Run id<input name="q" value="${filter.q ??
        ""}" placeholder="id or its start" autocomplete="off" spellcheck="false"></label><button type="submit">Show</button>${filter
          .workflow || filter.status || filter.q
        ? html`<a class="button secondary" href="/ui/runs">Clear</a>`
        : ""}</form>
    <section class="panel" data-live="/ui/live/runs${runsQuery(
      filter,
      filter.after,
    )}" aria-live="polite">${runsTable(data, filter)}</section>
  `;
}
