/**
 * Shape limits on client-supplied JSON (context, context updates, reports), checked before any
 * recursive code (merge patch, request hashing, zod output checks) touches the value: a value
 * nested deeper than `MAX_JSON_DEPTH` would overflow the stack there, and a `__proto__` key would
 * be silently dropped by a merge into a plain object.
 *
 * @example
 * ```ts
 * import { checkJsonShape } from "./limits.ts";
 * checkJsonShape("context_updates", { a: { b: 1 } }); // ok
 * checkJsonShape("context_updates", JSON.parse('{"__proto__": {}}')); // throws InvalidInputError
 * ```
 * @module
 */
import { InvalidInputError } from "../errors.ts";
import { type JsonObject, jsonText, type JsonValue, mergePatch } from "../json.ts";

/** Deepest nesting of objects and arrays accepted in client JSON (a top-level object is depth 1). */
export const MAX_JSON_DEPTH = 64;

/** Keys refused anywhere in client JSON: merging them into plain objects would change prototypes. */
const FORBIDDEN_KEYS = new Set(["__proto__"]);

interface Frame {
  value: unknown;
  depth: number;
  key: string;
  parent?: Frame;
}

/** `a.b[3]…`: where in the value a problem is, shortened in the middle when very deep. */
function pathOf(frame: Frame): string {
  const keys: string[] = [];
  for (let f: Frame | undefined = frame; f?.parent; f = f.parent) keys.push(f.key);
  keys.reverse();
  const shown = keys.length > 8 ? [...keys.slice(0, 4), "…", ...keys.slice(-3)] : keys;
  return shown.length ? shown.join("").replace(/^\./, "") : "the top level";
}

function keyText(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key.slice(0, 40))}]`;
}

/**
 * Check, without recursion, that `value` nests at most `MAX_JSON_DEPTH` levels, has no
 * `__proto__` key and no number JSON text cannot hold (Infinity, NaN).
 * @throws {InvalidInputError} naming `what` and the path of the first offending member
 */
export function checkJsonShape(what: string, value: unknown): void {
  const stack: Frame[] = [{ value, depth: 0, key: "" }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value: current } = frame;
    if (typeof current === "number" && !Number.isFinite(current)) {
      // JSON.parse reads 1e400 as Infinity, which JSON text cannot hold (it would be stored as null).
      throw new InvalidInputError(
        `${what} holds a number too large for JSON (at ${pathOf(frame)}). Send a number within ` +
          `±1.7e308, or the value as a string.`,
      );
    }
    if (typeof current !== "object" || current === null) continue;
    const depth = frame.depth + 1;
    if (depth > MAX_JSON_DEPTH) {
      throw new InvalidInputError(
        `${what} is nested more than ${MAX_JSON_DEPTH} levels deep (at ${pathOf(frame)}). ` +
          `Flatten it: keep nested data shallow, or store it in a file and put the path in the ` +
          `context.`,
      );
    }
    if (Array.isArray(current)) {
      current.forEach((item, i) =>
        stack.push({ value: item, depth, key: `[${i}]`, parent: frame })
      );
      continue;
    }
    for (const [key, item] of Object.entries(current)) {
      if (FORBIDDEN_KEYS.has(key)) {
        throw new InvalidInputError(
          `${what} uses the reserved key '${key}' (at ${
            pathOf({ value: item, depth, key: keyText(key), parent: frame })
          }). Rename that key.`,
        );
      }
      stack.push({ value: item, depth, key: keyText(key), parent: frame });
    }
  }
}

/** Largest serialized instance context accepted (bytes of JSON). */
export const MAX_CONTEXT_BYTES = 1_000_000;
/** Largest serialized report accepted (bytes of JSON). */
export const MAX_REPORT_BYTES = 256_000;

/**
 * Check `value`'s shape and JSON size against `limit` bytes; returns its JSON text.
 * @throws {InvalidInputError} naming `what`, its size and the limit
 */
export function checkSize(what: string, value: unknown, limit: number): string {
  // Depth first: serializing or merging a pathologically deep value would overflow the stack.
  checkJsonShape(what, value);
  const json = jsonText(value as JsonValue);
  // A UTF-16 code unit takes at most 3 bytes of UTF-8: only text near the limit is encoded.
  if (json.length * 3 > limit) {
    const bytes = new TextEncoder().encode(json).length;
    if (bytes > limit) {
      throw new InvalidInputError(
        `${what} is ${bytes} bytes of JSON; the limit is ${limit}. Store large data in files ` +
          `and put their paths in the context instead.`,
      );
    }
  }
  return json;
}

/**
 * `context` with the merge patch `updates` applied (itself when there are none), checked against
 * the context size limit.
 * @throws {InvalidInputError} the merged context is too large
 */
export function mergeContext(context: JsonObject, updates: JsonObject | undefined): JsonObject {
  const merged = updates ? mergePatch(context, updates) : context;
  checkSize("The context", merged, MAX_CONTEXT_BYTES);
  return merged;
}
