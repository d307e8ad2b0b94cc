/**
 * `validate [DIR]`: load every workflow folder in DIR and print each problem as
 * `path:line: message` (the message says how to fix it), then the warnings (likely typos that do
 * not stop a workflow). Exit code 1 when any workflow is invalid; warnings alone leave it 0.
 *
 * @example
 * ```ts
 * Deno.exitCode = validateCommand("./workflows", { json: false });
 * ```
 * @module
 */
import { join } from "node:path";
import { DefinitionRegistry } from "../definitions/registry.ts";
import { checkDefinitionsDir } from "../definitions/root_dir.ts";
import type { DefinitionIssue, WorkflowEntry } from "../definitions/types.ts";
import { formatIssue, OrchestratorError } from "../errors.ts";
import { workflowWarnings } from "./validate_warnings.ts";

/** One problem as reported by `validate --json`. */
interface ValidationProblem extends DefinitionIssue {
  /** `file` joined to the validated directory as given: what an editor opens. */
  path: string;
}

/** The report `validate --json` prints. */
export interface ValidationReport {
  directory: string;
  valid: boolean;
  workflows: {
    name: string;
    valid: boolean;
    steps: string[];
    errors: ValidationProblem[];
    /** Likely typos that do not stop the workflow from running (see validate_warnings.ts). */
    warnings: ValidationProblem[];
  }[];
}

/** Every workflow in `dir`, validated. @throws {OrchestratorError} `dir` is not a definitions dir */
function validateDirectory(dir: string): ValidationReport {
  checkDefinitionsDir(dir);
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
  const located = (issue: DefinitionIssue) => ({ ...issue, path: join(dir, issue.file) });
  const inputs = entry.valid ? Object.keys(entry.definition.inputs) : [];
  const warnings = workflowWarnings(dir, entry.name, inputs).map(located);
  if (entry.valid) {
    return {
      name: entry.name,
      valid: true,
      steps: entry.definition.steps.map((s) => s.name),
      errors: [],
      warnings,
    };
  }
  return {
    name: entry.name,
    valid: false,
    steps: entry.steps,
    errors: entry.errors.map(located),
    warnings,
  };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** `path:line: message`. */
function located(problem: ValidationProblem): string {
  return formatIssue({ ...problem, file: problem.path });
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
    for (const e of workflow.errors) lines.push(located(e));
  }
  for (const workflow of report.workflows) {
    for (const w of workflow.warnings) lines.push(`warning: ${located(w)}`);
  }
  const invalid = report.workflows.filter((w) => !w.valid);
  const problems = invalid.reduce((n, w) => n + w.errors.length, 0);
  const warnings = report.workflows.reduce((n, w) => n + w.warnings.length, 0);
  lines.push(
    report.workflows.length === 0
      ? `No workflow folders in ${report.directory}.`
      : `${plural(report.workflows.length, "workflow")} in ${report.directory}: ${
        report.workflows.length - invalid.length
      } valid, ${invalid.length} invalid` + (problems ? ` (${plural(problems, "problem")})` : "") +
        (warnings ? `; ${plural(warnings, "warning")}.` : "."),
  );
  return lines.join("\n");
}

/** Run `validate`: print the report (text or JSON) and return the exit code. */
export function validateCommand(dir: string, options: { json: boolean }): number {
  const report = validateDirectory(dir);
  console.log(options.json ? JSON.stringify(report, null, 2) : formatValidation(report));
  return report.valid ? 0 : 1;
}
