/**
 * A workflow's graph (the model of `workflow_graph.ts`, the one `graph` prints as Mermaid) drawn
 * as an SVG picture on the server: `@dagrejs/dagre` lays the nodes out in layers and routes the
 * edges around them, this module draws boxes, curves, arrowheads and labels. Given a run's path,
 * the edges it took are thick and numbered, visited steps tinted and the current one outlined.
 * Styling is by class (see `assets/style_css.ts`), so light and dark themes and a strict CSP
 * apply.
 *
 * @example
 * ```ts
 * const svg = workflowSvg(registry.get("JOKE_GENERATOR"), { id: "g1" });
 * ```
 * @module
 */
import dagre from "@dagrejs/dagre";
import { FINISH, type WorkflowDefinition } from "../definitions/types.ts";
import { type RunPath, visitedSteps, workflowEdges } from "../definitions/workflow_graph.ts";
import { type Html, html } from "./html.ts";

/** START's node id: dagre cannot use "" (the graph model's name for START). */
const START = "\u0000start";
const nodeId = (name: string) => name === "" ? START : name;
const MAX_DESCRIPTION = 34;
const NAME_CHAR_PX = 7.6;
const SMALL_CHAR_PX = 6.3;
const LABEL_CHAR_PX = 6.4;

interface Point {
  x: number;
  y: number;
}

interface NodeBox {
  width: number;
  height: number;
  x: number;
  y: number;
  name: string;
  description: string;
}

interface EdgeLayout {
  width: number;
  height: number;
  x: number;
  y: number;
  points: Point[];
  text: string;
}

function shortened(text: string): string {
  return text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 1)}…` : text;
}

/** The smooth path through `points` (dagre's bends), as SVG path data. */
function curve(points: readonly Point[]): string {
  const [first, ...rest] = points;
  if (!first) return "";
  let d = `M${first.x.toFixed(1)},${first.y.toFixed(1)}`;
  for (let i = 0; i < rest.length; i++) {
    const to = rest[i]!;
    const next = rest[i + 1];
    if (next === undefined) {
      d += ` L${to.x.toFixed(1)},${to.y.toFixed(1)}`;
    } else {
      // Round each bend: a quadratic curve through the bend to the midpoint of the next leg.
      const mid = { x: (to.x + next.x) / 2, y: (to.y + next.y) / 2 };
      d += ` Q${to.x.toFixed(1)},${to.y.toFixed(1)} ${mid.x.toFixed(1)},${mid.y.toFixed(1)}`;
    }
  }
  return d;
}

function nodeClass(name: string, run: RunPath | undefined, visited: Set<string>): string {
  const classes = ["node"];
  if (name === START || name === FINISH) classes.push("node-end");
  if (!run) return classes.join(" ");
  if (name === run.current) {
    classes.push(run.status === "FAILED" || run.status === "CANCELLED" ? "failed" : "current");
  } else if (visited.has(name) || (name === START && run.transitions.length > 0)) {
    classes.push("visited");
  }
  return classes.join(" ");
}

function drawNode(id: string, box: NodeBox, className: string): Html {
  const left = box.x - box.width / 2;
  const top = box.y - box.height / 2;
  const pill = className.includes("node-end");
  const rx = pill ? box.height / 2 : 8;
  const nameY = box.description ? box.y - 4 : box.y + 4.5;
  return html`
    <g class="${className}"
      data-node="${id}"><rect x="${left.toFixed(1)}" y="${top.toFixed(1)}" width="${box.width
        .toFixed(1)}" height="${box.height}" rx="${rx}"/><text x="${box.x.toFixed(1)}" y="${nameY
        .toFixed(1)}" class="node-name">${box.name}</text>${box.description
        ? html`<text x="${box.x.toFixed(1)}" y="${
          (box.y + 12).toFixed(1)
        }" class="node-desc">${box.description}</text>`
        : ""}</g>
  `;
}

function drawEdge(edge: EdgeLayout, kind: string, taken: boolean, marker: string): Html {
  const className = `edge edge-${kind}${taken ? " edge-taken" : ""}`;
  const label = edge.text
    ? html`
      <g class="edge-label${taken ? " edge-label-taken" : ""}">
        <rect x="${(edge.x - edge.width / 2).toFixed(1)}" y="${(edge.y - edge.height / 2).toFixed(
          1,
        )}" width="${edge.width.toFixed(1)}" height="${edge.height}" rx="4" />
        <text x="${edge.x.toFixed(1)}" y="${(edge.y + 4).toFixed(1)}">${edge.text}</text>
      </g>
    `
    : "";
  return html`
    <g
      class="${className}"><path d="${curve(edge.points)}" marker-end="url(#${marker}${taken
        ? "-taken"
        : ""})"/>${label}</g>
  `;
}

/**
 * The SVG of `definition`, with `run`'s path when given; `id` makes its marker ids unique on the
 * page (several graphs may share one).
 */
export function workflowSvg(
  definition: WorkflowDefinition,
  options: { id: string; run?: RunPath },
): Html {
  const { run } = options;
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: "TB", nodesep: 36, ranksep: 46, edgesep: 16, marginx: 8, marginy: 8 });
  const described = new Map(definition.steps.map((s) => [s.name, shortened(s.description)]));
  for (const name of [START, ...definition.steps.map((s) => s.name), FINISH]) {
    const label = name === START ? "start" : name;
    const description = described.get(name) ?? "";
    const width = Math.max(label.length * NAME_CHAR_PX, description.length * SMALL_CHAR_PX) + 28;
    graph.setNode(name, {
      width: Math.max(width, 72),
      height: description ? 46 : 32,
      name: label,
      description,
    });
  }
  const edges = workflowEdges(definition, run);
  edges.forEach((edge, i) => {
    const numbers = edge.taken.length ? `#${edge.taken.join(", #")}` : "";
    const text = [edge.labels.join(" / "), numbers].filter(Boolean).join(" ");
    graph.setEdge(nodeId(edge.from), edge.to, {
      width: text ? text.length * LABEL_CHAR_PX + 10 : 0,
      height: text ? 18 : 0,
      labelpos: "c",
      text,
    }, `e${i}`);
  });
  dagre.layout(graph);

  const visited = run ? visitedSteps(run) : new Set<string>();
  const nodes = graph.nodes().map((name) =>
    drawNode(
      name === START ? "START" : name,
      graph.node(name) as unknown as NodeBox,
      nodeClass(name, run, visited),
    )
  );
  const drawn = edges.map((edge, i) =>
    drawEdge(
      graph.edge({ v: nodeId(edge.from), w: edge.to, name: `e${i}` }) as unknown as EdgeLayout,
      edge.kind,
      edge.taken.length > 0,
      `${options.id}-arrow`,
    )
  );
  const { width = 0, height = 0 } = graph.graph();
  const title = run ? `Path of the run through ${definition.name}` : `Graph of ${definition.name}`;
  return html`
    <svg class="graph" role="img" aria-label="${title}" viewBox="0 0 ${Math.ceil(width)} ${Math
      .ceil(height)}"
      width="${Math.ceil(width)}" height="${Math.ceil(height)}"
      xmlns="http://www.w3.org/2000/svg"><title>${title}</title><defs>${["", "-taken"].map((
        suffix,
      ) =>
        html`
          <marker id="${options
            .id}-arrow${suffix}" class="arrow${suffix}" viewBox="0 0 10 10" refX="9"
            refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" />
          </marker>
        `
      )}</defs>${drawn}${nodes}</svg>
  `;
}
