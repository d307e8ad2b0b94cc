/**
 * The Runs page: runs newest started first, filtered by workflow and status or searched by id
 * prefix, a keyset page at a time in either direction (older after a page's last run, newer
 * before its first: as fast deep in 100k runs as on the first page), with status badges; its
 * table is the live part the page's event stream refreshes.
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
  isInstanceStatus,
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
  /** An older page: the runs after this one. */
  after?: InstanceCursor;
  /** A newer page: the runs before this one (not with `after`). */
  before?: InstanceCursor;
}

/** Where a page of runs starts: after a run, before one, or at the newest (neither). */
type PageCursor = Pick<RunsFilter, "after" | "before">;

/** One page of runs. */
export interface RunsData {
  instances: Instance[];
  /** How many runs the filters select in all (unknown while searching by id). */
  total?: number;
  /** Whether an older page exists (on a newer page: the run it was reached from). */
  more: boolean;
  /** Whether a newer page exists (a page other than the newest). */
  newer: boolean;
}

/**
 * The filter the query string of `url` names (`workflow`, `status`, `q`, and a cursor:
 * `after_at`+`after_id` or `before_at`+`before_id`).
 * @throws {InvalidInputError} a status that does not exist, or both cursors
 */
export function runsFilter(url: URL): RunsFilter {
  const get = (name: string) => url.searchParams.get(name)?.trim() || undefined;
  const status = get("status");
  if (status !== undefined && !isInstanceStatus(status)) {
    throw new InvalidInputError(
      `Unknown status '${status}': use one of ${INSTANCE_STATUSES.join(", ")}.`,
    );
  }
  const cursor = (side: "after" | "before"): InstanceCursor | undefined => {
    const [createdAt, id] = [get(`${side}_at`), get(`${side}_id`)];
    return createdAt !== undefined && id !== undefined ? { createdAt, id } : undefined;
  };
  const [after, before] = [cursor("after"), cursor("before")];
  if (after && before) {
    throw new InvalidInputError(
      "A page starts after one run (after_at, after_id) or before one (before_at, before_id), " +
        "not both: drop one pair.",
    );
  }
  return {
    workflow: get("workflow"),
    status,
    q: get("q")?.toLowerCase(),
    after,
    before,
  };
}

/** The query string of `filter` with the cursor of `page` (none: the newest page). */
export function runsQuery(filter: RunsFilter, page: PageCursor = {}): string {
  const params = new URLSearchParams();
  if (filter.workflow) params.set("workflow", filter.workflow);
  if (filter.status) params.set("status", filter.status);
  if (filter.q) params.set("q", filter.q);
  for (const side of ["after", "before"] as const) {
    const cursor = page[side];
    if (cursor) {
      params.set(`${side}_at`, cursor.createdAt);
      params.set(`${side}_id`, cursor.id);
    }
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

const cursorOf = (run: Instance): InstanceCursor => ({ createdAt: run.createdAt, id: run.id });

/**
 * Read the page `filter` selects: one run more than a page, to know whether another page lies
 * beyond it (older after a cursor, newer before one).
 */
export async function loadRuns(store: Store, filter: RunsFilter): Promise<RunsData> {
  const query = { workflowName: filter.workflow, status: filter.status };
  const [page, counted] = await Promise.all([
    store.pageInstances({
      ...query,
      idPrefix: filter.q,
      after: filter.after,
      before: filter.before,
      limit: RUNS_PAGE_SIZE + 1,
    }),
    // Totals come from counts the stores keep per workflow and status: cheap at any size.
    filter.q === undefined ? store.listInstances({ ...query, limit: 1, offset: 0 }) : undefined,
  ]);
  const beyond = page.length > RUNS_PAGE_SIZE;
  if (filter.before) {
    // Newest first: the run beyond the page is the first one.
    return {
      instances: page.slice(beyond ? 1 : 0),
      total: counted?.total,
      more: true,
      newer: beyond,
    };
  }
  return {
    instances: page.slice(0, RUNS_PAGE_SIZE),
    total: counted?.total,
    more: beyond,
    newer: filter.after !== undefined,
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

/** The links to the newest, the newer and the older page, those that exist. */
function pager(data: RunsData, filter: RunsFilter): Html {
  const [first, last] = [data.instances.at(0), data.instances.at(-1)];
  const link = (page: PageCursor, label: string, rel = "") =>
    html`
      <a class="button secondary" href="/ui/runs${runsQuery(filter, page)}" ${rel
        ? html`
          rel="${rel}"
        `
        : ""}>${label}</a>
    `;
  return html`<nav class="pager" aria-label="Pages">${data.newer ? link({}, "« Newest") : ""}${
    data.newer && first ? link({ before: cursorOf(first) }, "← Newer", "prev") : ""
  }${
    data
        .more && last
      ? link({ after: cursorOf(last) }, "Older →", "next")
      : ""
  }</nav>`;
}

/** The live part: count, table and pager. */
export function runsTable(data: RunsData, filter: RunsFilter): Html {
  const count = data.total === undefined
    ? html`${data.instances.length}${data.more ? "+" : ""} matching runs`
    : html`${data.total.toLocaleString("en-US")} ${data.total === 1 ? "run" : "runs"}`;
  const table = data.instances.length === 0
    ? html`<p class="muted">No runs${data.newer ? " on this page" : ""}.</p>`
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
    <p class="small muted" data-count>${count}${data.newer
      ? " · an older page"
      : " · newest first"}</p>${table}${pager(data, filter)}
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
      filter,
    )}" aria-live="polite">${runsTable(data, filter)}</section>
  `;
}
