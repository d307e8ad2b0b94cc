/**
 * Writes workflow folders for tests.
 * @module
 */
import { dirname, join } from "node:path";

/** Create `root/name/` with the given files (paths relative to the workflow folder). */
export function writeWorkflow(root: string, name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    const file = join(dir, path);
    Deno.mkdirSync(dirname(file), { recursive: true });
    Deno.writeTextFileSync(file, text);
  }
  return dir;
}
