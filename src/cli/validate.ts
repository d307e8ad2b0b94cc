/**
 * `validate [DIR]`: load every workflow folder in DIR and print each problem as
 * `path:line: message` (the message says how to fix it). Exit code 1 when any workflow is invalid.
 *
 * @example
 * ```ts
 * Deno.exitCode = validateCommand("./workflows", { json: false });
 * ```
 * @module
 */
import { join } from "node:path";
import { DefinitionRegistry } from "../definitions/registry.ts";
import type { DefinitionIssue, WorkflowEntry } from "../definitions/types.ts";
import { OrchestratorError } from "../errors.ts";

/** One problem as reported by `validate --json`. */
interface ValidationProblem extends DefinitionIssue {
  /** `file` joined to the validated directory as given: what an editor opens. */
  path: string;
}

/** The report `validate --json` prints. */
export interface ValidationReport {
  directory: string;
  valid: boolean;
  workflows: { name: string; valid: boolean; steps: string[]; errors: ValidationProblem[] }[];
}

/** Every workflow in `dir`, validated. @throws {OrchestratorError} `dir` is not a definitions dir */
function validateDirectory(dir: string): ValidationReport {
  let isDirectory: boolean;
  try {
    isDirectory = Deno.statSync(dir).isDirectory;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new OrchestratorError(
      `'${dir}' does not exist: pass the workflow definitions directory (the folder that holds ` +
        "one folder per workflow).",
    );
  }
  if (!isDirectory) throw new OrchestratorError(`'${dir}' is a file, not a directory.`);
  if (exists(join(dir, "index.md"))) {
    throw new OrchestratorError(
      `'${dir}' is a single workflow folder: validate the directory that contains it ` +
        `(e.g. 'validate ${join(dir, "..")}').`,
    );
  }
  const entries = new DefinitionRegistry(dir).list();
  return {
    directory: dir,
    valid: entries.every((e) => e.valid),
    workflows: entries.map((entry) => summarize(dir, entry)),
  };
}

function exists(file: string): boolean {
  try {
    Deno.statSync(file);
    return true;
  } catch {
    return false;
  }
}

function summarize(dir: string, entry: WorkflowEntry): ValidationReport["workflows"][number] {
  if (entry.valid) {
    return {
      name: entry.name,
      valid: true,
      steps: entry.definition.steps.map((s) => s.name),
      errors: [],
    };
  }
  return {
    name: entry.name,
    valid: false,
    steps: entry.steps,
    errors: entry.errors.map((issue) => ({ ...issue, path: join(dir, issue.file) })),
  };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** The report as text: one line per workflow, then each problem as `path:line: message`. */
function formatValidation(report: ValidationReport): string {
  const lines: string[] = [];
  for (const workflow of report.workflows) {
    if (workflow.valid) {
      lines.push(`ok       ${workflow.name} (${plural(workflow.steps.length, "step")})`);
      continue;
    }
    lines.push(`INVALID  ${workflow.name} (${plural(workflow.errors.length, "problem")})`);
    for (const e of workflow.errors) {
      lines.push(`${e.path}${e.line ? `:${e.line}` : ""}: ${e.message}`);
    }
  }
  const invalid = report.workflows.filter((w) => !w.valid);
  const problems = invalid.reduce((n, w) => n + w.errors.length, 0);
  lines.push(
    report.workflows.length === 0
      ? `No workflow folders in ${report.directory}.`
      : `${plural(report.workflows.length, "workflow")} in ${report.directory}: ${
        report.workflows.length - invalid.length
      } valid, ${invalid.length} invalid` + (problems ? ` (${plural(problems, "problem")}).` : "."),
  );
  return lines.join("\n");
}

/** Run `validate`: print the report (text or JSON) and return the exit code. */
export function validateCommand(dir: string, options: { json: boolean }): number {
  const report = validateDirectory(dir);
  console.log(options.json ? JSON.stringify(report, null, 2) : formatValidation(report));
  return report.valid ? 0 : 1;
}
