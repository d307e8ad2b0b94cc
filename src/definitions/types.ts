/**
 * The parsed, validated shape of a workflow definition folder, and the `Definitions` interface the
 * engine reads workflows through.
 * @module
 */

/** The pseudo-step name that completes a run. */
export const FINISH = "FINISH";

/** One step of a workflow, parsed from its step file. */
export interface StepDefinition {
  /** The step's name: the link text in index.md (may contain spaces in seed workflows). */
  name: string;
  /** Path of the step file relative to the workflow folder, with `/` separators. */
  file: string;
  /** One-line description (front matter `description`, else the first line of `# Goal`, else ""). */
  description: string;
  /** `# Orchestrator Guidance` text, includes resolved. Never sent to the client. */
  guidance: string;
  /** `# Client Instructions` text, includes resolved, placeholders not yet rendered. */
  instructions: string;
  /** Declared default next step (a step name or FINISH), from front matter `next`. */
  next?: string;
  /** Declared routes by reported status (values: step names or FINISH), from front matter `on`. */
  on: Record<string, string>;
  /** Front matter `terminal: true`: after this step the run completes. */
  terminal: boolean;
}

/** A declared workflow input (index front matter `inputs`). */
export interface InputDefinition {
  type?: "string" | "number" | "boolean" | "object" | "array";
  required: boolean;
  default?: unknown;
  description?: string;
}

/** A fully loaded, valid workflow. Plain data: JSON-serializable, so it can be pinned in the DB. */
export interface WorkflowDefinition {
  /** Folder name: A-Z, 0-9, underscore. */
  name: string;
  /** The first `#` heading of index.md, else the name. */
  title: string;
  /** Front matter `description`, else the first paragraph of index.md after the title. */
  description: string;
  /** The index body (includes resolved, step list removed): the workflow's overall goal. */
  goal: string;
  version?: string;
  /** Name of the first step (front matter `start`, else the first listed step). */
  start: string;
  inputs: Record<string, InputDefinition>;
  /** Loop guard: the most steps one run may take (default 100). */
  maxSteps: number;
  /** Steps in listed order, excluding a step named FINISH. */
  steps: StepDefinition[];
  /** A step named FINISH (listed, or `steps/FINISH.md`): its instructions are shown on completion. */
  finish?: StepDefinition;
  /** sha256 (hex) over every file the definition was built from (paths and bytes). */
  hash: string;
}

/** One problem found while loading a workflow folder. */
export interface DefinitionIssue {
  /** Path relative to the definitions dir, e.g. `JOKE_GENERATOR/steps/greet.md`. */
  file: string;
  /** 1-based line, where one applies. */
  line?: number;
  /** What is wrong and how to fix it, e.g. "missing section '# Client Instructions': add it". */
  message: string;
}

/** A workflow folder as listed: valid with its definition, or invalid with its problems. */
export type WorkflowEntry =
  | { name: string; valid: true; definition: WorkflowDefinition }
  | { name: string; valid: false; description: string; steps: string[]; errors: DefinitionIssue[] };

/** Read access to the workflow definitions, always current with the files on disk. */
export interface Definitions {
  /** Every workflow folder, valid or not, sorted by name. */
  list(): WorkflowEntry[];
  /**
   * The current definition of one workflow.
   * @throws {UnknownWorkflowError} no such folder (or an invalid name)
   * @throws {InvalidWorkflowError} the folder exists but does not validate
   */
  get(name: string): WorkflowDefinition;
  /**
   * Call `listener` whenever the files may have changed (after the watcher's debounced events), so
   * catalogs built from `list()` (MCP prompts, resources) can refresh. Returns an unsubscribe
   * function. Optional: a source that never changes need not implement it.
   */
  onChange?(listener: () => void): () => void;
}
