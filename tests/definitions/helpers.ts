/**
 * Helpers for definition tests: temp definition dirs built from a map of relative paths to text.
 * @module
 */
import * as path from "node:path";

/** A file tree: relative path -> text (or bytes). */
export type Tree = Record<string, string | Uint8Array>;

/** Write `tree` under `root`, creating folders as needed. */
export function writeTree(root: string, tree: Tree): void {
  for (const [rel, content] of Object.entries(tree)) {
    const full = path.join(root, rel);
    Deno.mkdirSync(path.dirname(full), { recursive: true });
    if (typeof content === "string") Deno.writeTextFileSync(full, content);
    else Deno.writeFileSync(full, content);
  }
}

/** A fresh definitions dir holding `tree`. */
export function tempDefinitions(tree: Tree = {}): string {
  const root = Deno.makeTempDirSync({ prefix: "defs-test-" });
  writeTree(root, tree);
  return root;
}

/** A valid step file body with the two required sections. */
export function stepFile(instructions = "Do the work.", frontMatter = ""): string {
  const fm = frontMatter ? `---\n${frontMatter}\n---\n` : "";
  return `${fm}# Orchestrator Guidance\n\nJudge the outcome.\n\n# Client Instructions\n\n${instructions}\n`;
}

/** An index.md listing `steps` as links to `steps/<name>.md`. */
export function indexFile(steps: string[], frontMatter = "", extra = ""): string {
  const fm = frontMatter ? `---\n${frontMatter}\n---\n` : "";
  const list = steps.map((s) => `- [${s}](steps/${s}.md)`).join("\n");
  return `${fm}# Test Flow\n\nA test workflow.\n\n# Steps\n\n${list}\n${extra}`;
}

/** A workflow folder `name` with steps a, b (valid, linear by listed order). */
export function simpleWorkflow(name: string, steps = ["a", "b"]): Tree {
  const tree: Tree = { [`${name}/index.md`]: indexFile(steps) };
  for (const step of steps) tree[`${name}/steps/${step}.md`] = stepFile(`Do ${step}.`);
  return tree;
}
