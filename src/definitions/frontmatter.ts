/**
 * YAML front matter of definition files: splitting it off, parsing it with line positions, and
 * validating it against the index and step schemas with messages that name the line and the fix.
 *
 * @example
 * ```ts
 * const split = splitFrontMatter("---\nnext: FINISH\n---\n# Goal\n");
 * const parsed = parseFrontMatter(split, STEP_FRONT_MATTER);
 * parsed.value?.next; // "FINISH"
 * ```
 * @module
 */
import { isMap, isScalar, LineCounter, type Node, parseDocument } from "yaml";
import { z } from "zod";

/** A problem in one file: the file is known to the caller. */
export interface LineIssue {
  line?: number;
  message: string;
}

/** A file split into its front matter and Markdown body. */
export interface FrontMatterSplit {
  /** The YAML text between the `---` fences, or undefined when the file has none. */
  yaml?: string;
  /** File line the YAML text starts on. */
  yamlFirstLine: number;
  /** The Markdown after the front matter. */
  body: string;
  /** File line the body starts on. */
  bodyFirstLine: number;
  /** Set when the front matter is opened but never closed. */
  issue?: LineIssue;
}

const OPEN_FENCE = /^---[ \t]*\n/;
const CLOSE_FENCE = /^(?:---|\.\.\.)[ \t]*$/m;

/** Split `---` YAML front matter from the start of a (newline-normalized) file. */
export function splitFrontMatter(text: string): FrontMatterSplit {
  const open = OPEN_FENCE.exec(text);
  if (!open) return { yamlFirstLine: 1, body: text, bodyFirstLine: 1 };
  const rest = text.slice(open[0].length);
  const close = CLOSE_FENCE.exec(rest);
  if (!close) {
    return {
      yamlFirstLine: 2,
      body: text,
      bodyFirstLine: 1,
      issue: {
        line: 1,
        message: "front matter opened with '---' is never closed: add a line '---' after it",
      },
    };
  }
  const yaml = rest.slice(0, close.index);
  let bodyStart = open[0].length + close.index + close[0].length;
  if (text[bodyStart] === "\n") bodyStart++;
  const bodyFirstLine = 1 + (text.slice(0, bodyStart).match(/\n/g)?.length ?? 0);
  return { yaml, yamlFirstLine: 2, body: text.slice(bodyStart), bodyFirstLine };
}

/** What a front matter schema accepts, with the words used in error messages. */
export interface FrontMatterSpec<T> {
  schema: z.ZodType<T>;
  /** Keys allowed at the top level, in the order they are suggested. */
  keys: readonly string[];
  /** Human description of what is expected at a path, e.g. `on.*` -> "a step name or FINISH". */
  expected: (path: readonly PropertyKey[]) => string;
}

/** Parsed front matter: the validated value (absent when invalid) and the file line of any key path. */
export interface ParsedFrontMatter<T> {
  value?: T;
  issues: LineIssue[];
  /** File line of the key at `path` (or of its nearest parent key), if present. */
  keyLine(path: readonly PropertyKey[]): number | undefined;
}

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

/** Parse and validate front matter; an absent front matter validates as `{}`. */
export function parseFrontMatter<T>(
  split: FrontMatterSplit,
  spec: FrontMatterSpec<T>,
): ParsedFrontMatter<T> {
  const lines = new LineCounter();
  const doc = parseDocument(split.yaml ?? "", { lineCounter: lines, prettyErrors: false });
  const lineOfOffset = (offset: number) => split.yamlFirstLine + lines.linePos(offset).line - 1;
  const keyLine = (path: readonly PropertyKey[]): number | undefined => {
    let node: Node | null | undefined = doc.contents as Node | null;
    let line: number | undefined;
    for (const key of path) {
      if (!isMap(node)) break;
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      const keyNode = pair.key as Node;
      if (keyNode.range) line = lineOfOffset(keyNode.range[0]);
      node = pair.value as Node | null;
    }
    return line;
  };
  const issues: LineIssue[] = [];
  if (split.issue) issues.push(split.issue);
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const first = error.message.split("\n")[0] ?? error.message;
      issues.push({
        line: lineOfOffset(error.pos[0]),
        message: `invalid YAML in front matter: ${first}`,
      });
    }
    return { issues, keyLine };
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 50 });
  } catch (error) {
    issues.push({
      line: split.yamlFirstLine,
      message: `invalid YAML in front matter: ${(error as Error).message}`,
    });
    return { issues, keyLine };
  }
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== "object" || Array.isArray(raw)) {
    issues.push({
      line: split.yamlFirstLine,
      message: `front matter must be a YAML mapping of 'key: value' lines (allowed keys: ${
        spec.keys.join(", ")
      })`,
    });
    return { issues, keyLine };
  }
  const result = spec.schema.safeParse(raw);
  if (result.success) return { value: result.data, issues, keyLine };
  const wrong: (readonly PropertyKey[])[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path;
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        wrong.push([...path, key]);
        const what = path.length === 0
          ? `unknown front matter key '${key}'`
          : `unknown key '${key}' in '${pathText(path)}'`;
        const allowed = path.length === 0
          ? spec.keys.join(", ")
          : spec.expected([...path, "*keys"]);
        issues.push({
          line: keyLine([...path, key]),
          message: `${what}: allowed keys are ${allowed}`,
        });
      }
      continue;
    }
    wrong.push(path);
    issues.push({
      line: keyLine(path) ?? split.yamlFirstLine,
      message: `front matter '${pathText(path)}' must be ${spec.expected(path)} (got ${
        show(valueAt(raw, path))
      })`,
    });
  }
  // The rest, without the keys just reported, so the checks that use it (a start step, routes,
  // input defaults) report their problems now rather than once these are fixed.
  const rest = spec.schema.safeParse(without(raw as object, wrong));
  return { value: rest.success ? rest.data : undefined, issues, keyLine };
}

