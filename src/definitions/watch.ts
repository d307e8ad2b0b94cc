/**
 * Watching the definitions directory so edits are visible at once: file system events are
 * debounced (~50 ms) and turned into `invalidate` calls on the registry. Watching is best effort:
 * if it cannot start or fails later, the problem is logged to stderr and the registry's own
 * polling (every 250 ms) keeps definitions current.
 *
 * @example
 * ```ts
 * const registry = new DefinitionRegistry("./workflows");
 * const watcher = watchDefinitions(registry, "./workflows");
 * // ... later
 * watcher.close();
 * ```
 * @module
 */
import * as path from "node:path";

/** Debounce delay between the last file system event and the invalidation (ms). */
export const WATCH_DEBOUNCE_MS = 50;

/** Anything that can forget cached definitions (a `DefinitionRegistry`). */
export interface Invalidatable {
  invalidate(name?: string): void;
}

/** A running watcher. */
export interface DefinitionsWatcher {
  /** Stop watching; safe to call more than once. */
  close(): void;
}

/** Watch `rootDir` recursively and invalidate the affected workflows of `registry` on every change. */
export function watchDefinitions(registry: Invalidatable, rootDir: string): DefinitionsWatcher {
  const roots = [path.resolve(rootDir)];
  try {
    const real = Deno.realPathSync(roots[0] ?? rootDir);
    if (real !== roots[0]) roots.push(real);
  } catch {
    // The directory may not exist yet; events cannot arrive either.
  }
  let watcher: Deno.FsWatcher;
  try {
    watcher = Deno.watchFs(rootDir, { recursive: true });
  } catch (error) {
    console.error(
      `Not watching workflow definitions in ${rootDir} (${describe(error)}); changes are picked ` +
        "up by polling instead.",
    );
    return { close() {} };
  }

  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let everything = false;
  const pending = new Set<string>();
  const flush = () => {
    timer = undefined;
    if (everything) registry.invalidate();
    else for (const name of pending) registry.invalidate(name);
    everything = false;
    pending.clear();
  };
  const workflowOf = (changed: string): string | undefined => {
    for (const root of roots) {
      const rel = path.relative(root, changed);
      if (rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel)) {
        return rel.split(path.sep)[0];
      }
    }
    return undefined;
  };

  (async () => {
    for await (const event of watcher) {
      for (const changed of event.paths) {
        const name = workflowOf(changed);
        if (name === undefined) everything = true;
        else pending.add(name);
      }
      if (event.paths.length === 0) everything = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(flush, WATCH_DEBOUNCE_MS);
    }
  })().catch((error) => {
    if (!closed) {
      console.error(
        `Stopped watching workflow definitions in ${rootDir} (${describe(error)}); changes are ` +
          "picked up by polling instead.",
      );
    }
  });

  return {
    close() {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      try {
        watcher.close();
      } catch {
        // Already closed.
      }
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
