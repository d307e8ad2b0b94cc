/**
 * Loading one workflow folder into a validated `WorkflowDefinition`, or into the list of every
 * problem found (with file, line and fix). Loading never throws for bad content and never reads
 * outside the workflow folder.
 *
 * @example
 * ```ts
 * const entry = loadWorkflow("./workflows", "JOKE_GENERATOR");
 * if (entry.valid) console.log(entry.definition.steps.map((s) => s.name));
 * else console.error(entry.errors);
 * ```
 * @module
 */
import * as path from "node:path";
import { isInside, type ReadResult, relativePath, type WorkflowFiles } from "./files.ts";
import { expandIncludes, type IncludeIssue } from "./includes.ts";
import { parseIndex } from "./index_file.ts";
import { LoadContext } from "./load_context.ts";
import { listedSteps, type LoadedStep, loadStepFiles } from "./loader_steps.ts";
import {
  type DefinitionIssue,
  FINISH,
  type InputDefinition,
  type StepDefinition,
  type WorkflowDefinition,
  type WorkflowEntry,
} from "./types.ts";
import { checkRoutes, type StepRoutes, unreachableSteps } from "./validate.ts";
import { jsonTypeOf } from "../json.ts";

/** What `parseIndex` gives. */
type ParsedIndex = ReturnType<typeof parseIndex>;

/** Valid workflow (folder) names: upper-case letters, digits and underscores. */
export const WORKFLOW_NAME = /^[A-Z0-9_]+$/;

/** Whether `name` is a valid workflow name (and therefore safe to join to the definitions dir). */
export function isWorkflowName(name: string): boolean {
  return WORKFLOW_NAME.test(name);
}

const DEFAULT_MAX_STEPS = 100;
const MAX_WALK_ENTRIES = 10_000;

/** Load and validate the workflow folder `name` inside `rootDir`. */
export function loadWorkflow(rootDir: string, name: string): WorkflowEntry {
  const folder = workflowFolder(rootDir, name);
  if ("issues" in folder) {
    return { name, valid: false, description: "", steps: [], errors: folder.issues };
  }
  const context = new LoadContext(name, folder.real);
  for (const issue of folder.nameIssues) context.issues.push(issue);
  const invalid = (description: string, steps: string[]): WorkflowEntry => ({
    name,
    valid: false,
    description,
    steps,
    errors: context.errors(),
  });

  const indexFile = context.files.read(path.join(context.folderReal, "index.md"));
  if (!indexFile.ok) {
    context.indexIssue(
      undefined,
      indexFile.reason === "missing"
        ? "missing index.md: create it with a title, the goal, and a '# Steps' list of links like " +
          "'- [first_step](steps/first_step.md)'"
        : `index.md ${indexFile.message}`,
    );
    return invalid("", []);
  }
  const index = parseIndex(indexFile.text);
  for (const issue of index.issues) context.indexIssue(issue.line, issue.message);
  const { listed, firstLine, finishListed } = listedSteps(context, index.steps);
  const names = listed.map((s) => s.name);
  const { loaded, finish } = loadStepFiles(context, listed, finishListed);
  const start = checkRoutesAndStart(context, index, loaded, names, firstLine);
  const inputs = inputsOf(context, index);
  checkIncludes(context, [indexFile, ...loaded.map((s) => s?.file), finish?.file]);
  checkUnlistedFiles(context);
  if (context.issues.length > 0) return invalid(index.description, names);

  const expand = sectionExpander(context.files);
  const toStep = (step: LoadedStep): StepDefinition => {
    const fm = step.parsed.frontMatter;
    const definition: StepDefinition = {
      name: step.listed.name,
      file: step.file.rel,
      description: expand(step.parsed.description, step.file),
      guidance: expand(step.parsed.guidance?.text ?? "", step.file),
      instructions: expand(step.parsed.instructions?.text ?? "", step.file),
      on: { ...(fm.on ?? {}) },
      terminal: fm.terminal === true,
    };
    if (fm.next !== undefined) definition.next = fm.next;
    return definition;
  };
  const definition: WorkflowDefinition = {
    name,
    title: index.title ?? name,
    description: expand(index.description, indexFile),
    goal: expand(index.goal, indexFile),
    start: start ?? names[0] ?? "",
    inputs,
    maxSteps: index.frontMatter.max_steps ?? DEFAULT_MAX_STEPS,
    steps: loaded.flatMap((s) => (s ? [toStep(s)] : [])),
    hash: context.files.hash(),
  };
  if (index.frontMatter.version !== undefined) {
    definition.version = String(index.frontMatter.version);
  }
  if (finish) definition.finish = toStep(finish);
  return { name, valid: true, definition };
}

