/**
 * Path containment, shared by the workflow loader's confinement and the launcher's permission
 * checks (kept apart from the loader so that start-up does not load the Markdown parser).
 *
 * @example
 * ```ts
 * isInside("/defs", "/defs/FLOW/index.md"); // true
 * isInside("/defs", "/defs-other/x.md"); // false
 * ```
 * @module
 */
import * as path from "node:path";

/** Whether `child` is `parent` or inside it (both absolute and normalized). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  // `..notes.md` is a file inside; only `..` itself or `../…` leaves the folder.
  return rel === "" ||
    (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
