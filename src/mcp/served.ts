/**
 * What the MCP handlers serve, and how they get it. The server answers the handshake before the
 * application (workflow parser, store, decision maker, engine) has loaded, so handlers
 * receive a loader and await it: a request that arrives early waits for the load rather than
 * seeing an empty catalog.
 *
 * @example
 * ```ts
 * let loading: Promise<Served> | undefined;
 * const app: LoadServed = () => (loading ??= import("../app.ts").then((m) => m.openApp(config)));
 * registerTools(server, app);
 * ```
 * @module
 */
import type { Definitions } from "../definitions/types.ts";
import type { WorkflowEngine } from "../engine/engine.ts";

/** The parts of the application the MCP tools, resources and prompts call. */
export interface Served {
  engine: WorkflowEngine;
  definitions: Definitions;
}

/** Starts loading the application on its first call; every call returns the same promise. */
export type LoadServed = () => Promise<Served>;
