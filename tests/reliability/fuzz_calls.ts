/**
 * Generated hostile tool calls for the fuzz test: plausible calls on real instances with fields
 * replaced by wrong types, huge strings, 100k-level nesting, unicode and NUL bytes, unknown
 * fields, path traversal in names, enormous context updates, the seed's `input_data` wrapper, and
 * unknown tool names. Deterministic for a given `Random`.
 *
 * @example
 * ```ts
 * const call = nextCall(new Random(7), { instances: [], steps: new Map() });
 * ```
 * @module
 */
import type { Random } from "./random.ts";
import { RawJson } from "./raw_json_transport.ts";

/** Tools the server registers. */
const TOOL_NAMES = [
  "list_workflows",
  "start_workflow",
  "get_workflow_status",
  "advance_workflow",
  "resume_workflow",
  "get_howto_create_workflow_content",
  "list_instances",
  "cancel_workflow",
  "get_workflow_history",
] as const;

/** Instances the fuzzer has started, and the step each was last seen on. */
export interface FuzzState {
  instances: string[];
  steps: Map<string, string>;
}

/** One generated call. */
export interface FuzzCall {
  name: string;
  arguments: Record<string, unknown>;
}

const TRAVERSAL = [
  "..",
  "../..",
  "../../../../etc/passwd",
  "/etc/passwd",
  "JOKE_GENERATOR/../../secret",
  "JOKE_GENERATOR/..",
  "%2e%2e%2f%2e%2e%2f",
  "..\\..\\windows\\win.ini",
  "JOKE_GENERATOR\u0000/../x",
  "file:///etc/passwd",
  "{{file:../../etc/passwd}}",
];

const UNICODE = [
  "😀🎉 émojis",
  "\u202eRTL override",
  "\u0000null\u0000bytes",
  "\ud800 lone surrogate",
  "ZWJ\u200d\u200dname",
  "Ω≈ç√∫˜µ≤≥÷",
  "\uFEFFbom",
  "\r\n\t control",
];

/** Objects or arrays nested `depth` levels (built without recursion). */
function deeplyNested(depth: number, kind: "object" | "array"): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = kind === "object" ? { a: value } : [value];
  return value;
}

function hugeString(rng: Random): string {
  // At most ~6 MB on the wire (NUL is escaped as \u0000): below the stdio transport's 10 MiB cap.
  return rng.pick(["x", "ü", "😀", "\u0000"]).repeat(rng.pick([1_000, 100_000, 1_000_000]));
}

function manyKeys(rng: Random): Record<string, unknown> {
  const count = rng.pick([1_000, 60_000]);
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`key_${i}`, `value ${i}`]));
}

/** A value chosen to break a validator, a parser or a recursive function. */
function hostileValue(rng: Random): unknown {
  switch (rng.int(12)) {
    case 0:
      return rng.pick([0, -1, 1.5, 1e308, -0, Number.MAX_SAFE_INTEGER + 2]);
    case 1:
      return rng.pick([true, false, null]);
    case 2:
      return rng.pick([[], {}, [1, "two", null], { nested: { ok: 1 } }]);
    case 3:
      return rng.chance(0.15) ? hugeString(rng) : "a".repeat(rng.int(600));
    case 4:
      return rng.pick(UNICODE);
    case 5:
      return rng.pick(TRAVERSAL);
    case 6:
      return rng.chance(0.1)
        ? RawJson.nested(100_000, rng.pick(["object", "array"] as const))
        : deeplyNested(rng.between(60, 2_000), rng.pick(["object", "array"] as const));
    case 7:
      return rng.chance(0.1) ? manyKeys(rng) : { big: "y".repeat(rng.int(50_000)) };
    case 8:
      return JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}}');
    case 9:
      return rng.pick(["", " ", "FINISH", "RUNNING", "success", "null", "undefined"]);
    case 10:
      return { input_data: { input_data: { workflow_name: "JOKE_GENERATOR" } } };
    default:
      return crypto.randomUUID();
  }
}

function instanceId(rng: Random, state: FuzzState): unknown {
  if (state.instances.length > 0 && rng.chance(0.8)) return rng.pick(state.instances);
  return hostileValue(rng);
}

function report(rng: Random, state: FuzzState, id: unknown): Record<string, unknown> {
  const step = typeof id === "string" ? state.steps.get(id) : undefined;
  return {
    step_id: step && rng.chance(0.6) ? step : hostileValue(rng),
    status: rng.pick(["success", "failure", "retry", "FINISH", "data_provided"]),
    ...(rng.chance(0.4) ? { result: hostileValue(rng) } : {}),
    ...(rng.chance(0.2) ? { message: hostileValue(rng) } : {}),
    ...(rng.chance(0.2) ? { details: hostileValue(rng) } : {}),
  };
}

function plausibleArguments(rng: Random, name: string, state: FuzzState): Record<string, unknown> {
  const id = instanceId(rng, state);
  switch (name) {
    case "start_workflow":
      return {
        workflow_name: rng.chance(0.6) ? "JOKE_GENERATOR" : hostileValue(rng),
        ...(rng.chance(0.5)
          ? { context: rng.chance(0.5) ? { topic: "fuzz" } : hostileValue(rng) }
          : {}),
      };
    case "advance_workflow":
      return {
        instance_id: id,
        report: rng.chance(0.9) ? report(rng, state, id) : hostileValue(rng),
        ...(rng.chance(0.5) ? { context_updates: hostileValue(rng) } : {}),
      };
    case "resume_workflow":
      return {
        instance_id: id,
        assumed_current_step_name: hostileValue(rng),
        ...(rng.chance(0.5) ? { report: report(rng, state, id) } : {}),
        ...(rng.chance(0.5) ? { context_updates: hostileValue(rng) } : {}),
      };
    case "list_instances":
      return {
        ...(rng.chance(0.5) ? { workflow_name: hostileValue(rng) } : {}),
        ...(rng.chance(0.5) ? { status: hostileValue(rng) } : {}),
        ...(rng.chance(0.5) ? { limit: hostileValue(rng) } : {}),
        ...(rng.chance(0.5) ? { offset: hostileValue(rng) } : {}),
      };
    case "cancel_workflow":
      return { instance_id: id, ...(rng.chance(0.5) ? { reason: hostileValue(rng) } : {}) };
    case "get_workflow_history":
      return { instance_id: id, ...(rng.chance(0.5) ? { limit: hostileValue(rng) } : {}) };
    case "get_workflow_status":
      return { instance_id: id };
    default:
      return {};
  }
}

/** The next call: a real tool most of the time, with plausible arguments, then mutated. */
export function nextCall(rng: Random, state: FuzzState): FuzzCall {
  const name = rng.chance(0.95)
    ? rng.pick(TOOL_NAMES)
    : rng.pick(["", "unknown_tool", "../list_workflows", "list_workflows\u0000", "x".repeat(5000)]);
  let args = plausibleArguments(rng, name, state);
  if (rng.chance(0.2)) args = { ...args, [String(rng.pick(UNICODE))]: hostileValue(rng) };
  if (rng.chance(0.1)) {
    const keys = Object.keys(args);
    if (keys.length > 0) delete args[rng.pick(keys)];
  }
  if (rng.chance(0.15)) args = { input_data: args };
  if (rng.chance(0.03)) args = hostileValue(rng) as Record<string, unknown>;
  return { name, arguments: args };
}
