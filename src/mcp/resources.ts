/**
 * MCP resources: `workflow://{name}` (a workflow's full definition, for people writing or
 * reviewing workflows) and `instance://{id}` (a run's state and history). Both are listable
 * templates whose variables complete by prefix. They are registered before the server connects
 * (which declares the capability); listing, reading and completing wait for the application.
 *
 * @example
 * ```ts
 * registerResources(server, app);
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
import { OrchestratorError, UnknownWorkflowError } from "../errors.ts";
import { MAX_PAGE_SIZE } from "../store/types.ts";
import type { LoadServed } from "./served.ts";

/** How many of the most recently started runs `instance://` lists and completes. */
export const LISTED_INSTANCES = 50;

function variable(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}

function startingWith(values: string[], prefix: string): string[] {
  const lower = prefix.toLowerCase();
  return values.filter((v) => v.toLowerCase().startsWith(lower));
}

/** The result of `read`, with our errors (unknown instance, …) as resource-not-found errors. */
async function found<T>(uri: URL, read: () => T | Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof OrchestratorError) {
      throw new ResourceNotFoundError(uri.href, error.message);
    }
    throw error;
  }
}

/** Register the `workflow://{name}` and `instance://{id}` resource templates on `server`. */
export function registerResources(server: McpServer, app: LoadServed): void {
  const recentInstances = async () =>
    (await (await app()).engine.listInstances({ limit: LISTED_INSTANCES, offset: 0 })).instances;
  const workflows = async () => (await app()).definitions.list();

  server.registerResource(
    "workflow",
    new ResourceTemplate("workflow://{name}", {
      list: async () => ({
        resources: (await workflows()).map((entry) => ({
          uri: `workflow://${entry.name}`,
          name: entry.name,
          title: entry.valid ? entry.definition.title : `${entry.name} (invalid)`,
          description: entry.valid ? entry.definition.description : entry.description,
          mimeType: "text/markdown",
        })),
      }),
      complete: {
        name: async (value) => startingWith((await workflows()).map((e) => e.name), value),
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
    async (uri, variables) => {
      const name = variable(variables.name);
      const entries = await workflows();
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
      list: async () => ({
        resources: (await recentInstances()).map((i) => ({
          uri: `instance://${i.instance_id}`,
          name: i.instance_id,
          title: `${i.workflow_name} run (${i.status}, at ${i.current_step_name})`,
          description: `Started ${i.created_at}, updated ${i.updated_at}.`,
          mimeType: "application/json",
        })),
      }),
      complete: {
        id: async (value) =>
          startingWith((await recentInstances()).map((i) => i.instance_id), value),
      },
    }),
    {
      title: "Workflow run",
      description: "A workflow run's persisted state (as get_workflow_status returns it) and " +
        `its history (up to ${MAX_PAGE_SIZE} entries, oldest first) as JSON. The ` +
        `${LISTED_INSTANCES} most recently started runs are listed; any run can be read by id.`,
      mimeType: "application/json",
    },
    async (uri, variables) => {
      const id = variable(variables.id);
      const { engine } = await app();
      const state = await found(uri, async () => ({
        ...await engine.status(id),
        history: (await engine.history(id, { limit: MAX_PAGE_SIZE, offset: 0 })).entries,
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
