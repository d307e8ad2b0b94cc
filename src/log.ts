/**
 * Leveled logging to stderr (stdout carries the MCP protocol and must never be written to): one
 * line per event, as text (`[orchestrator] level: message key=value …`) or, with
 * `LOG_FORMAT=json`, as one JSON object (`time`, `level`, `msg`, then the event's fields). Every
 * registered secret (API keys, the HTTP token, the database password) is replaced by
 * `[redacted]` in whatever is written, whichever code path produced the text.
 *
 * @example
 * ```ts
 * configureLog({ level: "debug", format: "json", secrets: ["sk-123"] });
 * log.debug("tool call", { tool: "start_workflow", outcome: "ok", duration_ms: 12 });
 * ```
 * @module
 */

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
/** A log level name. */
export type LogLevel = keyof typeof LEVELS;
/** The log line formats (`LOG_FORMAT`). */
export const LOG_FORMATS = ["text", "json"] as const;
/** A log line format. */
export type LogFormat = typeof LOG_FORMATS[number];
/** Structured details of one event; `undefined` values are left out. */
export type LogFields = Record<string, string | number | boolean | undefined>;

/** What replaces a secret in a log line. */
export const REDACTED = "[redacted]";
/** Shorter values are too likely to occur by chance to be redacted (they are not real secrets). */
const MIN_SECRET_LENGTH = 4;

let threshold: number = LEVELS.info;
let format: LogFormat = "text";
const secrets = new Set<string>();

/** Only messages at `level` or above are written from now on. */
export function setLogLevel(level: LogLevel): void {
  threshold = LEVELS[level];
}

/** How `configureLog` sets the logger up; each part left out keeps its current value. */
export interface LogSettings {
  level?: LogLevel;
  format?: LogFormat;
  /** Values that must never appear in a log line (added to those already registered). */
  secrets?: readonly (string | undefined)[];
}

/** Set the level, the format and the secrets to hide. */
export function configureLog(settings: LogSettings): void {
  if (settings.level) setLogLevel(settings.level);
  if (settings.format) format = settings.format;
  for (const secret of settings.secrets ?? []) {
    if (secret !== undefined && secret.length >= MIN_SECRET_LENGTH) secrets.add(secret);
  }
}

/** `text` with every registered secret replaced by `REDACTED`. */
export function redact(text: string): string {
  let safe = text;
  for (const secret of secrets) safe = safe.replaceAll(secret, REDACTED);
  return safe;
}

/** A field value as text: bare when it is one plain word, JSON-quoted otherwise. */
function fieldText(value: string | number | boolean): string {
  const text = String(value);
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
}

/** One event as the line to write (without the newline). */
function formatLine(level: LogLevel, message: string, fields: LogFields): string {
  const defined = Object.entries(fields).filter(
    (entry): entry is [string, string | number | boolean] => entry[1] !== undefined,
  );
  if (format === "json") {
    return JSON.stringify({
      time: new Date().toISOString(),
      level,
      msg: message,
      ...Object.fromEntries(defined.filter(([key]) => !["time", "level", "msg"].includes(key))),
    });
  }
  const details = defined.map(([key, value]) => ` ${key}=${fieldText(value)}`).join("");
  return `[orchestrator] ${level}: ${message}${details}`;
}

function write(level: LogLevel, message: string, fields: LogFields = {}, always = false): void {
  if (!always && LEVELS[level] < threshold) return;
  console.error(redact(formatLine(level, message, fields)));
}

/** The process-wide logger. */
export const log = {
  debug: (message: string, fields?: LogFields): void => write("debug", message, fields),
  info: (message: string, fields?: LogFields): void => write("info", message, fields),
  warn: (message: string, fields?: LogFields): void => write("warn", message, fields),
  error: (message: string, fields?: LogFields): void => write("error", message, fields),
  /** Written whatever the level: a line the user cannot do without (e.g. a generated token). */
  always: (level: LogLevel, message: string, fields?: LogFields): void =>
    write(level, message, fields, true),
};
