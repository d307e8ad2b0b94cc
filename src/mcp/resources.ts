/**
 * MCP resources: `workflow://{name}` (a workflow's full definition, for people writing or
 * reviewing workflows) and `instance://{id}` (a run's state and history). Both are listable
 * templates whose variables complete by prefix.
 *
 * @example
 * ```ts
 * registerResources(server, engine, definitions);
 * // client.readResource({ uri: "workflow://JOKE_GENERATOR" })
 * ```
 * @module
 */
import {
  type McpServer,
  ResourceNotFoundError,
  ResourceTemplate,
} from "@modelcontextprotocol/server";
import { workflowMarkdown } from "../definitions/render_markdown.ts";
import type { Definitions } from "../definitions/types.ts";
import type { WorkflowEngine } from "../engine/engine.ts";
import { OrchestratorError, UnknownWorkflowError } from "../errors.ts";
import { MAX_PAGE_SIZE } from "../store/sqlite.ts";

/** How many of the most recently updated runs `instance://` lists and completes. */
export const LISTED_INSTANCES = 50;

function variable(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}

function startingWith(values: string[], prefix: string): string[] {
  const lower = prefix.toLowerCase();
  return values.filter((v) => v.toLowerCase().startsWith(lower));
}

/** The result of `read`, with our errors (unknown instance, …) as resource-not-found errors. */
function found<T>(uri: URL, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof OrchestratorError) {
      throw new ResourceNotFoundError(uri.href, error.message);
    }
    throw error;
  }
}

/** Register the `workflow://{name}` and `instance://{id}` resource templates on `server`. */
export function registerResources(
  server: McpServer,
  engine: WorkflowEngine,
  definitions: Definitions,
): void {
  const recentIds = () =>
    engine.listInstances({ limit: LISTED_INSTANCES, offset: 0 }).instances.map((i) =>
      i.instance_id
    );

  server.registerResource(
    "workflow",
    new ResourceTemplate("workflow://{name}", {
      list: () => ({
        resources: definitions.list().map((entry) => ({
          uri: `workflow://${entry.name}`,
          name: entry.name,
          title: entry.valid ? entry.definition.title : `${entry.name} (invalid)`,
          description: entry.valid ? entry.definition.description : entry.description,
          mimeType: "text/markdown",
        })),
      }),
      complete: {
        name: (value) => startingWith(definitions.list().map((e) => e.name), value),
      },
    }),
    {
      title: "Workflow definition",
      description: "A workflow's complete definition as Markdown, for people writing or " +
        "reviewing workflows: goal, inputs, and every step with its routes, Orchestrator " +
        "Guidance (normally seen only by the deciding AI) and Client Instructions. An invalid " +
        "workflow shows its problems with file and line. A second content item holds the " +
        "same definition as JSON.",
      mimeType: "text/markdown",
    },
    (uri, variables) => {
      const name = variable(variables.name);
      const entries = definitions.list();
      const entry = entries.find((e) => e.name === name);
      if (!entry) {
        const unknown = new UnknownWorkflowError(name, entries.map((e) => e.name));
        throw new ResourceNotFoundError(uri.href, unknown.message);
      }
      return {
        contents: [
          { uri: uri.href, mimeType: "text/markdown", text: workflowMarkdown(entry) },
          {
            uri: uri.href,
            mimeType: "application/json",
            text: JSON.stringify(entry.valid ? entry.definition : entry, null, 2),
          },
        ],
      };
    },
  );

  server.registerResource(
    "instance",
    new ResourceTemplate("instance://{id}", {
      list: () => ({
        resources: engine.listInstances({ limit: LISTED_INSTANCES, offset: 0 }).instances.map(
          (i) => ({
            uri: `instance://${i.instance_id}`,
            name: i.instance_id,
            title: `${i.workflow_name} run (${i.status}, at ${i.current_step_name})`,
            description: `Started ${i.created_at}, updated ${i.updated_at}.`,
            mimeType: "application/json",
          }),
        ),
      }),
      complete: { id: (value) => startingWith(recentIds(), value) },
    }),
    {
      title: "Workflow run",
      description: "A workflow run's persisted state (as get_workflow_status returns it) and " +
        `its history (up to ${MAX_PAGE_SIZE} entries, oldest first) as JSON. The ` +
        `${LISTED_INSTANCES} most recently updated runs are listed; any run can be read by id.`,
      mimeType: "application/json",
    },
    (uri, variables) => {
      const id = variable(variables.id);
      const state = found(uri, () => ({
        ...engine.status(id),
        history: engine.history(id, { limit: MAX_PAGE_SIZE, offset: 0 }).entries,
      }));
      return {
        contents: [{
          uri: uri.href,
          mimeType: "application/json",
          text: JSON.stringify(state, null, 2),
        }],
      };
    },
  );
}
