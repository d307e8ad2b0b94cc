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
import { formatIssue } from "../errors.ts";
import { isInside, type ReadResult, relativePath, WorkflowFiles } from "./files.ts";
import { expandIncludes, type IncludeIssue } from "./includes.ts";
import { type ListedStep, parseIndex } from "./index_file.ts";
import { type ParsedStepFile, parseStepFile, type StepSection } from "./step_file.ts";
import {
  type DefinitionIssue,
  FINISH,
  type InputDefinition,
  type StepDefinition,
  type WorkflowDefinition,
  type WorkflowEntry,
} from "./types.ts";
import { checkRoutes, stepNameProblem, type StepRoutes, unreachableSteps } from "./validate.ts";

/** Valid workflow (folder) names: upper-case letters, digits and underscores. */
export const WORKFLOW_NAME = /^[A-Z0-9_]+$/;

/** Whether `name` is a valid workflow name (and therefore safe to join to the definitions dir). */
export function isWorkflowName(name: string): boolean {
  return WORKFLOW_NAME.test(name);
}

const DEFAULT_MAX_STEPS = 100;
const MAX_WALK_ENTRIES = 10_000;

/** A step whose file was found and parsed. */
interface LoadedStep {
  listed: ListedStep;
  file: ReadResult & { ok: true };
  parsed: ParsedStepFile;
}

