/**
 * Parsing of a workflow's `index.md`: front matter, title, description, the list of steps (link
 * text = step name, link target = file) and the goal text (body without the step list).
 *
 * @example
 * ```ts
 * const index = parseIndex("# Joke\n\nTell a joke.\n\n# Steps\n\n1. [Ask](steps/ask.md)\n");
 * index.steps; // [{ name: "Ask", target: "steps/ask.md", line: 7 }]
 * ```
 * @module
 */
import {
  type FrontMatterSplit,
  INDEX_FRONT_MATTER,
  type IndexFrontMatter,
  type LineIssue,
  parseFrontMatter,
  splitFrontMatter,
} from "./frontmatter.ts";
import {
  headingIs,
  inSection,
  type MdList,
  type MdOutline,
  type MdSection,
  parseOutline,
  sectionOf,
} from "./markdown.ts";

/** One step as listed in index.md. */
export interface ListedStep {
  /** The step's name (link text, or the plain item text). */
  name: string;
  /** Where its file is, relative to the workflow folder, as written. */
  target: string;
  /** Line of the list item in index.md. */
  line: number;
}

/** index.md, parsed but not yet checked against the step files. */
export interface ParsedIndex {
  frontMatter: IndexFrontMatter;
  /** File line of a front matter key path, when present. */
  keyLine(path: readonly PropertyKey[]): number | undefined;
  /** The title heading's text, if there is one. */
  title?: string;
  /** Front matter description, else the first paragraph after the title (raw, one line). */
  description: string;
  steps: ListedStep[];
  /** The body without front matter and without the step list (includes not yet resolved). */
  goal: string;
  /** The Markdown body (after front matter) and the file line it starts on. */
  body: string;
  bodyFirstLine: number;
  issues: LineIssue[];
}

/** A plain list item naming a step: `- step_name` means `steps/step_name.md`. */
const PLAIN_STEP = /^[A-Za-z0-9_ -]+$/;

const STEP_EXAMPLE = "'- [first_step](steps/first_step.md)'";

/** Parse index.md text (newline-normalized). */
export function parseIndex(text: string): ParsedIndex {
  const split: FrontMatterSplit = splitFrontMatter(text);
  const fm = parseFrontMatter(split, INDEX_FRONT_MATTER);
  const issues: LineIssue[] = [...fm.issues];
  const outline = parseOutline(split.body, split.bodyFirstLine);

  const stepsHeading = outline.headings.find((h) => headingIs(h, "steps"));
  const stepsSection = stepsHeading ? sectionOf(outline, stepsHeading) : undefined;
  const titleHeading = outline.headings.find((h) => h.depth === 1 && h !== stepsHeading) ??
    outline.headings.find((h) => h !== stepsHeading);

  const { steps, usedLists } = listSteps(outline, stepsSection, issues);
  if (steps.length === 0) {
    issues.push(
      stepsSection
        ? {
          line: stepsSection.heading.line,
          message: `no steps are listed under '${
            "#".repeat(stepsSection.heading.depth)
          } ${stepsSection.heading.text}': add items like ${STEP_EXAMPLE}`,
        }
        : {
          line: split.bodyFirstLine,
          message:
            `index.md lists no steps: add a '# Steps' section with items like ${STEP_EXAMPLE}`,
        },
    );
  }

  let description = fm.value?.description?.trim() ?? "";
  if (!fm.value?.description) {
    const after = titleHeading?.end ?? 0;
    const paragraph = outline.paragraphs.find((p) =>
      p.start >= after && !(stepsSection && inSection(p, stepsSection))
    );
    description = paragraph ? paragraph.text.replace(/\s*\n\s*/g, " ") : "";
  }

  return {
    frontMatter: fm.value ?? {},
    keyLine: fm.keyLine,
    title: titleHeading?.text,
    description,
    steps,
    goal: goalText(outline, usedLists, stepsSection),
    body: split.body,
    bodyFirstLine: split.bodyFirstLine,
    issues,
  };
}

function listSteps(
  outline: MdOutline,
  section: MdSection | undefined,
  issues: LineIssue[],
): { steps: ListedStep[]; usedLists: MdList[] } {
  const steps: ListedStep[] = [];
  const usedLists: MdList[] = [];
  const lists = section ? outline.lists.filter((l) => inSection(l, section)) : outline.lists;
  for (const list of lists) {
    let used = false;
    for (const item of list.items) {
      if (item.link) {
        steps.push({ name: item.link.text, target: item.link.href, line: item.line });
        used = true;
      } else if (section) {
        // Inside `# Steps` every item must be a step; elsewhere only link items are (seed rule).
        if (PLAIN_STEP.test(item.text)) {
          const name = item.text.trim();
          steps.push({ name, target: `steps/${name}.md`, line: item.line });
        } else {
          issues.push({
            line: item.line,
            message: `list item '${
              item.text.split("\n")[0]
            }' under the Steps heading is not a step: write ${STEP_EXAMPLE} or '- step_name'`,
          });
        }
        used = true;
      }
    }
    if (used) usedLists.push(list);
  }
  return { steps, usedLists };
}

/** The body without the step lists (and without the Steps heading if nothing else is under it). */
function goalText(outline: MdOutline, usedLists: MdList[], section: MdSection | undefined): string {
  const cuts: Span[] = usedLists.map((l) => ({ start: l.start, end: l.end }));
  if (section && withoutSpans(outline.source, cuts, section).trim() === "") {
    cuts.push({ start: section.heading.start, end: section.end });
  }
  return withoutSpans(outline.source, cuts, { start: 0, end: outline.source.length })
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

interface Span {
  start: number;
  end: number;
}

/** The text of `range` with every span in `cuts` removed. */
function withoutSpans(source: string, cuts: Span[], range: Span): string {
  const sorted = [...cuts].sort((a, b) => a.start - b.start);
  let text = "";
  let pos = range.start;
  for (const cut of sorted) {
    const start = Math.max(cut.start, pos);
    const end = Math.min(cut.end, range.end);
    if (start >= end) continue;
    text += source.slice(pos, start);
    pos = end;
  }
  return text + source.slice(pos, range.end);
}
