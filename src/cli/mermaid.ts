/**
 * A workflow as a Mermaid flowchart (the graph of `workflow_graph.ts`): one node per step plus
 * START and FINISH; declared routes as solid edges labelled with the reported status; AI-decided
 * edges dashed. Given a run's path, the edges it took are numbered in order and drawn thick,
 * visited steps and the current one highlighted.
 *
 * @example
 * ```ts
 * console.log(workflowMermaid(registry.get("JOKE_GENERATOR")));
 * // flowchart TD
 * //   greet["greet<br/>Greet the user and explain the game."]
 * //   greet --> ask_theme
 * //   ...
 * ```
 * @module
 */
import { FINISH, type WorkflowDefinition } from "../definitions/types.ts";
import {
  type GraphEdge,
  type RunPath,
  visitedSteps,
  workflowEdges,
} from "../definitions/workflow_graph.ts";

const START_ID = "START";
const MAX_DESCRIPTION = 60;
/** Words Mermaid would read as keywords if used as node ids. */
const RESERVED = new Set([
  "end",
  "graph",
  "subgraph",
  "flowchart",
  "style",
  "class",
  "classdef",
  "click",
  "linkstyle",
  "direction",
  "default",
  "call",
  "href",
  "start",
  "finish",
]);

/** Mermaid-safe text for inside a quoted label. */
function escape(text: string): string {
  return text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}

function nodeIds(definition: WorkflowDefinition): Map<string, string> {
  const ids = new Map<string, string>([[FINISH, FINISH]]);
  const used = new Set([START_ID, FINISH]);
  definition.steps.forEach((step, i) => {
    const plain = /^[A-Za-z][A-Za-z0-9_]*$/.test(step.name) &&
      !RESERVED.has(step.name.toLowerCase());
    let id = plain ? step.name : `step${i + 1}`;
    while (used.has(id)) id = `${id}_`;
    used.add(id);
    ids.set(step.name, id);
  });
  return ids;
}

function edgeLine(edge: GraphEdge, ids: Map<string, string>): string {
  const arrow = edge.kind === "route" ? "-->" : edge.kind === "ai" ? "-.->" : "==>";
  const label = [
    edge.labels.join(" / "),
    edge.taken.length ? `(${edge.taken.join(", ")})` : "",
  ].filter(Boolean).join(" ");
  const text = label === "" ? "" : /^[\w -]+$/.test(label) ? `|${label}|` : `|"${escape(label)}"|`;
  return `  ${ids.get(edge.from) ?? START_ID} ${arrow}${text} ${ids.get(edge.to)}`;
}

/** The Mermaid flowchart of `definition`, with `run`'s path highlighted when given. */
export function workflowMermaid(definition: WorkflowDefinition, run?: RunPath): string {
  const ids = nodeIds(definition);
  const lines = ["flowchart TD", `  ${START_ID}([start])`];
  for (const step of definition.steps) {
    const description = step.description.length > MAX_DESCRIPTION
      ? `${step.description.slice(0, MAX_DESCRIPTION - 1)}…`
      : step.description;
    const small = description ? `<br/><small>${escape(description)}</small>` : "";
    lines.push(`  ${ids.get(step.name)}["${escape(step.name)}${small}"]`);
  }
  lines.push(`  ${FINISH}([${FINISH}])`);
  const edges = workflowEdges(definition, run);
  lines.push(...edges.map((edge) => edgeLine(edge, ids)));
  if (!run) return lines.join("\n");

  const taken = edges.flatMap((e, i) => (e.taken.length ? [i] : []));
  if (taken.length) lines.push(`  linkStyle ${taken.join(",")} stroke:#2e7d32,stroke-width:3px`);
  const visited = visitedSteps(run);
  const idsOf = (names: Iterable<string>) =>
    [...names].flatMap((n) => (ids.has(n) ? [ids.get(n)!] : [])).join(",");
  lines.push(
    "  classDef visited fill:#e8f5e9,stroke:#2e7d32",
    "  classDef current fill:#fff3cd,stroke:#f57f17,stroke-width:3px",
    "  classDef failed fill:#fdecea,stroke:#c62828,stroke-width:3px",
  );
  if (visited.size && idsOf(visited)) lines.push(`  class ${idsOf(visited)} visited`);
  const currentClass = run.status === "FAILED" || run.status === "CANCELLED" ? "failed" : "current";
  if (ids.has(run.current)) lines.push(`  class ${ids.get(run.current)} ${currentClass}`);
  return lines.join("\n");
}
