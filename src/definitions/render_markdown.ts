/**
 * A workflow as one Markdown document for people: goal, inputs, every step with its routes,
 * Orchestrator Guidance and Client Instructions (includes resolved) — or, for an invalid
 * workflow, the problems to fix.
 *
 * @example
 * ```ts
 * console.log(workflowMarkdown(registry.list()[0]));
 * ```
 * @module
 */
import { formatIssue } from "../errors.ts";
import { FINISH, type StepDefinition, type WorkflowEntry } from "./types.ts";

function routesLine(step: StepDefinition): string {
  const routes = Object.entries(step.on).map(([status, target]) => `\`${status}\` → ${target}`);
  if (step.next !== undefined) routes.push(`otherwise → ${step.next}`);
  if (step.terminal) routes.push(`any status → ${FINISH}`);
  return routes.length ? routes.join(", ") : "decided by the orchestrator's AI";
}

function stepMarkdown(step: StepDefinition, heading: string): string[] {
  return [
    `## ${heading}`,
    "",
    ...(step.description ? [`_${step.description}_`, ""] : []),
    `File: \`${step.file}\``,
    ...(step.name === FINISH ? [] : [`Routes: ${routesLine(step)}`]),
    "",
    "### Orchestrator Guidance",
    "",
    step.guidance || "(none)",
    "",
    "### Client Instructions",
    "",
    step.instructions,
    "",
  ];
}

/** The goal without its first line when that is the title's heading, which the document starts with. */
function goalBelowTitle(goal: string, title: string): string {
  const [first = "", ...rest] = goal.split("\n");
  return /^#\s/.test(first) && first.replace(/^#+\s*|\s*#*\s*$/g, "") === title
    ? rest.join("\n").trim()
    : goal;
}

/** The Markdown document for one workflow entry, valid or not. */
export function workflowMarkdown(entry: WorkflowEntry): string {
  if (!entry.valid) {
    return [
      `# ${entry.name} (invalid)`,
      "",
      entry.description,
      "",
      "This workflow cannot run until these problems are fixed:",
      "",
      ...entry.errors.map((issue) => `- ${formatIssue(issue)}`),
      "",
    ].join("\n");
  }
  const d = entry.definition;
  const inputs = Object.entries(d.inputs).map(([key, input]) =>
    `| \`${key}\` | ${input.type ?? "any"} | ${input.required ? "yes" : "no"} | ${
      input.default === undefined ? "" : `\`${JSON.stringify(input.default)}\``
    } | ${input.description ?? ""} |`
  );
  return [
    `# ${d.title}`,
    "",
    `Workflow \`${d.name}\`${
      d.version ? ` version ${d.version}` : ""
    }; starts at \`${d.start}\`; ` +
    `at most ${d.maxSteps} steps per run; definition hash \`${d.hash.slice(0, 12)}\`.`,
    "",
    goalBelowTitle(d.goal, d.title),
    "",
    ...(inputs.length
      ? [
        "Inputs (`context` keys of `start_workflow`):",
        "",
        "| key | type | required | default | description |",
        "| --- | --- | --- | --- | --- |",
        ...inputs,
        "",
      ]
      : []),
    ...d.steps.flatMap((step, i) => stepMarkdown(step, `${i + 1}. ${step.name}`)),
    ...(d.finish ? stepMarkdown(d.finish, `${FINISH} (shown on completion)`) : []),
  ].join("\n");
}
