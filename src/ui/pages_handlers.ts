/**
 * What each dashboard page does with its request, given a logged-in session: read through the
 * application's store and definitions, act through its engine (cancel) or the shared prune, and
 * answer with a page, a redirect or a live stream.
 *
 * @example
 * ```ts
 * const pages = new DashboardPages(app, new LiveStreams(1000));
 * return await pages.runs(url, session);
 * ```
 * @module
 */
import type { App } from "../app.ts";
import { PinnedDefinitions } from "../engine/pinned.ts";
import { OrchestratorError, UnknownWorkflowError } from "../errors.ts";
import { pruneAll } from "../store/prune.ts";
import { FINISHED_STATUSES } from "../store/types.ts";
import type { LiveStreams } from "./live.ts";
import { layout, type Section } from "./pages/layout.ts";
import {
  previewPrune,
  pruneFilter,
  prunePage,
  type PruneRequest,
  pruneRequest,
} from "./pages/prune.ts";
import { loadRun, runDetails, runPage } from "./pages/run.ts";
import {
  loadRuns,
  runsFilter,
  runsPage,
  runsQuery,
  runsSignature,
  runsTable,
} from "./pages/runs.ts";
import { workflowPage, workflowsPage } from "./pages/workflows.ts";
import { htmlResponse, redirect, SECURITY_HEADERS } from "./responses.ts";
import type { Session } from "./session.ts";
import type { Html } from "./html.ts";

/** What the Prune page shows besides the form token and the workflow names. */
type PruneOptions = Omit<Parameters<typeof prunePage>[0], "csrf" | "workflows">;

/** A whole page for `session`: the layout with its navigation around `body`. */
function page(
  session: Session,
  title: string,
  nav: Section,
  body: Html,
  status = 200,
): Response {
  return htmlResponse(layout({ title, nav, csrf: session.csrf, body }), status);
}

/** The pages of the dashboard over one application. */
export class DashboardPages {
  readonly #app: App;
  readonly #live: LiveStreams;
  readonly #pinned: PinnedDefinitions;

  constructor(app: App, live: LiveStreams) {
    this.#app = app;
    this.#live = live;
    this.#pinned = new PinnedDefinitions(app.store, app.definitions);
  }

  #workflowNames(): string[] {
    return this.#app.definitions.list().map((entry) => entry.name);
  }

  async runs(url: URL, session: Session): Promise<Response> {
    const filter = runsFilter(url);
    const data = await loadRuns(this.#app.store, filter);
    // A newer page that reached the newest run: the newest page, full, under its own address.
    if (filter.before && !data.newer) return redirect(`/ui/runs${runsQuery(filter)}`);
    return page(session, "Runs", "runs", runsPage(data, filter, this.#workflowNames()));
  }

  liveRuns(request: Request, url: URL): Response {
    const filter = runsFilter(url);
    return this.#live.respond(request, { key: `runs${runsQuery(filter, filter)}` }, async () => {
      const data = await loadRuns(this.#app.store, filter);
      return { signature: runsSignature(data), render: () => runsTable(data, filter) };
    }, SECURITY_HEADERS);
  }

  async run(id: string, session: Session): Promise<Response> {
    const run = await loadRun(this.#app.store, this.#pinned, id);
    return page(session, `Run ${id.slice(0, 8)}`, "runs", runPage(run, session.csrf));
  }

  liveRun(request: Request, id: string, session: Session): Response {
    return this.#live.respond(request, { key: `run:${id}`, csrf: session.csrf }, async () => {
      const run = await loadRun(this.#app.store, this.#pinned, id);
      return {
        signature: String(run.instance.version),
        render: (csrf) => runDetails(run, csrf),
        done: FINISHED_STATUSES.has(run.instance.status),
      };
    }, SECURITY_HEADERS);
  }

  /** Cancel through the engine, as `cancel_workflow` does. */
  async cancel(id: string): Promise<Response> {
    await this.#app.engine.cancel(id, "cancelled from the dashboard");
    return redirect(`/ui/runs/${encodeURIComponent(id)}`);
  }

  workflows(session: Session): Response {
    return page(session, "Workflows", "workflows", workflowsPage(this.#app.definitions.list()));
  }

  workflow(name: string, session: Session): Response {
    const entry = this.#app.definitions.list().find((e) => e.name === name);
    if (!entry) throw new UnknownWorkflowError(name, this.#workflowNames());
    return page(session, name, "workflows", workflowPage(entry));
  }

  async prune(url: URL, session: Session): Promise<Response> {
    const render = (options: PruneOptions, status = 200) =>
      page(
        session,
        "Prune",
        "prune",
        prunePage({ ...options, csrf: session.csrf, workflows: this.#workflowNames() }),
        status,
      );
    const deleted = url.searchParams.get("deleted");
    let request: PruneRequest | undefined;
    try {
      request = pruneRequest(url.searchParams);
      if (!request) return render({ deleted: deleted === null ? undefined : Number(deleted) });
      return render({ request, preview: await previewPrune(this.#app.store, request) });
    } catch (error) {
      if (!(error instanceof OrchestratorError)) throw error;
      return render({ request, error: error.message }, 400);
    }
  }

  /** Delete what the confirmed form selects, in batches, as `prune` does. */
  async pruneNow(form: URLSearchParams): Promise<Response> {
    const request = pruneRequest(form);
    if (!request) throw new OrchestratorError("Say how old the runs to prune are (older than).");
    const { deleted } = await pruneAll(this.#app.store, pruneFilter(request));
    if (deleted > 0) await this.#app.store.reclaimSpace();
    return redirect(`/ui/prune?deleted=${deleted}`);
  }
}
