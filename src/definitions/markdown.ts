/**
 * Markdown structure of a definition file, found with the `marked` lexer: top-level headings,
 * lists (with their items' links) and paragraphs, each with its offset in the source and its
 * 1-based line, so problems can be reported as `file:line`.
 *
 * @example
 * ```ts
 * const outline = parseOutline("# Steps\n\n- [a](steps/a.md)\n");
 * outline.lists[0].items[0].link; // { text: "a", href: "steps/a.md" }
 * ```
 * @module
 */
import { Lexer, type Token, type Tokens } from "marked";

/** Where a block sits in the source: offsets into the parsed text and the 1-based line it starts on. */
export interface SourceSpan {
  /** Offset of the block's first character. */
  start: number;
  /** Offset just past the block's last character. */
  end: number;
  /** 1-based line of `start` in the file (front matter lines included). */
  line: number;
}

/** A top-level heading. */
export interface MdHeading extends SourceSpan {
  /** 1 for `#`, 2 for `##`, … */
  depth: number;
  /** The heading's plain text, trimmed. */
  text: string;
}

/** A Markdown link `[text](href)`. */
export interface MdLink {
  /** The link text as plain text, trimmed. */
  text: string;
  /** The link target as written. */
  href: string;
}

/** One item of a top-level list. */
export interface MdListItem extends SourceSpan {
  /** The item's plain text (nested lists excluded), trimmed. */
  text: string;
  /** The first link in the item, if any (nested lists excluded). */
  link?: MdLink;
}

/** A top-level list (ordered or bullet, any marker). */
export interface MdList extends SourceSpan {
  items: MdListItem[];
}

/** A top-level paragraph. */
export interface MdParagraph extends SourceSpan {
  /** The paragraph's text as written, trimmed. */
  text: string;
}

/** The block structure of one Markdown text. */
export interface MdOutline {
  /** The parsed text (line endings normalized to `\n`). */
  source: string;
  headings: MdHeading[];
  lists: MdList[];
  paragraphs: MdParagraph[];
  /** The 1-based line of an offset into `source`. */
  lineAt(offset: number): number;
}

/** A heading's section: the raw text from the end of the heading line to the next heading of the same or higher level. */
export interface MdSection {
  heading: MdHeading;
  /** Offset of the first character after the heading. */
  start: number;
  /** Offset where the section ends (the next heading of the same or higher level, or the end). */
  end: number;
  /** The section's raw Markdown, trimmed. */
  text: string;
  /** Raw Markdown of the section, untrimmed (offsets line up with `start`). */
  raw: string;
}

/** Build a function mapping offsets of `text` to 1-based lines, the first line being `firstLine`. */
export function lineCounter(text: string, firstLine = 1): (offset: number) => number {
  const breaks: number[] = [];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) breaks.push(i);
  return (offset: number) => {
    // Number of line breaks strictly before `offset` (binary search).
    let lo = 0;
    let hi = breaks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((breaks[mid] ?? Infinity) < offset) lo = mid + 1;
      else hi = mid;
    }
    return firstLine + lo;
  };
}

/** Plain text of inline tokens (emphasis, code spans and links reduced to their text). */
function plainText(tokens: Token[] | undefined, fallback = ""): string {
  if (!tokens) return fallback;
  let out = "";
  for (const token of tokens) {
    if (token.type === "list") continue;
    if ("tokens" in token && Array.isArray(token.tokens) && token.tokens.length > 0) {
      out += plainText(token.tokens as Token[]);
    } else if (token.type === "br") {
      out += "\n";
    } else if ("text" in token && typeof token.text === "string") {
      out += token.text;
    } else {
      out += token.raw;
    }
  }
  return out;
}

/** The first link among inline tokens, not descending into nested lists. */
function firstLink(tokens: Token[] | undefined): MdLink | undefined {
  if (!tokens) return undefined;
  for (const token of tokens) {
    if (token.type === "list") continue;
    if (token.type === "link") {
      const link = token as Tokens.Link;
      return { text: plainText(link.tokens, link.text).trim(), href: link.href };
    }
    if ("tokens" in token && Array.isArray(token.tokens)) {
      const found = firstLink(token.tokens as Token[]);
      if (found) return found;
    }
  }
  return undefined;
}

/** Normalize line endings and drop a byte-order mark, as every definition file is read. */
export function normalizeText(text: string): string {
  return text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
}

/**
 * Parse Markdown into its top-level headings, lists and paragraphs with offsets and lines.
 * `firstLine` is the file line `source` starts on (after front matter).
 */
export function parseOutline(source: string, firstLine = 1): MdOutline {
  const lineAt = lineCounter(source, firstLine);
  const tokens = new Lexer({ gfm: true }).lex(source);
  const outline: MdOutline = { source, headings: [], lists: [], paragraphs: [], lineAt };
  let cursor = 0;
  // Locate a token's raw text at or after `from`; marked's raws concatenate to the source, and
  // the search keeps us correct even if a raw was normalized.
  const locate = (raw: string, from: number): number => {
    const at = raw.length > 0 ? source.indexOf(raw, from) : -1;
    return at === -1 ? from : at;
  };
  // The line of the first non-blank character of a span.
  const lineOf = (start: number, raw: string): number => {
    const lead = raw.length - raw.replace(/^\n+/, "").length;
    return lineAt(start + lead);
  };
  for (const token of tokens) {
    const start = locate(token.raw, cursor);
    const end = start + token.raw.length;
    cursor = end;
    if (token.type === "heading") {
      const heading = token as Tokens.Heading;
      outline.headings.push({
        depth: heading.depth,
        text: plainText(heading.tokens, heading.text).trim(),
        start,
        end,
        line: lineOf(start, token.raw),
      });
    } else if (token.type === "paragraph") {
      outline.paragraphs.push({
        text: token.raw.trim(),
        start,
        end,
        line: lineOf(start, token.raw),
      });
    } else if (token.type === "list") {
      const list = token as Tokens.List;
      const items: MdListItem[] = [];
      let itemCursor = start;
      for (const item of list.items) {
        const itemStart = locate(item.raw, itemCursor);
        const itemEnd = itemStart + item.raw.length;
        itemCursor = itemEnd;
        items.push({
          text: plainText(item.tokens, item.text).trim(),
          link: firstLink(item.tokens),
          start: itemStart,
          end: itemEnd,
          line: lineOf(itemStart, item.raw),
        });
      }
      outline.lists.push({ items, start, end, line: lineOf(start, token.raw) });
    }
  }
  return outline;
}

/** Whether a heading's text is `name`, ignoring case and surrounding spaces. */
export function headingIs(heading: MdHeading, name: string): boolean {
  return heading.text.trim().toLowerCase() === name.trim().toLowerCase();
}

/** The section under a heading: up to the next heading of the same or a higher level. */
export function sectionOf(outline: MdOutline, heading: MdHeading): MdSection {
  const index = outline.headings.indexOf(heading);
  const next = outline.headings.slice(index + 1).find((h) => h.depth <= heading.depth);
  const end = next ? next.start : outline.source.length;
  const raw = outline.source.slice(heading.end, end);
  return { heading, start: heading.end, end, raw, text: raw.trim() };
}

/** Whether a span lies inside a section. */
export function inSection(span: SourceSpan, section: MdSection): boolean {
  return span.start >= section.start && span.start < section.end;
}
