/**
 * Confined, checked reading of the files of one workflow folder. Every path is resolved to its
 * real path and must stay inside the folder's real path before a byte is read; hard-linked,
 * oversized, binary and non-UTF-8 files are refused. Every file read is remembered for the definition's hash.
 *
 * @example
 * ```ts
 * const files = new WorkflowFiles("/defs/MY_FLOW", Deno.realPathSync("/defs/MY_FLOW"));
 * const index = files.read("/defs/MY_FLOW/index.md");
 * if (index.ok) console.log(index.text, files.hash());
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { isInside } from "../paths.ts";
import { normalizeText } from "./markdown.ts";

/** The largest definition file accepted, in bytes (1 MiB). */
export const MAX_FILE_BYTES = 1024 * 1024;

/** A file read successfully, or why it could not be. */
export type ReadResult =
  | {
    ok: true;
    /** Text with line endings normalized and any byte-order mark removed. */
    text: string;
    /** Real (symlink-free) absolute path. */
    real: string;
    /** Path relative to the workflow folder, `/`-separated. */
    rel: string;
  }
  | {
    ok: false;
    /** `missing`: no such file; `outside`: escapes the workflow folder; `unreadable`: anything else. */
    reason: "missing" | "outside" | "unreadable";
    message: string;
  };

/** Whether a path is inside a folder (src/paths.ts), where the loader's callers import it. */
export { isInside };

/** Path of `target` relative to `base`, with `/` separators. */
export function relativePath(base: string, target: string): string {
  return path.relative(base, target).split(path.sep).join("/");
}

/** Reads the files of one workflow folder safely and hashes what was read. */
export class WorkflowFiles {
  readonly #cache = new Map<string, ReadResult>();
  readonly #bytes = new Map<string, Uint8Array>();
  readonly #dirs = new Map<string, DirListing | undefined>();
  /** Every path asked for (`read`) or `mention`ed, resolved. */
  readonly #named = new Set<string>();

  /**
   * @param folder absolute path of the workflow folder as listed
   * @param realFolder its real path (already checked to be inside the definitions dir)
   */
  constructor(readonly folder: string, readonly realFolder: string) {}

  /**
   * Note that a definition names the file at `absolute` although it is not read (a duplicate step's
   * link, an include nested too deep): `isNamed` then holds for it.
   */
  mention(absolute: string): void {
    this.#named.add(path.resolve(absolute));
  }

  /**
   * Whether a definition names the file at `absolute` (real path `real`): it was read (also when
   * it could not be, say binary, or points outside) or mentioned, by this spelling or another.
   */
  isNamed(absolute: string, real: string | undefined): boolean {
    return this.#named.has(path.resolve(absolute)) || (real !== undefined && this.#cache.has(real));
  }

  /** Path of a real path relative to the workflow folder, `/`-separated. */
  relativeOf(real: string): string {
    return relativePath(this.realFolder, real);
  }

  /** Read one file of the workflow folder, refusing anything outside it, too large, binary or not UTF-8. */
  read(absolute: string): ReadResult {
    const lexical = path.resolve(absolute);
    this.#named.add(lexical);
    if (!isInside(this.folder, lexical)) {
      return { ok: false, reason: "outside", message: "points outside the workflow folder" };
    }
    let real: string;
    try {
      real = this.#realPath(lexical);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        return { ok: false, reason: "missing", message: "does not exist" };
      }
      return { ok: false, reason: "unreadable", message: `cannot be read: ${describe(error)}` };
    }
    if (!isInside(this.realFolder, real)) {
      return {
        ok: false,
        reason: "outside",
        message: "is a symbolic link that points outside the workflow folder",
      };
    }
    const cached = this.#cache.get(real);
    if (cached) return cached;
    const result = this.#readReal(real);
    this.#cache.set(real, result);
    return result;
  }

  /**
   * `Deno.realPathSync(lexical)`, without its system call per path component for a plain file:
   * its folder's real path (listed once per load) joined with its name as listed. Symbolic links,
   * and names not listed as such (another letter case on a case-insensitive disk), go through
   * `realPathSync` as before.
   */
  #realPath(lexical: string): string {
    const listing = this.#listing(path.dirname(lexical));
    const entry = listing?.entries.get(path.basename(lexical));
    if (listing && entry && !entry.isSymlink) return path.join(listing.real, entry.name);
    return Deno.realPathSync(lexical);
  }

  #listing(dir: string): DirListing | undefined {
    if (this.#dirs.has(dir)) return this.#dirs.get(dir);
    let listing: DirListing | undefined;
    try {
      const real = Deno.realPathSync(dir);
      const entries = new Map([...Deno.readDirSync(dir)].map((entry) => [entry.name, entry]));
      listing = { real, entries };
    } catch {
      listing = undefined; // Missing or unreadable: realPathSync reports it, as before.
    }
    this.#dirs.set(dir, listing);
    return listing;
  }

  #readReal(real: string): ReadResult {
    const unreadable = (message: string): ReadResult => ({
      ok: false,
      reason: "unreadable",
      message,
    });
    let bytes: Uint8Array;
    try {
      const info = Deno.statSync(real);
      if (!info.isFile) return unreadable("is not a file");
      if (info.nlink !== null && info.nlink > 1) return unreadable(hardLinked(info.nlink));
      if (info.size > MAX_FILE_BYTES) return unreadable(tooLarge(info.size));
      bytes = Deno.readFileSync(real);
    } catch (error) {
      return unreadable(`cannot be read: ${describe(error)}`);
    }
    if (bytes.length > MAX_FILE_BYTES) return unreadable(tooLarge(bytes.length));
    if (bytes.includes(0)) {
      return unreadable("is a binary file (it contains NUL bytes): definitions must be UTF-8 text");
    }
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return unreadable("is not valid UTF-8 text: save it as UTF-8");
    }
    const rel = relativePath(this.realFolder, real);
    this.#bytes.set(rel, bytes);
    return { ok: true, text: normalizeText(text), real, rel };
  }

  /** sha256 (hex) over every file read: sorted relative path, NUL, bytes. */
  hash(): string {
    const hash = createHash("sha256");
    const encoder = new TextEncoder();
    for (const rel of [...this.#bytes.keys()].sort()) {
      hash.update(encoder.encode(rel));
      hash.update(new Uint8Array([0]));
      hash.update(this.#bytes.get(rel) ?? new Uint8Array());
    }
    return hash.digest("hex");
  }
}

/** A folder's real path and its entries by name. */
interface DirListing {
  real: string;
  entries: Map<string, Deno.DirEntry>;
}

/**
 * Why a file with several hard links is refused: another of its names may lie outside the
 * workflow folder (a real-path check cannot tell), so serving it could leak that file.
 */
function hardLinked(links: number): string {
  return `is a hard link (one file with ${links} names; another name may be outside the ` +
    `workflow folder, which cannot be checked): replace it with a copy, e.g. ` +
    `'cp --remove-destination SOURCE THIS_FILE', or use a symbolic link inside the folder`;
}

function tooLarge(size: number): string {
  return `file too large (${size} bytes; the limit is 1 MiB, ${MAX_FILE_BYTES} bytes)`;
}

function describe(error: unknown): string {
  if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
    return "permission denied";
  }
  return error instanceof Error ? error.message : String(error);
}
