/**
 * The steps a workflow's index.md lists and their files: names checked (valid, unique, FINISH set
 * apart), each file found inside the folder and parsed, and the optional FINISH step (listed or
 * at `steps/FINISH.md`) checked to declare no routes.
 *
 * @example
 * ```ts
 * const { listed, finishListed } = listedSteps(context, index.steps);
 * const { loaded, finish } = loadStepFiles(context, listed, finishListed);
 * ```
 * @module
 */
import * as path from "node:path";
import type { ReadResult } from "./files.ts";
import type { ListedStep } from "./index_file.ts";
import type { LoadContext } from "./load_context.ts";
import { type ParsedStepFile, parseStepFile } from "./step_file.ts";
import { FINISH } from "./types.ts";
import { stepNameProblem } from "./validate.ts";

/** A step whose file was found and parsed. */
export interface LoadedStep {
  listed: ListedStep;
  file: ReadResult & { ok: true };
  parsed: ParsedStepFile;
}

/** The listed steps with valid, unique names (FINISH apart) and the line each was first listed on. */
export interface StepList {
  listed: ListedStep[];
  firstLine: Map<string, number>;
  finishListed?: ListedStep;
}

/** Check the names of the steps index.md lists. */
export function listedSteps(context: LoadContext, steps: readonly ListedStep[]): StepList {
  const listed: ListedStep[] = [];
  const firstLine = new Map<string, number>();
  let finishListed: ListedStep | undefined;
  for (const step of steps) {
    const problem = stepNameProblem(step.name);
    const seen = firstLine.get(step.name);
    if (problem || seen !== undefined) {
      // Not loaded, but listed: its file is not "unlisted".
      const target = linkTarget(step.target);
      if (target !== undefined) context.files.mention(path.resolve(context.folderReal, target));
    }
    if (problem) {
      context.indexIssue(step.line, problem);
      continue;
    }
    if (seen !== undefined) {
      context.indexIssue(
        step.line,
        `duplicate step name '${step.name}' (also listed on line ${seen}): give each step a unique name`,
      );
      continue;
    }
    firstLine.set(step.name, step.line);
    if (step.name === FINISH) finishListed = step;
    else listed.push(step);
  }
  if (finishListed && listed.length === 0) {
    context.indexIssue(
      finishListed.line,
      "index.md lists only FINISH: list at least one step before it, like '- [first_step](steps/first_step.md)'",
    );
  }
  return { listed, firstLine, finishListed };
}

/** Read and parse each listed step's file and the FINISH step's, reporting what is wrong. */
export function loadStepFiles(
  context: LoadContext,
  listed: readonly ListedStep[],
  finishListed: ListedStep | undefined,
): { loaded: (LoadedStep | undefined)[]; finish?: LoadedStep } {
  const loaded = listed.map((step) => loadStep(context, step));
  const finish = finishListed ? loadStep(context, finishListed) : unlistedFinish(context);
  if (finish) checkFinish(context, finish);
  return { loaded, finish };
}

function loadStep(context: LoadContext, step: ListedStep): LoadedStep | undefined {
  const target = linkTarget(step.target);
  if (target === undefined) {
    context.indexIssue(
      step.line,
      `step '${step.name}' links to '${step.target}', which is outside the workflow folder: ` +
        `link to a file inside it, e.g. 'steps/${safeFileName(step.name)}.md'`,
    );
    return undefined;
  }
  const file = context.files.read(path.resolve(context.folderReal, target));
  if (!file.ok) {
    const message = file.reason === "missing"
      ? `step '${step.name}' is listed but its file '${target}' does not exist: create it or ` +
        "fix the link"
      : file.reason === "outside"
      ? `step '${step.name}' links to '${target}', which ${file.message}: link to a file inside ` +
        "the workflow folder"
      : `step '${step.name}': file '${target}' ${file.message}`;
    context.indexIssue(step.line, message);
    return undefined;
  }
  return parsedStep(context, step, file);
}

function parsedStep(
  context: LoadContext,
  listed: ListedStep,
  file: ReadResult & { ok: true },
): LoadedStep {
  const parsed = parseStepFile(file.text, { requireGuidance: listed.name !== FINISH });
  for (const issue of parsed.issues) context.report(file.rel, issue.line, issue.message);
  return { listed, file, parsed };
}

/** `steps/FINISH.md` when index.md does not list FINISH (it is optional). */
function unlistedFinish(context: LoadContext): LoadedStep | undefined {
  const file = context.files.read(path.join(context.folderReal, "steps", `${FINISH}.md`));
  if (file.ok) {
    return parsedStep(context, { name: FINISH, target: `steps/${FINISH}.md`, line: 0 }, file);
  }
  if (file.reason !== "missing") {
    context.report(`steps/${FINISH}.md`, undefined, `steps/${FINISH}.md ${file.message}`);
  }
  return undefined;
}

function checkFinish(context: LoadContext, finish: LoadedStep): void {
  const fm = finish.parsed.frontMatter;
  for (const key of ["next", "on", "terminal"] as const) {
    if (fm[key] !== undefined) {
      context.report(
        finish.file.rel,
        finish.parsed.keyLine([key]),
        `the ${FINISH} step ends the run and cannot declare '${key}': remove it`,
      );
    }
  }
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