/** Load and validate the workflow folder `name` inside `rootDir`. */
export function loadWorkflow(rootDir: string, name: string): WorkflowEntry {
  const issues: DefinitionIssue[] = [];
  const invalid = (description: string, steps: string[]): WorkflowEntry => ({
    name,
    valid: false,
    description,
    steps,
    errors: dedupe(issues),
  });

  if (name === "" || name === "." || name === ".." || /[/\\]/.test(name) || name.includes("\0")) {
    issues.push({ file: name, message: `'${name}' is not a workflow folder name` });
    return invalid("", []);
  }
  if (!isWorkflowName(name)) {
    const suggestion = name.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
    issues.push({
      file: name,
      message: `folder name '${name}' is not a valid workflow name: rename the folder using only ` +
        `A-Z, 0-9 and _ (e.g. '${suggestion}')`,
    });
  }

  let folderReal: string;
  try {
    const rootReal = Deno.realPathSync(path.resolve(rootDir));
    folderReal = Deno.realPathSync(path.join(rootReal, name));
    if (!isInside(rootReal, folderReal) || folderReal === rootReal) {
      issues.push({
        file: name,
        message: "the folder is a symbolic link that points outside the definitions directory: " +
          "move the workflow into the definitions directory",
      });
      return invalid("", []);
    }
  } catch (error) {
    issues.push({ file: name, message: `the folder cannot be read: ${(error as Error).message}` });
    return invalid("", []);
  }

  const files = new WorkflowFiles(folderReal, folderReal);
  const at = (rel: string) => `${name}/${rel}`;
  const indexFile = files.read(path.join(folderReal, "index.md"));
  if (!indexFile.ok) {
    issues.push({
      file: at("index.md"),
      message: indexFile.reason === "missing"
        ? "missing index.md: create it with a title, the goal, and a '# Steps' list of links like " +
          "'- [first_step](steps/first_step.md)'"
        : `index.md ${indexFile.message}`,
    });
    return invalid("", []);
  }
  const index = parseIndex(indexFile.text);
  for (const issue of index.issues) issues.push({ file: at("index.md"), ...issue });
  const indexIssue = (line: number | undefined, message: string) =>
    issues.push({ file: at("index.md"), line, message });

  // Listed steps: valid, unique names; FINISH set apart.
  const listed: ListedStep[] = [];
  const firstLine = new Map<string, number>();
  let finishListed: ListedStep | undefined;
  for (const step of index.steps) {
    const problem = stepNameProblem(step.name);
    if (problem) {
      indexIssue(step.line, problem);
      continue;
    }
    const seen = firstLine.get(step.name);
    if (seen !== undefined) {
      indexIssue(
        step.line,
        `duplicate step name '${step.name}' (also listed on line ${seen}): give each step a unique name`,
      );
      continue;
    }
    firstLine.set(step.name, step.line);
    if (step.name === FINISH) finishListed = step;
    else listed.push(step);
  }
  const names = listed.map((s) => s.name);
  if (finishListed && names.length === 0) {
    indexIssue(
      finishListed.line,
      "index.md lists only FINISH: list at least one step before it, like '- [first_step](steps/first_step.md)'",
    );
  }

  // Step files.
  const loadStep = (step: ListedStep): LoadedStep | undefined => {
    const target = linkTarget(step.target);
    if (target === undefined) {
      indexIssue(
        step.line,
        `step '${step.name}' links to '${step.target}', which is outside the workflow folder: ` +
          `link to a file inside it, e.g. 'steps/${safeFileName(step.name)}.md'`,
      );
      return undefined;
    }
    const file = files.read(path.resolve(folderReal, target));
    if (!file.ok) {
      const message = file.reason === "missing"
        ? `step '${step.name}' is listed but its file '${target}' does not exist: create it or ` +
          "fix the link"
        : file.reason === "outside"
        ? `step '${step.name}' links to '${target}', which ${file.message}: link to a file inside ` +
          "the workflow folder"
        : `step '${step.name}': file '${target}' ${file.message}`;
      indexIssue(step.line, message);
      return undefined;
    }
    const parsed = parseStepFile(file.text, { requireGuidance: step.name !== FINISH });
    for (const issue of parsed.issues) issues.push({ file: at(file.rel), ...issue });
    return { listed: step, file, parsed };
  };
  const loaded = listed.map(loadStep);
  let finish = finishListed ? loadStep(finishListed) : undefined;
  if (!finishListed) {
    const finishPath = path.join(folderReal, "steps", `${FINISH}.md`);
    const file = files.read(finishPath);
    if (file.ok) {
      const listedFinish = { name: FINISH, target: `steps/${FINISH}.md`, line: 0 };
      const parsed = parseStepFile(file.text, { requireGuidance: false });
      for (const issue of parsed.issues) issues.push({ file: at(file.rel), ...issue });
      finish = { listed: listedFinish, file, parsed };
    } else if (file.reason !== "missing") {
      issues.push({
        file: at(`steps/${FINISH}.md`),
        message: `steps/${FINISH}.md ${file.message}`,
      });
    }
  }
  if (finish) {
    const fm = finish.parsed.frontMatter;
    for (const key of ["next", "on", "terminal"] as const) {
      if (fm[key] !== undefined) {
        issues.push({
          file: at(finish.file.rel),
          line: finish.parsed.keyLine([key]),
          message: `the ${FINISH} step ends the run and cannot declare '${key}': remove it`,
        });
      }
    }
  }

  // Routes, start and reachability.
  const routes: StepRoutes[] = [];
  loaded.forEach((step, i) => {
    const name = listed[i]?.name ?? "";
    if (!step) {
      routes.push({ name, on: [], terminal: false });
      return;
    }
    const fm = step.parsed.frontMatter;
    routes.push({
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
    });
  });
  const fileOf = new Map(loaded.flatMap((s) => (s ? [[s.listed.name, s.file.rel] as const] : [])));
  for (const issue of checkRoutes(routes, names)) {
    issues.push({
      file: at(fileOf.get(issue.step) ?? "index.md"),
      line: issue.line,
      message: issue.message,
    });
  }
  let start = names[0];
  const declaredStart = index.frontMatter.start;
  if (declaredStart !== undefined) {
    start = names.includes(declaredStart) ? declaredStart : undefined;
    if (!start) {
      indexIssue(
        index.keyLine(["start"]),
        `'start' names unknown step '${declaredStart}' (listed: ${names.join(", ") || "none"})`,
      );
    }
  }
  if (start !== undefined) {
    for (const name of unreachableSteps(routes, start)) {
      indexIssue(
        firstLine.get(name),
        `step '${name}' is unreachable: no route leads to it; add a route or remove it from the list`,
      );
    }
  }

  // Inputs.
  const inputs: Record<string, InputDefinition> = {};
  for (const [key, input] of Object.entries(index.frontMatter.inputs ?? {})) {
    const definition: InputDefinition = { required: input?.required ?? false };
    if (input?.type !== undefined) definition.type = input.type;
    if (input?.description !== undefined) definition.description = input.description;
    if (input?.default !== undefined) {
      definition.default = input.default;
      const actual = jsonType(input.default);
      if (input.type !== undefined && actual !== input.type) {
        indexIssue(
          index.keyLine(["inputs", key, "default"]),
          `input '${key}' has type ${input.type} but its default is ${
            actual === "null" ? "null" : `a ${actual}`
          }: ` +
            "make them agree",
        );
      }
    }
    inputs[key] = definition;
  }

  // Includes, in every definition file (reported once, with the including file and line).
  const reportInclude = (issue: IncludeIssue) =>
    issues.push({ file: at(issue.file), line: issue.line, message: issue.message });
  for (const file of [indexFile, ...loaded.map((s) => s?.file), finish?.file]) {
    if (!file) continue;
    expandIncludes(file.text, {
      files,
      fileReal: file.real,
      fileRel: file.rel,
      firstLine: 1,
      report: reportInclude,
    });
  }

  // Files under steps/ that nothing refers to.
  const used = files.readReals;
  for (const file of markdownFiles(path.join(folderReal, "steps"), folderReal)) {
    const rel = relativePath(folderReal, file.path);
    if (rel === `steps/${FINISH}.md` || (file.real && used.has(file.real))) continue;
    const base = path.basename(rel, ".md");
    issues.push({
      file: at(rel),
      message:
        `file not listed in index.md: add '- [${base}](${rel})' to the Steps list or delete it`,
    });
  }

  if (issues.length > 0) return invalid(index.description, names);

  // No issues, so no cycles: a file's expansion is the same wherever it is included, and one memo
  // serves every section instead of each re-expanding the shared files.
  const memo = new Map<string, { text: string; nesting: number }>();
  const expand = (text: string, file: ReadResult & { ok: true }) =>
    expandIncludes(text, { files, fileReal: file.real, fileRel: file.rel, firstLine: 1, memo })
      .trim();
  const section = (s: StepSection | undefined, file: ReadResult & { ok: true }) =>
    s ? expand(s.text, file) : "";
  const toStep = (step: LoadedStep): StepDefinition => {
    const fm = step.parsed.frontMatter;
    const definition: StepDefinition = {
      name: step.listed.name,
      file: step.file.rel,
      description: expand(step.parsed.description, step.file),
      guidance: section(step.parsed.guidance, step.file),
      instructions: section(step.parsed.instructions, step.file),
      on: { ...(fm.on ?? {}) },
      terminal: fm.terminal === true,
    };
    if (fm.next !== undefined) definition.next = fm.next;
    return definition;
  };
  const steps = loaded.flatMap((s) => (s ? [toStep(s)] : []));
  const definition: WorkflowDefinition = {
    name,
    title: index.title ?? name,
    description: expand(index.description, indexFile),
    goal: expand(index.goal, indexFile),
    start: start ?? names[0] ?? "",
    inputs,
    maxSteps: index.frontMatter.max_steps ?? DEFAULT_MAX_STEPS,
    steps,
    hash: files.hash(),
  };
  if (index.frontMatter.version !== undefined) {
    definition.version = String(index.frontMatter.version);
  }
  if (finish) definition.finish = toStep(finish);
  return { name, valid: true, definition };
}

