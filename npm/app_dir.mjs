/**
 * Where the npm package's Deno program runs from: a copy of its `app/` folder in the user's cache
 * folder, made once per content. Deno does not run a project's TypeScript under `node_modules`
 * (it takes such files for an npm package's: no type stripping, no `deno.json`, read checks on
 * text imports), and npm installs packages nowhere else; the copy runs exactly as a clone does.
 *
 * @example
 * ```js
 * import { appDir } from "./app_dir.mjs";
 * const dir = appDir(new URL("../app", import.meta.url)); // ~/.cache/orchestrator-mcp-server/3f2a…
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { homedir } from "node:os";
import { join, relative } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** The per-user cache folder of this platform, as other command-line tools use it. */
function cacheRoot() {
  if (process.platform === "win32") {
    return process.env.LOCALAPPDATA ?? join(homedir(), "AppData", "Local");
  }
  if (process.platform === "darwin") {
    return join(homedir(), "Library", "Caches");
  }
  return process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
}

/** Every file under `dir`, as sorted paths relative to it. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

/** A short hash of the names and contents of the files under `dir`. */
function fingerprint(dir) {
  const hash = createHash("sha256");
  for (const file of filesUnder(dir)) {
    hash.update(`${file.replaceAll("\\", "/")}\0`).update(
      readFileSync(join(dir, file)),
    );
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * The folder holding a copy of `source` (a path or `file:` URL), made now if this content has
 * not been copied before. A copy appears whole or not at all (written aside, then renamed), so
 * servers starting side by side never see half of one.
 *
 * @param {string | URL} source
 * @returns {string}
 */
export function appDir(source) {
  const from = source instanceof URL ? fileURLToPath(source) : source;
  const root = join(cacheRoot(), "orchestrator-mcp-server");
  const target = join(root, fingerprint(from));
  if (existsSync(target)) return target;
  const staging = `${target}.${process.pid}.tmp`;
  try {
    mkdirSync(root, { recursive: true });
    cpSync(from, staging, { recursive: true });
    renameSync(staging, target);
  } catch (error) {
    // Another start made the same copy first: use it.
    if (!existsSync(target)) {
      throw new Error(
        `could not copy the server's files to ${target} (${error.message}). Make that folder ` +
          "writable, or point XDG_CACHE_HOME (LOCALAPPDATA on Windows) at a writable folder.",
      );
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return target;
}
