/**
 * `{{file:relative/path}}` includes: replaced by the named file's text, resolved relative to the
 * including file's folder, recursively (at most 10 levels), cycles rejected, confined to the
 * workflow folder.
 *
 * @example
 * ```ts
 * const text = expandIncludes("See {{file:shared/rules.md}}", {
 *   files, fileReal: "/defs/FLOW/steps/a.md", fileRel: "steps/a.md", firstLine: 1,
 *   report: (issue) => console.error(issue),
 * });
 * ```
 * @module
 */
import * as path from "node:path";
import { MAX_FILE_BYTES, type WorkflowFiles } from "./files.ts";
import { lineCounter } from "./markdown.ts";

/** The deepest include nesting accepted. */
export const MAX_INCLUDE_DEPTH = 10;

/** A `{{file:relative/path}}` include; group 1 is the path. */
export const INCLUDE = /\{\{\s*file:\s*([^}]*?)\s*\}\}/g;

/** A problem with an include, located in the including file (path relative to the workflow folder). */
export interface IncludeIssue {
  file: string;
  line: number;
  message: string;
}

/** Where the text being expanded comes from. */
export interface IncludeOptions {
  files: WorkflowFiles;
  /** Real path of the file the text comes from (includes resolve relative to its folder). */
  fileReal: string;
  /** That file's path relative to the workflow folder, for messages. */
  fileRel: string;
  /** File line the text starts on. */
  firstLine: number;
  /** Receives each problem; omit to expand silently (problems already reported elsewhere). */
  report?: (issue: IncludeIssue) => void;
  /** Real paths of the files currently being expanded (cycle detection). */
  stack?: readonly string[];
  /** Nesting level of `text` (0 for a definition file itself). */
  depth?: number;
  /**
   * Expanded text of files already expanded in this call, by real path, with how deeply their own
   * includes nest: a file included many times is expanded once, so include fan-out stays linear.
   */
  memo?: Map<string, { text: string; nesting: number }>;
}

/** The largest text an include may expand to (the same cap as one file). */
const MAX_EXPANDED_CHARS = MAX_FILE_BYTES;

/** Replace every `{{file:...}}` in `text` by the file's (expanded) text; failed includes become "". */
export function expandIncludes(text: string, options: IncludeOptions): string {
  return expand(text, options).text;
}

/** `expandIncludes`, also returning how many levels of includes the text nests. */
function expand(text: string, options: IncludeOptions): { text: string; nesting: number } {
  const { files, fileReal, fileRel, firstLine, report } = options;
  const stack = options.stack ?? [fileReal];
  const depth = options.depth ?? 0;
  const memo = options.memo ?? new Map<string, { text: string; nesting: number }>();
  const lineAt = lineCounter(text, firstLine);
  let nesting = 0;
  let total = text.length;
  const expanded = text.replace(INCLUDE, (whole: string, target: string, offset: number) => {
    const fail = (message: string) => {
      report?.({ file: fileRel, line: lineAt(offset), message });
      return "";
    };
    if (target === "") {
      return fail(`include '${whole}' names no file: write {{file:relative/path}}`);
    }
    if (depth >= MAX_INCLUDE_DEPTH) {
      files.mention(path.resolve(path.dirname(fileReal), target));
      return fail(
        `include '${whole}' is nested more than ${MAX_INCLUDE_DEPTH} levels deep: flatten the includes`,
      );
    }
    const absolute = path.resolve(path.dirname(fileReal), target);
    const result = files.read(absolute);
    if (!result.ok) {
      const hint = result.reason === "outside"
        ? ": includes must stay inside the workflow folder"
        : result.reason === "missing"
        ? ": the path is relative to this file's folder; create the file or fix the path"
        : "";
      return fail(`include '${whole}' ${result.message}${hint}`);
    }
    if (stack.includes(result.real)) {
      const chain = [...stack, result.real].map((real) => files.relativeOf(real)).join(" -> ");
      return fail(`include cycle ${chain}: remove one of these includes`);
    }
    let inner = memo.get(result.real);
    if (!inner || depth + 1 + inner.nesting > MAX_INCLUDE_DEPTH) {
      inner = expand(result.text, {
        files,
        fileReal: result.real,
        fileRel: result.rel,
        firstLine: 1,
        report,
        stack: [...stack, result.real],
        depth: depth + 1,
        memo,
      });
      memo.set(result.real, inner);
    }
    if (total + inner.text.length > MAX_EXPANDED_CHARS) {
      return fail(
        `include '${whole}' makes ${fileRel} expand to more than ${MAX_EXPANDED_CHARS} ` +
          `characters (includes repeat too much): include less`,
      );
    }
    total += inner.text.length;
    nesting = Math.max(nesting, inner.nesting + 1);
    return inner.text;
  });
  return { text: expanded, nesting };
}
