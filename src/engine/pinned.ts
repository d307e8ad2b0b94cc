/**
 * The definition each run started with: pinned in the store by content hash when the run starts
 * (so every replica, and a server whose files changed since, drives the run on the same version),
 * parsed once per hash and cached.
 *
 * @example
 * ```ts
 * import { PinnedDefinitions } from "./pinned.ts";
 * const pinned = new PinnedDefinitions(store, definitions);
 * const definition = await pinned.forRun(instance);
 * ```
 * @module
 */
import type { Definitions, WorkflowDefinition } from "../definitions/types.ts";
import type { Instance, Store } from "../store/types.ts";

/** Pinned definitions by hash, read through from the store. */
export class PinnedDefinitions {
  readonly #store: Store;
  readonly #definitions: Definitions;
  /** Parsed pinned definitions by hash (definitions are immutable per hash). */
  readonly #byHash = new Map<string, WorkflowDefinition>();

  constructor(store: Store, definitions: Definitions) {
    this.#store = store;
    this.#definitions = definitions;
  }

  /** The definition with this hash if it was already loaded or pinned by this process. */
  cached(hash: string): WorkflowDefinition | undefined {
    return this.#byHash.get(hash);
  }

  /** Store `definition` under its hash (once per process; a hash already stored is kept). */
  async pin(definition: WorkflowDefinition): Promise<void> {
    if (this.#byHash.has(definition.hash)) return;
    await this.#store.pinDefinition(definition.hash, definition.name, JSON.stringify(definition));
    this.#byHash.set(definition.hash, definition);
  }

  /**
   * The definition `instance` started with: its pinned copy, or the current files when the pin
   * is missing (then cached only under their own hash).
   */
  async forRun(instance: Instance): Promise<WorkflowDefinition> {
    const cached = this.#byHash.get(instance.definitionHash);
    if (cached) return cached;
    const stored = await this.#store.pinnedDefinition(instance.definitionHash);
    const definition = stored
      ? JSON.parse(stored) as WorkflowDefinition
      : this.#definitions.get(instance.workflowName);
    if (definition.hash === instance.definitionHash) {
      this.#byHash.set(instance.definitionHash, definition);
    }
    return definition;
  }
}
