/**
 * `deno task pack`: builds the npm package `orchestrator-mcp-server` as a tarball in `dist/`. Its
 * `app/` folder is the Deno program as it is in this checkout — the local modules of `main.ts` and
 * `scripts/launch.ts`, all of `src/` (for files read rather than imported), `workflows/`,
 * `deno.json` (whose `cli` task the bin runs) and `deno.lock`; beside it are `npm/`'s bin, the
 * `package.json` made from `npm/package.template.json` with the version of `deno.json`, and the
 * README, licence and changelog. Nothing is copied into git.
 *
 * @example
 * ```sh
 * deno task pack                 # dist/orchestrator-mcp-server-0.1.0.tgz
 * npm publish ./dist/orchestrator-mcp-server-0.1.0.tgz
 * ```
 * @module
 */
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** The programs whose module graphs `app/` must hold. */
const ENTRY_POINTS = ["main.ts", "scripts/launch.ts"];
/** Copied into `app/` besides the entry points' modules. */
const APP_FILES = ["src", "workflows", "deno.json", "deno.lock"];
/** Copied to the package's root. */
const PACKAGE_FILES = [
  "README.md",
  "LICENSE",
  "CHANGELOG.md",
  "npm/bin.mjs",
  "npm/app_dir.mjs",
  "npm/task_args.mjs",
];

/** The repository-relative paths of the local modules `entry` imports, itself included. */
async function localModules(entry: string): Promise<string[]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: ROOT,
    stderr: "inherit",
  }).output();
  if (!output.success) throw new Error(`deno info ${entry} failed (exit ${output.code})`);
  const graph = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    modules: { specifier: string }[];
  };
  return graph.modules
    .filter((module) => module.specifier.startsWith("file:"))
    .map((module) => relative(ROOT, fileURLToPath(module.specifier)));
}

/** Copy the file or folder `path` (relative to the repository) to the same path under `into`. */
async function copy(path: string, into: string): Promise<void> {
  const from = join(ROOT, path);
  if ((await Deno.stat(from)).isDirectory) {
    for await (const entry of Deno.readDir(from)) await copy(join(path, entry.name), into);
    return;
  }
  await Deno.mkdir(dirname(join(into, path)), { recursive: true });
  await Deno.copyFile(from, join(into, path));
}

/** npm/package.template.json with the version of deno.json. */
async function packageJson(): Promise<string> {
  const { version } = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))) as {
    version: string;
  };
  const manifest = JSON.parse(await Deno.readTextFile(join(ROOT, "npm/package.template.json")));
  return `${JSON.stringify({ ...manifest, version }, null, 2)}\n`;
}

/** Stage the package in `outDir/package` and pack it into `outDir`; returns the tarball's path. */
export async function packNpm(outDir: string): Promise<string> {
  const staging = join(outDir, "package");
  await Deno.remove(staging, { recursive: true }).catch(() => {});
  const modules = (await Promise.all(ENTRY_POINTS.map(localModules))).flat();
  for (const path of new Set([...APP_FILES, ...modules])) await copy(path, join(staging, "app"));
  for (const path of PACKAGE_FILES) await copy(path, staging);
  await Deno.writeTextFile(join(staging, "package.json"), await packageJson());
  const output = await new Deno.Command("npm", {
    args: ["pack", "--json", "--pack-destination", outDir],
    cwd: staging,
    stderr: "inherit",
  }).output();
  if (!output.success) throw new Error(`npm pack failed (exit ${output.code})`);
  const [packed] = JSON.parse(new TextDecoder().decode(output.stdout)) as { filename: string }[];
  return join(outDir, packed!.filename);
}

if (import.meta.main) {
  try {
    console.log(await packNpm(join(ROOT, "dist")));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
}
