/**
 * The JSON file of one exported run (`export ID`, read back by `import FILE`): `{ format:
 * "orchestrator-run", version: 1, instance, history, definition? }`, the instance, every history
 * entry and the pinned definition exactly as the store keeps them. Reading one is parsed with zod,
 * and a bad file is refused with the field that is wrong.
 *
 * @example
 * ```ts
 * import { parseRunFile, toRunFile } from "./run_file.ts";
 * const text = JSON.stringify(toRunFile(await readRun(store, id)), null, 2);
 * const run = parseRunFile(text, "run.json"); // a StoredRun for Store.importRun
 * ```
 * @module
 */
import { z } from "zod";
import { OrchestratorError } from "../errors.ts";
import { ISO_TIMESTAMP } from "../store/rows.ts";
import { checkStoredRun } from "../store/stored_run.ts";
import {
  DECISION_SOURCES,
  FINISHED_STATUSES,
  INSTANCE_STATUSES,
  type StoredRun,
} from "../store/types.ts";

/** The `format` of an exported run. */
export const RUN_FILE_FORMAT = "orchestrator-run";
/** The `version` of the format this server writes and reads. */
export const RUN_FILE_VERSION = 1;

/** An exported run as written to the file. */
export type RunFile =
  & { format: typeof RUN_FILE_FORMAT; version: typeof RUN_FILE_VERSION }
  & StoredRun;

/** A file `import` cannot use; the message names the file and the field. */
export class InvalidRunFileError extends OrchestratorError {
  override readonly code = "INVALID_RUN_FILE";
}

/** The file form of `run`: the format tag first, then the run as stored. */
export function toRunFile(run: StoredRun): RunFile {
  return {
    format: RUN_FILE_FORMAT,
    version: RUN_FILE_VERSION,
    instance: run.instance,
    history: run.history,
    ...(run.definition ? { definition: run.definition } : {}),
  };
}

const timestamp = z.string().regex(
  ISO_TIMESTAMP,
  "expected an ISO-8601 UTC timestamp like 2026-01-02T03:04:05.678Z",
);
const jsonObject = z.record(z.string(), z.json());
const count = z.int().min(0);

const instanceSchema = z.strictObject({
  id: z.string().min(1).max(200),
  workflowName: z.string().min(1),
  definitionHash: z.string().min(1),
  status: z.enum(INSTANCE_STATUSES),
  currentStep: z.string().min(1),
  context: jsonObject,
  version: z.int().min(1),
  historyLength: count,
  createdAt: timestamp,
  updatedAt: timestamp,
  completedAt: timestamp.nullable(),
}).refine((i) => (i.completedAt !== null) === FINISHED_STATUSES.has(i.status), {
  path: ["completedAt"],
  message: "a finished run (COMPLETED, FAILED, CANCELLED) has a completion time, any other none",
});

const reportSchema = z.strictObject({
  step_id: z.string(),
  status: z.string(),
  result: z.json().optional(),
  message: z.string().optional(),
  details: z.json().optional(),
  error: z.json().optional(),
});

const historySchema = z.strictObject({
  instanceId: z.string().min(1),
  seq: z.int().min(1),
  step: z.string().nullable(),
  report: reportSchema.nullable(),
  contextUpdates: jsonObject.nullable(),
  decision: z.strictObject({
    source: z.enum(DECISION_SOURCES),
    nextStep: z.string().min(1),
    reasoning: z.string().optional(),
    model: z.string().optional(),
    tokensIn: count.optional(),
    tokensOut: count.optional(),
    latencyMs: count.optional(),
  }),
  statusAfter: z.enum(INSTANCE_STATUSES),
  requestHash: z.string().nullable(),
  createdAt: timestamp,
});

/** Whether `body` is the JSON text of an object (what a pinned definition is). */
function isJsonObjectText(body: string): boolean {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

const runFileSchema = z.strictObject({
  format: z.literal(RUN_FILE_FORMAT),
  version: z.literal(RUN_FILE_VERSION),
  instance: instanceSchema,
  history: z.array(historySchema),
  definition: z.strictObject({
    hash: z.string().min(1),
    workflowName: z.string().min(1),
    body: z.string().refine(isJsonObjectText, "expected the JSON text of a workflow definition"),
  }).optional(),
}).refine((file) => !file.definition || file.definition.hash === file.instance.definitionHash, {
  path: ["definition", "hash"],
  message: "expected the instance's definitionHash",
});

/** `history[2].report.status`. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) =>
    typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`
  ).join("");
}

/**
 * The run in an exported file's text.
 * @throws {InvalidRunFileError} not JSON, not an exported run, or a field that is wrong (named)
 */
export function parseRunFile(text: string, source: string): StoredRun {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidRunFileError(
      `${source} is not JSON (${(error as Error).message}): give a file written by 'export ID'.`,
    );
  }
  const tag = (value ?? {}) as { format?: unknown; version?: unknown };
  if (tag.format !== RUN_FILE_FORMAT) {
    throw new InvalidRunFileError(
      `${source} is not an exported run: its "format" is not "${RUN_FILE_FORMAT}". Give a file ` +
        "written by 'export ID' (JSON, the default format).",
    );
  }
  if (tag.version !== RUN_FILE_VERSION) {
    throw new InvalidRunFileError(
      `${source} is version ${JSON.stringify(tag.version)} of the run format; this server reads ` +
        `version ${RUN_FILE_VERSION}. Export it again with this server's version, or upgrade.`,
    );
  }
  const parsed = runFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidRunFileError(`${source}: ${fieldPath(issue.path)}: ${issue.message}.`);
  }
  // Validated above: zod's JSON type is our JsonValue.
  const { format: _, version: __, ...run } = parsed.data as unknown as RunFile;
  try {
    checkStoredRun(run);
  } catch (error) {
    throw new InvalidRunFileError(`${source}: ${(error as Error).message}`);
  }
  return run;
}
