/**
 * The server's version, from deno.json (bundled into compiled binaries).
 * @module
 */
import manifest from "../deno.json" with { type: "json" };

/** Semantic version of this build. */
export const VERSION: string = manifest.version;