/**
 * The real path of the workflow folder, with the problems of its name; or, when it cannot be
 * loaded at all (not a folder name, a link outside the definitions directory, unreadable), why.
 */
function workflowFolder(
  rootDir: string,
  name: string,
): { real: string; nameIssues: DefinitionIssue[] } | { issues: DefinitionIssue[] } {
  if (name === "" || name === "." || name === ".." || /[/\\]/.test(name) || name.includes("\0")) {
    return { issues: [{ file: name, message: `'${name}' is not a workflow folder name` }] };
  }
  const nameIssues: DefinitionIssue[] = [];
  if (!isWorkflowName(name)) {
    const suggestion = name.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
    nameIssues.push({
      file: name,
      message: `folder name '${name}' is not a valid workflow name: rename the folder using only ` +
        `A-Z, 0-9 and _ (e.g. '${suggestion}')`,
    });
  }
  try {
    const rootReal = Deno.realPathSync(path.resolve(rootDir));
    const real = Deno.realPathSync(path.join(rootReal, name));
    if (!isInside(rootReal, real) || real === rootReal) {
      return {
        issues: [...nameIssues, {
          file: name,
          message: "the folder is a symbolic link that points outside the definitions directory: " +
            "move the workflow into the definitions directory",
        }],
      };
    }
    return { real, nameIssues };
  } catch (error) {
    return {
      issues: [...nameIssues, {
        file: name,
        message: `the folder cannot be read: ${(error as Error).message}`,
      }],
    };
  }
}

/** Check every step's routes, the start step and reachability; returns the start step. */
function checkRoutesAndStart(
  context: LoadContext,
  index: ParsedIndex,
  loaded: readonly (LoadedStep | undefined)[],
  names: string[],
  firstLine: Map<string, number>,
): string | undefined {
  const routes: StepRoutes[] = loaded.map((step, i) => {
    const name = names[i] ?? "";
    if (!step) return { name, on: [], terminal: false };
    const fm = step.parsed.frontMatter;
    return {
      name,
      next: fm.next === undefined
        ? undefined
        : { target: fm.next, line: step.parsed.keyLine(["next"]) },
      on: Object.entries(fm.on ?? {}).map(([status, target]) => ({
        status,
        target,
        line: step.parsed.keyLine(["on", status]),
      })),
      terminal: fm.terminal === true,
      terminalLine: step.parsed.keyLine(["terminal"]),
    };
  });
  const fileOf = new Map(loaded.flatMap((s) => (s ? [[s.listed.name, s.file.rel] as const] : [])));
  for (const issue of checkRoutes(routes, names)) {
    context.report(fileOf.get(issue.step) ?? "index.md", issue.line, issue.message);
  }
  let start = names[0];
  const declaredStart = index.frontMatter.start;
  if (declaredStart !== undefined) {
    start = names.includes(declaredStart) ? declaredStart : undefined;
    if (!start) {
      context.indexIssue(
        index.keyLine(["start"]),
        `'start' names unknown step '${declaredStart}' (listed: ${names.join(", ") || "none"})`,
      );
    }
  }
  if (start !== undefined) {
    for (const name of unreachableSteps(routes, start)) {
      context.indexIssue(
        firstLine.get(name),
        `step '${name}' is unreachable: no route leads to it; add a route or remove it from the list`,
      );
    }
  }
  return start;
}

