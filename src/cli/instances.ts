/**
 * `instances`: the recorded runs, newest first, optionally only one workflow's or one status's.
 *
 * @example
 * ```ts
 * instancesCommand(config, { workflow: "JOKE_GENERATOR", status: "running", json: false });
 * ```
 * @module
 */
import type { Config } from "../config.ts";
import { OrchestratorError } from "../errors.ts";
import {
  DEFAULT_PAGE_SIZE,
  INSTANCE_STATUSES,
  type InstanceStatus,
  MAX_PAGE_SIZE,
} from "../store/types.ts";
import { statusView } from "../engine/views.ts";
import { openRuns } from "./runs.ts";
import { formatTable } from "./table.ts";

/** Filters of the `instances` command, as given on the command line. */
interface InstancesOptions {
  workflow?: string;
  /** Each `--status` given (at most one). */
  status?: string[];
  limit?: string;
  json: boolean;
}

function parseStatus(values: string[] | undefined): InstanceStatus | undefined {
  if (values === undefined || values.length === 0) return undefined;
  const [value] = values;
  if (values.length > 1 || value === undefined) {
    throw new OrchestratorError(
      `instances lists one status at a time; got --status ${values.join(", --status ")}.`,
    );
  }
  const status = value.toUpperCase() as InstanceStatus;
  if (!INSTANCE_STATUSES.includes(status)) {
    throw new OrchestratorError(
      `--status '${value}' is not a status: use one of ${INSTANCE_STATUSES.join(", ")}.`,
    );
  }
  return status;
}

/**
 * `--limit`: a whole number from 1 to the largest page, `fallback` when not given.
 * @throws {OrchestratorError}
 */
export function parseLimit(value: string | undefined, fallback = DEFAULT_PAGE_SIZE): number {
  if (value === undefined) return fallback;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new OrchestratorError(
      `--limit '${value}' must be a whole number from 1 to ${MAX_PAGE_SIZE}.`,
    );
  }
  return limit;
}

/** Print the matching runs as a table (or JSON) and return the exit code. */
export async function instancesCommand(
  config: Config,
  options: InstancesOptions,
): Promise<number> {
  const query = {
    workflowName: options.workflow,
    status: parseStatus(options.status),
    limit: parseLimit(options.limit),
    offset: 0,
  };
  const runs = await openRuns(config);
  try {
    const listed = await runs.store.listInstances(query);
    const instances = listed.instances.map(statusView);
    const { total } = listed;
    if (options.json) {
      console.log(JSON.stringify({ instances, total }, null, 2));
      return 0;
    }
    if (instances.length === 0) {
      console.log("No runs match.");
      return 0;
    }
    console.log(formatTable(
      ["ID", "WORKFLOW", "STATUS", "STEP", "STEPS", "UPDATED"],
      instances.map((i) => [
        i.instance_id,
        i.workflow_name,
        i.status,
        i.current_step_name,
        String(i.history_length),
        i.updated_at,
      ]),
    ));
    if (total > instances.length) {
      console.log(
        `\n${instances.length} of ${total} runs shown; use --limit, --workflow or --status.`,
      );
    }
    return 0;
  } finally {
    await runs.close();
  }
}
