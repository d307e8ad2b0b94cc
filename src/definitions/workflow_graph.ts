/**
 * A workflow as a graph, the one model behind the `graph` command's Mermaid text and the
 * dashboard's pictures: START, one node per step, FINISH; declared routes labelled with the
 * reported status; AI-decided edges (to the steps the step's Orchestrator Guidance names, or else
 * to the next listed step). Given a run's path, the edges it took are numbered in order (an edge
 * no definition declares is added as "taken").
 *
 * @example
 * ```ts
 * const edges = workflowEdges(registry.get("JOKE_GENERATOR"));
 * // [{ from: "", to: "greet", kind: "route", labels: [], taken: [] }, …]
 * ```
 * @module
 */
import type { HistoryEntry, Instance, InstanceStatus } from "../store/types.ts";
import { FINISH, type StepDefinition, type WorkflowDefinition } from "./types.ts";

/** The path one run took: its transitions in order, where it is now, and its status. */
export interface RunPath {
  /** `from` is "" for the start of the run (the START node). */
  transitions: { from: string; to: string; status: string }[];
  current: string;
  status: InstanceStatus;
}

/** How an edge came to be: a declared route, an AI decision, or only a run's path. */
export type EdgeKind = "route" | "ai" | "taken";

/** One edge; `from` is "" for START. */
export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** The reported statuses that take it ("otherwise" for a `next` beside `on` routes). */
  labels: string[];
  /** The run's transition numbers (1-based) that went along it. */
  taken: number[];
}

/** Step names that `text` mentions as whole words, and FINISH when it speaks of finishing. */
function mentioned(text: string, names: string[]): string[] {
  const found = names.filter((name) => {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`(?<![\\w-])${escaped}(?![\\w-])`).test(text);
  });
  return /\bfinish\b/i.test(text) ? [...found, FINISH] : found;
}

function stepEdges(
  definition: WorkflowDefinition,
  step: StepDefinition,
  index: number,
): GraphEdge[] {
  const edges = new Map<string, GraphEdge>();
  const add = (to: string, kind: EdgeKind, label?: string) => {
    const edge = edges.get(to) ?? { from: step.name, to, kind, labels: [], taken: [] };
    if (label !== undefined) edge.labels.push(label);
    edges.set(to, edge);
  };
  for (const [status, target] of Object.entries(step.on)) add(target, "route", status);
  if (step.next !== undefined) {
    add(step.next, "route", Object.keys(step.on).length ? "otherwise" : undefined);
  }
  if (step.terminal) add(FINISH, "route");
  if (step.next === undefined && !step.terminal) {
    // Statuses without a route go to the decision maker: draw the steps its guidance names, or
    // else the next listed step (where the stub decision maker goes).
    const named = mentioned(step.guidance, definition.steps.map((s) => s.name));
    const targets = named.length ? named : [definition.steps[index + 1]?.name ?? FINISH];
    for (const target of targets) if (!edges.has(target)) add(target, "ai");
  }
  return [...edges.values()];
}

function markRun(edges: GraphEdge[], run: RunPath): void {
  run.transitions.forEach((t, i) => {
    let edge = edges.find((e) => e.from === t.from && e.to === t.to);
    if (!edge) {
      edge = { from: t.from, to: t.to, kind: "taken", labels: [t.status], taken: [] };
      edges.push(edge);
    }
    edge.taken.push(i + 1);
  });
}

/** Every edge of `definition`, START's first, with `run`'s transitions numbered when given. */
export function workflowEdges(definition: WorkflowDefinition, run?: RunPath): GraphEdge[] {
  const edges: GraphEdge[] = [
    { from: "", to: definition.start, kind: "route", labels: [], taken: [] },
    ...definition.steps.flatMap((step, i) => stepEdges(definition, step, i)),
  ];
  if (run) markRun(edges, run);
  return edges;
}

/** The steps a run went through, except where it is now (START excluded). */
export function visitedSteps(run: RunPath): Set<string> {
  const visited = new Set(run.transitions.flatMap((t) => [t.from, t.to]));
  visited.delete("");
  visited.delete(run.current);
  return visited;
}

/** The recorded path of a run: every start, route, AI and cancel transition of `history` in order. */
export function runPathOf(instance: Instance, history: readonly HistoryEntry[]): RunPath {
  const transitions: RunPath["transitions"] = [];
  for (const entry of history) {
    const { source, nextStep } = entry.decision;
    // Resuming re-sends the current step and suspending keeps it: no movement.
    if (source === "resume" || source === "suspend") continue;
    transitions.push({
      from: entry.step ?? "",
      to: source === "cancel" ? FINISH : nextStep,
      status: source === "start"
        ? "start"
        : source === "cancel"
        ? "cancelled"
        : entry.report?.status ?? "",
    });
  }
  return { transitions, current: instance.currentStep, status: instance.status };
}
