/**
 * What every part of loading one workflow folder shares: the folder, its confined file reader,
 * and the list the problems are reported into (each with the file relative to the definitions
 * directory, a line when known, and the fix).
 *
 * @example
 * ```ts
 * const context = new LoadContext("JOKE_GENERATOR", folderReal);
 * context.report("index.md", 3, "step 'x' is listed but its file does not exist");
 * ```
 * @module
 */
import { formatIssue } from "../errors.ts";
import { WorkflowFiles } from "./files.ts";
import type { DefinitionIssue } from "./types.ts";

/** One workflow folder being loaded, and the problems found so far. */
export class LoadContext {
  readonly issues: DefinitionIssue[] = [];
  readonly files: WorkflowFiles;

  constructor(readonly name: string, readonly folderReal: string) {
    this.files = new WorkflowFiles(folderReal, folderReal);
  }

  /** Report a problem in the file `rel` (relative to the workflow folder). */
  report(rel: string, line: number | undefined, message: string): void {
    this.issues.push(
      line === undefined ? { file: this.at(rel), message } : { file: this.at(rel), line, message },
    );
  }

  /** Report a problem in index.md. */
  indexIssue(line: number | undefined, message: string): void {
    this.report("index.md", line, message);
  }

  /** `rel` as problems name it: relative to the definitions directory. */
  at(rel: string): string {
    return `${this.name}/${rel}`;
  }

  /** The problems, each once, in the order found. */
  errors(): DefinitionIssue[] {
    const seen = new Set<string>();
    return this.issues.filter((issue) => {
      const key = formatIssue(issue);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
}
