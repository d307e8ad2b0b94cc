/**
 * Parsing of one step file: front matter (`description`, `next`, `on`, `terminal`) and the
 * `# Orchestrator Guidance` and `# Client Instructions` sections.
 *
 * @example
 * ```ts
 * const step = parseStepFile("# Orchestrator Guidance\nJudge it.\n# Client Instructions\nDo it.\n");
 * step.instructions?.text; // "Do it."
 * ```
 * @module
 */
import {
  type LineIssue,
  parseFrontMatter,
  splitFrontMatter,
  STEP_FRONT_MATTER,
  type StepFrontMatter,
} from "./frontmatter.ts";
import { headingIs, type MdOutline, type MdSection, parseOutline, sectionOf } from "./markdown.ts";

/** The heading of the section read only by the decision maker. */
export const GUIDANCE_HEADING = "Orchestrator Guidance";
/** The heading of the text sent to the client. */
export const INSTRUCTIONS_HEADING = "Client Instructions";

/** A section's text with where it starts in the file (for include error lines). */
export interface StepSection {
  /** Trimmed raw Markdown of the section. */
  text: string;
  /** Untrimmed raw Markdown, and the file line it starts on. */
  raw: string;
  firstLine: number;
  /** Line of the section's heading. */
  headingLine: number;
}

/** A step file, parsed but not yet checked against the other steps. */
export interface ParsedStepFile {
  frontMatter: StepFrontMatter;
  /** File line of a front matter key path, when present. */
  keyLine(path: readonly PropertyKey[]): number | undefined;
  guidance?: StepSection;
  instructions?: StepSection;
  /** Front matter description, else the first non-empty line of `# Goal`, else "". */
  description: string;
  issues: LineIssue[];
}

/** Options for parsing a step file. */
export interface StepFileOptions {
  /** Whether `# Orchestrator Guidance` is required (it is not for the FINISH step). */
  requireGuidance: boolean;
}

const FIXES: Record<string, string> = {
  [GUIDANCE_HEADING]:
    "the guidance the orchestrator uses to judge this step's outcome and choose " +
    "the next step",
  [INSTRUCTIONS_HEADING]: "the text the client should follow",
};

/** Parse a step file's text (newline-normalized). */
export function parseStepFile(text: string, options: StepFileOptions): ParsedStepFile {
  const split = splitFrontMatter(text);
  const fm = parseFrontMatter(split, STEP_FRONT_MATTER);
  const issues: LineIssue[] = [...fm.issues];
  const outline = parseOutline(split.body, split.bodyFirstLine);

  const section = (name: string, required: boolean): StepSection | undefined => {
    const found = outline.headings.filter((h) => headingIs(h, name));
    const [heading, duplicate] = found;
    if (duplicate) {
      issues.push({
        line: duplicate.line,
        message:
          `duplicate section '# ${name}' (first on line ${heading?.line}): merge them into one`,
      });
    }
    if (!heading) {
      if (required) {
        issues.push({
          line: 1,
          message: `missing section '# ${name}': add a '# ${name}' section with ${FIXES[name]}`,
        });
      }
      return undefined;
    }
    const body: MdSection = sectionOf(outline, heading);
    if (body.text === "") {
      if (required) {
        issues.push({
          line: heading.line,
          message: `section '# ${name}' is empty: add ${FIXES[name]} under it`,
        });
      }
      return undefined;
    }
    return {
      text: body.text,
      raw: body.raw,
      firstLine: outline.lineAt(body.start),
      headingLine: heading.line,
    };
  };

  const guidance = section(GUIDANCE_HEADING, options.requireGuidance);
  const instructions = section(INSTRUCTIONS_HEADING, true);
  const frontMatter = fm.value ?? {};
  return {
    frontMatter,
    keyLine: fm.keyLine,
    guidance,
    instructions,
    description: frontMatter.description?.trim() ?? goalLine(outline),
    issues,
  };
}

/** The first non-empty line of a `# Goal` section, or "". */
function goalLine(outline: MdOutline): string {
  const heading = outline.headings.find((h) => headingIs(h, "goal"));
  if (!heading) return "";
  const line = sectionOf(outline, heading).text.split("\n").find((l) => l.trim() !== "");
  return line?.trim() ?? "";
}