/** The file part of a link target, or undefined when it is a URL or an absolute path. */
function linkTarget(href: string): string | undefined {
  let target = href.replace(/[?#].*$/, "");
  try {
    target = decodeURIComponent(target);
  } catch {
    // Not percent-encoded: use as written.
  }
  if (target === "" || /^[a-z][a-z0-9+.-]*:/i.test(target) || path.isAbsolute(target)) {
    return undefined;
  }
  if (target.startsWith("\\") || target.includes("\u0000")) return undefined;
  return target;
}

function safeFileName(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9_-]+/g, "_");
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** Every `.md` file under `dir` (following file symlinks, not directory symlinks), with real paths. */
function markdownFiles(dir: string, folderReal: string): { path: string; real?: string }[] {
  const found: { path: string; real?: string }[] = [];
  // A `steps` link to a folder elsewhere is not walked: even its file names stay private.
  try {
    if (!isInside(folderReal, Deno.realPathSync(dir))) return found;
  } catch {
    return found; // No steps/ folder: nothing unlisted to report.
  }
  let budget = MAX_WALK_ENTRIES;
  const walk = (current: string, depth: number) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(current)];
    } catch {
      return; // No steps/ folder (or unreadable): nothing unlisted to report.
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (--budget < 0) return;
      const full = path.join(current, entry.name);
      if (entry.isDirectory && depth < 10) walk(full, depth + 1);
      else if ((entry.isFile || entry.isSymlink) && entry.name.endsWith(".md")) {
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
  walk(dir, 0);
  return found;
}

function dedupe(issues: DefinitionIssue[]): DefinitionIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = formatIssue(issue);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
