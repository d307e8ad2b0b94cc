/**
 * `validate`'s warnings: what loads fine but is very likely a typo. A section heading that is a
 * near miss of `# Client Instructions` or `# Orchestrator Guidance` (the section is then not
 * read), a `{{…}}` that is not a placeholder the server fills in (`{{context.KEY}}`,
 * `{{file:PATH}}`), and a `{{context.KEY}}` whose key is not a declared input but a near miss of
 * one (it would stay as written unless a report adds that exact key).
 *
 * @example
 * ```ts
 * const warnings = workflowWarnings("./workflows", "MY_FLOW", ["issue_id"]);
 * // [{ file: "MY_FLOW/steps/a.md", line: 7, message: "'{{context.isue_id}}' … did you mean …" }]
 * ```
 * @module
 */
import { join, relative } from "node:path";
import { splitFrontMatter } from "../definitions/frontmatter.ts";
import { MAX_FILE_BYTES } from "../definitions/files.ts";
import { INCLUDE } from "../definitions/includes.ts";
import { lineCounter, normalizeText, parseOutline } from "../definitions/markdown.ts";
import { GUIDANCE_HEADING, INSTRUCTIONS_HEADING } from "../definitions/step_file.ts";
import type { DefinitionIssue } from "../definitions/types.ts";
import { PLACEHOLDER } from "../engine/render.ts";

/** Most Markdown files of one workflow folder looked at, and how deep. */
const MAX_FILES = 500;
const MAX_DEPTH = 5;

/** A whole `{{…}}` that is an include, or a placeholder (group 1: its key path). */
const WHOLE_INCLUDE = new RegExp(`^${INCLUDE.source}$`);
const WHOLE_PLACEHOLDER = new RegExp(`^${PLACEHOLDER.source}$`);

/** Edits (insert, delete, replace a letter) that still count as a near miss of a name. */
const NEAR_MISS_EDITS = 2;

/** The number of single-letter edits that turn `a` into `b` (Levenshtein distance). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const replace = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(replace, previous[j]! + 1, current[j - 1]! + 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** `names`' closest near miss of `word` (not `word` itself), if any. */
function nearMiss(word: string, names: readonly string[]): string | undefined {
  const folded = (text: string) => text.toLowerCase().replace(/[\s_-]+/g, "");
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    if (name === word) return undefined;
    const distance = editDistance(folded(word), folded(name));
    const close = distance <= Math.min(NEAR_MISS_EDITS, Math.floor(name.length / 3));
    if (close && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** The Markdown files of a workflow folder (symbolic links not followed), paths relative to it. */
function markdownFiles(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch {
      return; // The loader already reported an unreadable folder.
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (found.length >= MAX_FILES) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory && depth < MAX_DEPTH) walk(path, depth + 1);
      else if (entry.isFile && entry.name.endsWith(".md")) found.push(relative(folder, path));
    }
  };
  walk(folder, 0);
  return found;
}

/** The warnings about headings: near misses of the two step sections. */
function headingWarnings(body: string, firstLine: number): Omit<DefinitionIssue, "file">[] {
  const sections = [INSTRUCTIONS_HEADING, GUIDANCE_HEADING];
  return parseOutline(body, firstLine).headings.flatMap((heading) => {
    const meant = nearMiss(heading.text, sections);
    if (meant === undefined || heading.text.toLowerCase() === meant.toLowerCase()) return [];
    return [{
      line: heading.line,
      message: `heading '${heading.text}' is not '# ${meant}', so this section is not read as ` +
        `the step's ${meant}: rename it '# ${meant}'`,
    }];
  });
}

/**
 * Why a `{{…}}` is suspicious, or `undefined` when it is a placeholder or include as meant. One
 * in code (`inCode`) may be a syntax example: only a near-miss key is reported there.
 */
function placeholderProblem(
  text: string,
  inputs: readonly string[],
  inCode: boolean,
): string | undefined {
  if (WHOLE_INCLUDE.test(text)) return undefined;
  const placeholder = WHOLE_PLACEHOLDER.exec(text);
  if (!placeholder) {
    if (inCode) return undefined;
    return `'${text}' is not a placeholder the server fills in and is sent as written: write ` +
      "{{context.KEY}} for a context value or {{file:PATH}} to include a file";
  }
  const key = placeholder[1]!.split(".")[0]!;
  if (inputs.includes(key)) return undefined;
  const meant = nearMiss(key, inputs);
  return meant === undefined ? undefined : `'${text}': '${key}' is not a declared input; did ` +
    `you mean {{context.${meant}}}? (An undeclared key is filled only once a report adds it to ` +
    "the context.)";
}

/** The warnings about `{{…}}` in `body` (its first line is `firstLine` of the file). */
function placeholderWarnings(
  body: string,
  firstLine: number,
  inputs: readonly string[],
): Omit<DefinitionIssue, "file">[] {
  const lineAt = lineCounter(body, firstLine);
  const code = [...body.matchAll(/```[^]*?```|`[^`\n]*`/g)]
    .map((match) => [match.index, match.index + match[0].length] as const);
  const inCode = (at: number) => code.some(([start, end]) => at >= start && at < end);
  return [...body.matchAll(/\{\{[^{}\n]*\}\}/g)].flatMap((match) => {
    const message = placeholderProblem(match[0], inputs, inCode(match.index));
    return message === undefined ? [] : [{ line: lineAt(match.index), message }];
  });
}

/**
 * The warnings for the workflow folder `name` of the definitions directory `dir`, whose declared
 * inputs are `inputs` (none known for an invalid workflow); files as `NAME/path`.
 */
export function workflowWarnings(
  dir: string,
  name: string,
  inputs: readonly string[],
): DefinitionIssue[] {
  const folder = join(dir, name);
  return markdownFiles(folder).flatMap((file) => {
    let text: string;
    try {
      if (Deno.statSync(join(folder, file)).size > MAX_FILE_BYTES) return [];
      text = normalizeText(Deno.readTextFileSync(join(folder, file)));
    } catch {
      return [];
    }
    const { body, bodyFirstLine } = splitFrontMatter(text);
    return [
      ...headingWarnings(body, bodyFirstLine),
      ...placeholderWarnings(body, bodyFirstLine, inputs),
    ].map((warning) => ({ file: join(name, file), ...warning }))
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  });
}
