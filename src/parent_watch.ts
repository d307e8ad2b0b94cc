/**
 * Notices that the process which started this one has ended, so a child never outlives its
 * launcher (a server left behind would keep its HTTP port, and a restart would fail with "address
 * in use"). A SIGKILLed parent cannot say so, but its children are then re-parented, which
 * `Deno.ppid` shows; it needs no permission. Polled on a timer that does not keep the process
 * alive. (Windows does not re-parent orphans, so there it never fires.)
 *
 * @example
 * ```ts
 * const stop = onParentExit(Deno.ppid, () => console.error("the launcher is gone"));
 * stop(); // no longer watch
 * ```
 * @module
 */

/** How often the parent is checked (ms). */
export const PARENT_POLL_MS = 250;

/**
 * Call `exited` once, within `everyMs` of this process's parent no longer being `parentPid`;
 * returns a function that stops watching.
 */
export function onParentExit(
  parentPid: number,
  exited: () => void,
  everyMs: number = PARENT_POLL_MS,
): () => void {
  const timer = setInterval(() => {
    if (Deno.ppid === parentPid) return;
    clearInterval(timer);
    exited();
  }, everyMs);
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}
