/**
 * JSON value types and the RFC 7396 merge patch used for context updates.
 *
 * @example
 * ```ts
 * mergePatch({ a: 1, b: { c: 2 } }, { b: { c: null, d: 3 } }); // { a: 1, b: { d: 3 } }
 * ```
 * @module
 */
/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | {
  [key: string]: JsonValue;
};
/** A JSON object, as used for instance context. */
export type JsonObject = { [key: string]: JsonValue };

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Apply an RFC 7396 JSON merge patch: objects merge recursively, `null` deletes a key, anything else
 * replaces. Neither argument is modified.
 */
export function mergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  const result: JsonObject = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else if (isObject(value)) {
      const base = result[key];
      result[key] = mergePatch(isObject(base) ? base : {}, value);
    } else {
      result[key] = value;
    }
  }
  return result;
}
