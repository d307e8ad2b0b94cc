/**
 * Leveled logging to stderr (stdout carries the MCP protocol and must never be written to).
 *
 * @example
 * ```ts
 * setLogLevel("debug");
 * log.info("listening");
 * ```
 * @module
 */

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
/** A log level name. */
export type LogLevel = keyof typeof LEVELS;

let threshold: number = LEVELS.info;

/** Only messages at `level` or above are written from now on. */
export function setLogLevel(level: LogLevel): void {
  threshold = LEVELS[level];
}

function write(level: LogLevel, message: string): void {
  if (LEVELS[level] < threshold) return;
  console.error(`[orchestrator] ${level}: ${message}`);
}

/** The process-wide logger. */
export const log = {
  debug: (message: string): void => write("debug", message),
  info: (message: string): void => write("info", message),
  warn: (message: string): void => write("warn", message),
  error: (message: string): void => write("error", message),
};
