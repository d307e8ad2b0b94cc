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
import { log } from "../log.ts";
import { withRealPath } from "../permissions.ts";
import { isInside } from "./files.ts";

/** Debounce delay between the last file system event and the invalidation (ms). */
export const WATCH_DEBOUNCE_MS = 50;

/** Anything that can forget cached definitions (a `DefinitionRegistry`): all without names. */
export interface Invalidatable {
  invalidate(...names: string[]): void;
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

/** Watch `rootDir` recursively and invalidate the affected workflows of `registry` on every change. */
export function watchDefinitions(
  registry: Invalidatable,
  rootDir: string,
  options: WatchOptions = {},
): DefinitionsWatcher {
  // Events name a path as given or as its real path (when it exists).
  const spellings = (target: string) => withRealPath(path.resolve(target));
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
    log.warn(
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
    else registry.invalidate(...pending);
    everything = false;
    pending.clear();
  };
  const workflowOf = (changed: string): string | undefined => {
    const root = roots.find((root) => changed !== root && isInside(root, changed));
    return root === undefined ? undefined : path.relative(root, changed).split(path.sep)[0];
  };

  (async () => {
    for await (const event of watcher) {
      const paths = event.paths.filter((changed) => !ignored.has(changed));
      // An event without paths may mean anything changed; one only about ignored files, nothing.
      if (event.paths.length === 0) everything = true;
      else if (paths.length === 0) continue;
      for (const changed of paths) {
        const name = workflowOf(changed);
        if (name === undefined) everything = true;
        else pending.add(name);
      }
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(flush, WATCH_DEBOUNCE_MS);
    }
  })().catch((error) => {
    if (!closed) {
      log.warn(
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