/** The declared inputs, each default checked against its type. */
function inputsOf(context: LoadContext, index: ParsedIndex): Record<string, InputDefinition> {
  const inputs: Record<string, InputDefinition> = {};
  for (const [key, input] of Object.entries(index.frontMatter.inputs ?? {})) {
    const definition: InputDefinition = { required: input?.required ?? false };
    if (input?.type !== undefined) definition.type = input.type;
    if (input?.description !== undefined) definition.description = input.description;
    if (input?.default !== undefined) {
      definition.default = input.default;
      const actual = jsonTypeOf(input.default);
      if (input.type !== undefined && actual !== input.type) {
        context.indexIssue(
          index.keyLine(["inputs", key, "default"]),
          `input '${key}' has type ${input.type} but its default is ${
            actual === "null" ? "null" : `a ${actual}`
          }: make them agree`,
        );
      }
    }
    inputs[key] = definition;
  }
  return inputs;
}

/** Includes, in every definition file (each problem reported once, with the including file and line). */
function checkIncludes(
  context: LoadContext,
  files: readonly ((ReadResult & { ok: true }) | undefined)[],
): void {
  const report = (issue: IncludeIssue) => context.report(issue.file, issue.line, issue.message);
  for (const file of files) {
    if (!file) continue;
    expandIncludes(file.text, {
      files: context.files,
      fileReal: file.real,
      fileRel: file.rel,
      firstLine: 1,
      report,
    });
  }
}

/** Files under steps/ that nothing refers to. */
function checkUnlistedFiles(context: LoadContext): void {
  const { folderReal, files } = context;
  for (const file of markdownFiles(path.join(folderReal, "steps"), folderReal)) {
    const rel = relativePath(folderReal, file.path);
    if (rel === `steps/${FINISH}.md` || files.isNamed(file.path, file.real)) continue;
    const base = path.basename(rel, ".md");
    context.report(
      rel,
      undefined,
      `file not listed in index.md: add '- [${base}](${rel})' to the Steps list or delete it`,
    );
  }
}

/**
 * A section's text with its includes expanded, trimmed. Called only when there were no issues, so
 * no cycles: a file's expansion is the same wherever it is included, and one memo serves every
 * section instead of each re-expanding the shared files.
 */
function sectionExpander(
  files: WorkflowFiles,
): (text: string, file: ReadResult & { ok: true }) => string {
  const memo = new Map<string, { text: string; nesting: number }>();
  return (text, file) =>
    expandIncludes(text, { files, fileReal: file.real, fileRel: file.rel, firstLine: 1, memo })
      .trim();
}

/** Every `.md` file under `dir` (following file symlinks, not directory symlinks), with real paths. */
function markdownFiles(dir: string, folderReal: string): { path: string; real?: string }[] {
  const found: { path: string; real?: string }[] = [];
  // A `steps` link to a folder elsewhere is not walked: even its file names stay private.
  let dirReal: string;
  try {
    dirReal = Deno.realPathSync(dir);
    if (!isInside(folderReal, dirReal)) return found;
  } catch {
    return found; // No steps/ folder: nothing unlisted to report.
  }
  let budget = MAX_WALK_ENTRIES;
  // `currentReal`: the real path of `current` (directory links are not walked, so a folder's real
  // path is its parent's joined with its name, and a plain file's likewise).
  const walk = (current: string, currentReal: string, depth: number) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(current)];
    } catch {
      return; // No steps/ folder (or unreadable): nothing unlisted to report.
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (--budget < 0) return;
      const full = path.join(current, entry.name);
      const fullReal = path.join(currentReal, entry.name);
      if (entry.isDirectory && depth < 10) walk(full, fullReal, depth + 1);
      else if (entry.isFile && entry.name.endsWith(".md")) {
        found.push({ path: full, real: fullReal });
      } else if (entry.isSymlink && entry.name.endsWith(".md")) {
        let real: string | undefined;
        try {
          real = Deno.realPathSync(full);
        } catch {
          real = undefined; // A dangling link: reported as unlisted.
        }
        found.push({ path: full, real });
      }
    }
  };
  walk(dir, dirReal, 0);
  return found;
}