/**
 * A copy of the mapping `raw` without the entries at `paths`, each cut at its first two keys (a
 * top-level key, or one entry of a map such as `inputs` or `on`).
 */
function without(raw: object, paths: readonly (readonly PropertyKey[])[]): object {
  const copy: Record<string, unknown> = { ...raw as Record<string, unknown> };
  for (const path of paths) {
    const [top, entry] = path.map(String);
    if (top === undefined) continue;
    const map = copy[top];
    if (entry === undefined || typeof map !== "object" || map === null || Array.isArray(map)) {
      delete copy[top];
      continue;
    }
    const rest: Record<string, unknown> = { ...map as Record<string, unknown> };
    delete rest[entry];
    copy[top] = rest;
  }
  return copy;
}

const INPUT_TYPES = ["string", "number", "boolean", "object", "array"] as const;
const INPUT_KEYS = ["type", "required", "default", "description"] as const;

const inputSchema = z.strictObject({
  type: z.enum(INPUT_TYPES).optional(),
  required: z.boolean().optional(),
  default: z.unknown().optional(),
  description: z.string().optional(),
});

/** The keys allowed in index.md front matter. */
export const INDEX_KEYS = ["description", "version", "start", "inputs", "max_steps"] as const;

const indexSchema = z.strictObject({
  description: z.string().optional(),
  version: z.union([z.string(), z.number()]).optional(),
  start: z.string().optional(),
  inputs: z.record(z.string(), inputSchema.nullable()).optional(),
  max_steps: z.number().int().positive().optional(),
});

/** index.md front matter, as validated. */
export type IndexFrontMatter = z.infer<typeof indexSchema>;

/** How index.md front matter is parsed and explained. */
export const INDEX_FRONT_MATTER: FrontMatterSpec<IndexFrontMatter> = {
  schema: indexSchema,
  keys: INDEX_KEYS,
  expected: (path) => {
    const [top, , field] = path;
    switch (top) {
      case "description":
        return "a string describing the workflow";
      case "version":
        return "a string or number, e.g. '1.2'";
      case "start":
        return "the name of a listed step";
      case "max_steps":
        return "a positive whole number, e.g. 100";
      case "inputs":
        if (path.length === 1) {
          return "a map from input name to {type, required, default, description}";
        }
        if (path.length === 2) return "a map with keys type, required, default, description";
        if (field === "*keys") return INPUT_KEYS.join(", ");
        if (field === "type") return `one of ${INPUT_TYPES.join(", ")}`;
        if (field === "required") return "true or false";
        return "a string";
      default:
        return "valid";
    }
  },
};

/** The keys allowed in step file front matter. */
export const STEP_KEYS = ["description", "next", "on", "terminal"] as const;

const stepSchema = z.strictObject({
  description: z.string().optional(),
  next: z.string().optional(),
  on: z.record(z.string(), z.string()).optional(),
  terminal: z.boolean().optional(),
});

/** Step file front matter, as validated. */
export type StepFrontMatter = z.infer<typeof stepSchema>;

/** How step file front matter is parsed and explained. */
export const STEP_FRONT_MATTER: FrontMatterSpec<StepFrontMatter> = {
  schema: stepSchema,
  keys: STEP_KEYS,
  expected: (path) => {
    switch (path[0]) {
      case "description":
        return "a one-line string";
      case "next":
        return "a step name or FINISH";
      case "on":
        return path.length === 1
          ? "a map from reported status to step name, e.g. {success: next_step, failure: FINISH}"
          : "a step name or FINISH";
      case "terminal":
        return "true or false";
      default:
        return "valid";
    }
  },
};
