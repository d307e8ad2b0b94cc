/**
 * Cross-step checks of a workflow: step names, duplicates, declared routes, the start step and
 * reachability (a step no route can lead to is an error).
 *
 * @example
 * ```ts
 * unreachableSteps([{ name: "a", next: { target: "FINISH", line: 2 }, on: [], terminal: false },
 *   { name: "b", on: [], terminal: false }], "a"); // ["b"]
 * ```
 * @module
 */
import { FINISH } from "./types.ts";

/** A route target as declared, with the front matter line it is on. */
export interface DeclaredTarget {
  target: string;
  line?: number;
}

/** The routing facts of one step, as declared in its front matter. */
export interface StepRoutes {
  name: string;
  next?: DeclaredTarget;
  on: (DeclaredTarget & { status: string })[];
  terminal: boolean;
  terminalLine?: number;
}

/** A routing problem in one step's file. */
export interface RouteIssue {
  step: string;
  line?: number;
  message: string;
}

/** Why a step name cannot be used, or undefined when it is fine. */
export function stepNameProblem(name: string): string | undefined {
  if (name.trim() === "") return "a step needs a name: write the name as the link text";
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    return `step name ${JSON.stringify(name)} contains control characters`;
  }
  if (name.includes("..") || name.includes("/") || name.includes("\\")) {
    return `step name '${name}' must not contain '..', '/' or '\\': the name is the link text, ` +
      "the link target locates the file";
  }
  return undefined;
}

/** Check that every `next` and `on` target is a listed step or FINISH, and that terminal steps declare no routes. */
export function checkRoutes(steps: StepRoutes[], names: readonly string[]): RouteIssue[] {
  const issues: RouteIssue[] = [];
  const known = new Set([...names, FINISH]);
  const knownText = [...names, FINISH].join(", ");
  for (const step of steps) {
    const targets: (DeclaredTarget & { key: string })[] = [
      ...(step.next ? [{ ...step.next, key: "next" }] : []),
      ...step.on.map((r) => ({ ...r, key: `on.${r.status}` })),
    ];
    for (const { target, line, key } of targets) {
      if (!known.has(target)) {
        issues.push({
          step: step.name,
          line,
          message: `'${key}' routes to unknown step '${target}' (known: ${knownText})`,
        });
      }
    }
    if (step.terminal && targets.length > 0) {
      issues.push({
        step: step.name,
        line: step.terminalLine,
        message: "'terminal: true' cannot be combined with 'next' or 'on': remove the routes or " +
          "the terminal flag",
      });
    }
  }
  return issues;
}

/**
 * Names of the steps no route can reach from `start`. A terminal step leads nowhere; a step with
 * `next` leads only to `next` and its `on` targets; any other step may lead anywhere (the
 * decision maker picks for statuses without a declared route).
 */
export function unreachableSteps(steps: StepRoutes[], start: string): string[] {
  const byName = new Map(steps.map((s) => [s.name, s]));
  const everyStep = steps.map((s) => s.name);
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    const step = byName.get(queue.shift() ?? "");
    if (!step || step.terminal) continue;
    const targets = step.next
      ? [step.next.target, ...step.on.map((r) => r.target)]
      : [...step.on.map((r) => r.target), ...everyStep];
    for (const target of targets) {
      if (!seen.has(target) && byName.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return everyStep.filter((name) => !seen.has(name));
}
