/**
 * Workflow definitions: Markdown folders loaded, validated, cached and watched.
 *
 * @example
 * ```ts
 * import { DefinitionRegistry, watchDefinitions } from "./src/definitions/mod.ts";
 * const registry = new DefinitionRegistry("./workflows");
 * const watcher = watchDefinitions(registry, "./workflows");
 * console.log(registry.list().map((w) => w.name));
 * watcher.close();
 * ```
 * @module
 */
export * from "./types.ts";
export { isWorkflowName, loadWorkflow, WORKFLOW_NAME } from "./loader.ts";
export { DefinitionRegistry, type RegistryOptions } from "./registry.ts";
export { type DefinitionsWatcher, watchDefinitions } from "./watch.ts";
