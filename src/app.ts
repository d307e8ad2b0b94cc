/**
 * Wires configuration into the running parts: definitions registry, store (SQLite or PostgreSQL,
 * through the store factory), decision maker, engine, and the retention schedule when
 * `WORKFLOW_RETENTION_DAYS` is set.
 * @module
 */
import type { Config } from "./config.ts";
import { createDecisionMaker } from "./decide/select.ts";
import { ConfigError } from "./errors.ts";
import { isInside } from "./definitions/files.ts";
import { DefinitionRegistry } from "./definitions/registry.ts";
import { definitionsDirProblem } from "./definitions/root_dir.ts";
import { logDefinitionLoad } from "./definitions/load_log.ts";
import { watchDefinitions } from "./definitions/watch.ts";
import { WorkflowEngine } from "./engine/engine.ts";
import { log } from "./log.ts";
import { startRetention } from "./retention.ts";
import { openStore, storeLocation } from "./store/open.ts";
import type { Store } from "./store/types.ts";

/** The assembled application. */
export interface App {
  engine: WorkflowEngine;
  definitions: DefinitionRegistry;
  /** The store the engine writes through (the dashboard reads runs from it). */
  store: Store;
  /** Stop watching files and close the database. */
  close(): Promise<void>;
}

/** Build the application from `config`; `watch` enables hot reload of definitions. */
export async function openApp(
  config: Config,
  options: { watch?: boolean } = {},
): Promise<App> {
  const decider = createDecisionMaker(config);
  const dirProblem = definitionsDirProblem(config.definitionsDir);
  if (dirProblem === "file") {
    throw new ConfigError(
      `WORKFLOW_DEFINITIONS_DIR ${config.definitionsDir} is a file, not a directory: point it ` +
        "(or --workflows-dir) at the folder that holds one folder per workflow.",
    );
  }
  const definitions = new DefinitionRegistry(config.definitionsDir, { onLoad: logDefinitionLoad });
  const store = await openStore(config);
  const usesFile = config.dbUrl === undefined;
  if (dirProblem === "missing") {
    log.warn(
      `the workflows folder ${config.definitionsDir} does not exist: no workflow is served until ` +
        "it is created (it is looked for again on every listing). Set WORKFLOW_DEFINITIONS_DIR " +
        "(or --workflows-dir) if it is elsewhere.",
    );
  }
  const watcher = options.watch && dirProblem === undefined
    ? watchDefinitions(definitions, config.definitionsDir, {
      ignore: usesFile ? [config.dbPath] : [],
    })
    : undefined;
  if (usesFile && isInside(config.definitionsDir, config.dbPath)) {
    log.warn(
      `the database ${config.dbPath} is inside the workflows folder ${config.definitionsDir}; ` +
        `a folder holding it would be listed as an invalid workflow. Set WORKFLOW_DB_PATH (or ` +
        `--db-path) to a file outside that folder.`,
    );
  }
  log.info(
    `decision maker: ${decider.name} (${config.aiProviderReason}); workflows: ` +
      `${config.definitionsDir}; database: ${storeLocation(config)}`,
  );
  // Invalid workflows are reported at start, not only when a client first lists them.
  const scan = setTimeout(() => {
    try {
      definitions.list();
    } catch (error) {
      log.warn(`could not read the workflows in ${config.definitionsDir}: ${error}`);
    }
  }, 0);
  const retention = config.retentionDays === undefined
    ? undefined
    : startRetention(store, config.retentionDays);
  return {
    engine: new WorkflowEngine({ definitions, store, decider }),
    definitions,
    store,
    async close() {
      clearTimeout(scan);
      watcher?.close();
      await retention?.stop();
      await store.close();
    },
  };
}
