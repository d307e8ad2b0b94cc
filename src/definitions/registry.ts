/**
 * The cached, always-current set of workflow definitions. Parsed entries are kept per workflow
 * together with a signature (path, mtime, size of every file in its folder); the signature is
 * re-checked at most every 250 ms per workflow, and the definitions dir listing is rescanned at
 * most every 250 ms, so new, changed and removed folders are seen without a restart. A watcher
 * (see `watch.ts`) calls `invalidate` to make edits visible at once.
 *
 * @example
 * ```ts
 * const registry = new DefinitionRegistry("./workflows");
 * for (const entry of registry.list()) console.log(entry.name, entry.valid);
 * const definition = registry.get("JOKE_GENERATOR"); // throws if unknown or invalid
 * ```
 * @module
 */
import * as path from "node:path";
import { InvalidWorkflowError, UnknownWorkflowError } from "../errors.ts";
import { isInside } from "./files.ts";
import { isWorkflowName, loadWorkflow } from "./loader.ts";
import type { Definitions, WorkflowDefinition, WorkflowEntry } from "./types.ts";

/** How often, at most, the disk is checked for changes by default (milliseconds). */
export const DEFAULT_RECHECK_MS = 250;

const MAX_SIGNATURE_ENTRIES = 5_000;

/** Options for a `DefinitionRegistry`. */
export interface RegistryOptions {
  /** Minimum time between two checks of the disk for one workflow or the listing (ms). */
  recheckMs?: number;
  /**
   * Told about a workflow read for the first time (`reloaded` false) and whenever it is read again
   * with different content (`reloaded` true), for the server's log.
   */
  onLoad?: (entry: WorkflowEntry, reloaded: boolean) => void;
}

interface CachedEntry {
  entry: WorkflowEntry;
  signature: string;
  checkedAt: number;
}

/** Workflow definitions read from a directory, cached and kept current with the files on disk. */
export class DefinitionRegistry implements Definitions {
  readonly rootDir: string;
  readonly #recheckMs: number;
  readonly #onLoad: RegistryOptions["onLoad"];
  readonly #cache = new Map<string, CachedEntry>();
  #names: string[] = [];
  #rootReal = "";
  #listedAt = -Infinity;
  readonly #listeners = new Set<() => void>();
  /** What each workflow last loaded as (hash or errors), to tell real reloads from re-reads. */
  readonly #loaded = new Map<string, string>();

  /** @param rootDir the definitions directory (one folder per workflow) */
  constructor(rootDir: string, options: RegistryOptions = {}) {
    this.rootDir = path.resolve(rootDir);
    this.#recheckMs = options.recheckMs ?? DEFAULT_RECHECK_MS;
    this.#onLoad = options.onLoad;
  }

  /** Every workflow folder, valid or not, sorted by name. */
  list(): WorkflowEntry[] {
    return this.#listing().map((name) => this.#entry(name));
  }

  /**
   * The current definition of one workflow.
   * @throws {UnknownWorkflowError} no such folder (or an invalid name)
   * @throws {InvalidWorkflowError} the folder exists but does not validate
   */
  get(name: string): WorkflowDefinition {
    const names = this.#listing();
    // A listed folder whose name is not a workflow name is an invalid workflow (named so).
    if (!names.includes(name)) throw new UnknownWorkflowError(name, names.filter(isWorkflowName));
    const entry = this.#entry(name);
    if (!entry.valid) throw new InvalidWorkflowError(name, entry.errors);
    return entry.definition;
  }

  /**
   * Forget what is cached about the named workflows (and the folder listing), or about everything
   * when no name is given, so the next read goes to disk; then tell the listeners once.
   */
  invalidate(...names: string[]): void {
    this.#listedAt = -Infinity;
    if (names.length === 0) this.#cache.clear();
    else for (const name of names) this.#cache.delete(name);
    for (const listener of this.#listeners) listener();
  }

  /**
   * Call `listener` after every `invalidate` (the watcher's debounced file changes).
   * @returns a function that unsubscribes the listener
   */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  #listing(): string[] {
    const now = performance.now();
    if (now - this.#listedAt < this.#recheckMs) return this.#names;
    const names: string[] = [];
    try {
      for (const entry of Deno.readDirSync(this.rootDir)) {
        // Hidden folders (.git, editor state) are not workflows.
        if (entry.name.startsWith(".")) continue;
        if (
          entry.isDirectory || (entry.isSymlink && isDirectory(path.join(this.rootDir, entry.name)))
        ) {
          names.push(entry.name);
        }
      }
    } catch (error) {
      // A folder that is gone (or a file now): no workflows, until it is a folder again.
      if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory)) {
        throw error;
      }
    }
    names.sort();
    try {
      this.#rootReal = Deno.realPathSync(this.rootDir);
    } catch {
      this.#rootReal = this.rootDir;
    }
    for (const name of this.#cache.keys()) if (!names.includes(name)) this.#cache.delete(name);
    this.#names = names;
    this.#listedAt = now;
    return names;
  }

  #entry(name: string): WorkflowEntry {
    const now = performance.now();
    const cached = this.#cache.get(name);
    if (cached && now - cached.checkedAt < this.#recheckMs) return cached.entry;
    const signature = folderSignature(path.join(this.rootDir, name), this.#rootReal);
    if (cached && cached.signature === signature) {
      cached.checkedAt = now;
      return cached.entry;
    }
    const entry = loadWorkflow(this.rootDir, name);
    this.#cache.set(name, { entry, signature, checkedAt: now });
    this.#tellLoaded(entry);
    return entry;
  }

  /** Tell `onLoad` about a workflow read for the first time, or whose content changed. */
  #tellLoaded(entry: WorkflowEntry): void {
    const content = entry.valid ? entry.definition.hash : JSON.stringify(entry.errors);
    const before = this.#loaded.get(entry.name);
    if (before === content) return;
    this.#loaded.set(entry.name, content);
    this.#onLoad?.(entry, before !== undefined);
  }
}

function isDirectory(target: string): boolean {
  try {
    return Deno.statSync(target).isDirectory;
  } catch {
    return false;
  }
}

/**
 * A cheap fingerprint of a workflow folder inside `rootReal` (the real definitions dir): path, mtime, ctime, size and inode of every entry below it
 * (file symlinks followed, directory symlinks not entered).
 */
export function folderSignature(folder: string, rootReal: string): string {
  const parts: string[] = [];
  try {
    const real = Deno.realPathSync(folder);
    // A folder linked from outside the definitions dir is never walked (the loader rejects it).
    if (!isInside(rootReal, real)) return `outside:${real}`;
  } catch (error) {
    return `unreadable:${error instanceof Error ? error.name : "error"}`;
  }
  const walk = (dir: string, depth: number) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch (error) {
      parts.push(`${dir}:${error instanceof Error ? error.name : "error"}`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (parts.length >= MAX_SIGNATURE_ENTRIES) return;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory) {
        parts.push(`${full}/`);
        if (depth < 10) walk(full, depth + 1);
        continue;
      }
      try {
        const info = Deno.statSync(full);
        parts.push(
          `${full}:${info.mtime?.getTime() ?? 0}:${info.ctime?.getTime() ?? 0}:${info.size}:${
            info.ino ?? 0
          }`,
        );
      } catch {
        parts.push(`${full}:missing`);
      }
    }
  };
  walk(folder, 0);
  return parts.join("\n");
}
