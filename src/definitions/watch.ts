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

/** What `watchDefinitions` leaves alone. */
export interface WatchOptions {
  /**
   * Files whose changes are not definition changes, with their `-wal`, `-shm` and `-journal`
   * siblings: the database, when it lives inside the definitions directory, would otherwise turn
   * every commit into a reload.
   */
  ignore?: readonly string[];
}

/** `target` as given (resolved) and as its real path, when that differs and can be known. */
function spellings(target: string): string[] {
  const resolved = path.resolve(target);
  try {
    const real = Deno.realPathSync(resolved);
    return real === resolved ? [resolved] : [resolved, real];
  } catch {
    // It may not exist yet; events for it then arrive under the resolved path.
    return [resolved];
  }
}

/** Watch `rootDir` recursively and invalidate the affected workflows of `registry` on every change. */
export function watchDefinitions(
  registry: Invalidatable,
  rootDir: string,
  options: WatchOptions = {},
): DefinitionsWatcher {
  const roots = spellings(rootDir);
  const ignored = new Set(
    (options.ignore ?? []).flatMap(spellings).flatMap((file) =>
      ["", "-wal", "-shm", "-journal"].map((suffix) => file + suffix)
    ),
  );
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
      const paths = event.paths.filter((changed) => !ignored.has(changed));
      if (paths.length === 0 && event.paths.length > 0) continue;
      for (const changed of paths) {
        const name = workflowOf(changed);
        if (name === undefined) everything = true;
        else pending.add(name);
      }
      if (paths.length === 0) everything = true;
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
