/**
 * Definitions: the time to load and validate 1,000 generated workflows of 10 steps (against just
 * reading the same files), and the time until a running registry with its file watcher serves a
 * changed step file (against the file system event itself arriving).
 *
 * @example
 * ```ts
 * const rows = await measureDefinitions(tempDir);
 * ```
 * @module
 */
import { join } from "node:path";
import { DefinitionRegistry } from "../src/definitions/registry.ts";
import { watchDefinitions } from "../src/definitions/watch.ts";
import { writeGeneratedWorkflows } from "./fixtures.ts";
import type { Row } from "./report.ts";
import { median } from "./stats.ts";
import { sleep } from "../tests/helpers/wait.ts";

const WORKFLOWS = 1000;
const STEPS = 10;
const CHANGES = 5;

function readAll(dir: string): number {
  let bytes = 0;
  for (const workflow of Deno.readDirSync(dir)) {
    const folder = join(dir, workflow.name);
    bytes += Deno.readTextFileSync(join(folder, "index.md")).length;
    for (const step of Deno.readDirSync(join(folder, "steps"))) {
      bytes += Deno.readTextFileSync(join(folder, "steps", step.name)).length;
    }
  }
  return bytes;
}

/** Milliseconds until `seen()` is true, checking every millisecond (at most 5 s). */
async function waitFor(seen: () => boolean, since: number): Promise<number> {
  while (!seen()) {
    if (performance.now() - since > 5000) throw new Error("change not seen within 5 s");
    await sleep(1);
  }
  return performance.now() - since;
}

/** Time from rewriting a step file to the first file system event for it (no registry). */
async function rawEventMs(dir: string, file: string): Promise<number> {
  const watcher = Deno.watchFs(dir, { recursive: true });
  let arrived = false;
  const events = (async () => {
    for await (const _ of watcher) {
      arrived = true;
      break;
    }
  })();
  await sleep(50);
  const started = performance.now();
  Deno.writeTextFileSync(file, Deno.readTextFileSync(file) + "\n");
  const ms = await waitFor(() => arrived, started);
  watcher.close();
  await events;
  return ms;
}

/** Load-time and change-detection rows. */
export async function measureDefinitions(tempDir: string): Promise<Row[]> {
  const dir = join(tempDir, "definitions");
  const names = writeGeneratedWorkflows(dir, WORKFLOWS, STEPS);
  readAll(dir); // Same page-cache state for both measurements.
  let started = performance.now();
  readAll(dir);
  const readMs = performance.now() - started;
  const registry = new DefinitionRegistry(dir);
  started = performance.now();
  const entries = registry.list();
  const loadMs = performance.now() - started;
  const invalid = entries.filter((e) => !e.valid);
  if (entries.length !== WORKFLOWS || invalid.length) {
    throw new Error(`generated workflows did not load: ${JSON.stringify(invalid[0])}`);
  }

  const watcher = watchDefinitions(registry, dir);
  const seenMs: number[] = [];
  const eventMs: number[] = [];
  try {
    await sleep(100);
    for (let i = 0; i < CHANGES; i++) {
      const name = names[(i * 97) % names.length]!;
      const file = join(dir, name, "steps", "step_3.md");
      const before = registry.get(name).hash;
      started = performance.now();
      Deno.writeTextFileSync(file, Deno.readTextFileSync(file) + `\nChange ${i}.\n`);
      seenMs.push(await waitFor(() => registry.get(name).hash !== before, started));
      eventMs.push(await rawEventMs(dir, file));
    }
  } finally {
    watcher.close();
  }
  return [
    {
      figure: `load ${WORKFLOWS} workflows × ${STEPS} steps`,
      value: loadMs,
      unit: "ms",
      baseline: { label: "reading the files", value: readMs },
      target: { maxValue: 2000 },
    },
    {
      figure: "changed step file served by the registry (watcher)",
      value: median(seenMs),
      unit: "ms",
      baseline: { label: "fs event arrives", value: median(eventMs) },
      target: { maxValue: 100 },
    },
  ];
}
