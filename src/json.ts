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

/** The JSON text of objects and arrays already serialized (see `jsonText`). */
const texts = new WeakMap<object, string>();

/** A JSON value's type by JSON's names: "array" and "null" apart from "object". */
export type JsonType = "null" | "array" | "string" | "number" | "boolean" | "object";

/** The JSON type of `value` (a parsed JSON value). */
export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value as "string" | "number" | "boolean" | "object";
}

/**
 * `JSON.stringify(value)`, serialized once per object or array: the size checks serialize a
 * report, its context updates and the merged context, and the store writes the same text without
 * serializing them again. A JSON value is never changed once built (updates make new objects), so
 * the remembered text stays its text.
 */
export function jsonText(value: JsonValue): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}

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
