/**
 * Where the `ui` command listens by default: kept apart from `ui.ts` so the permission launcher
 * knows it without loading the dashboard.
 * @module
 */

/** Where `ui` listens unless `--http` says otherwise. */
export const DEFAULT_UI_ADDRESS = "127.0.0.1:8809";
