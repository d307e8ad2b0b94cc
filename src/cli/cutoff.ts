/**
 * The cutoff of `prune --older-than`: an age (`30d`, `12h`, `90m`) counted back from now, or a
 * date (`2026-01-31`, midnight UTC) or time (`2026-01-31T12:00:00Z`), as the ISO-8601 UTC
 * timestamp the stores compare `completedAt` with.
 *
 * @example
 * ```ts
 * import { parseCutoff } from "./cutoff.ts";
 * parseCutoff("30d"); // "2026-…T…Z", 30 days ago
 * parseCutoff("2026-01-31"); // "2026-01-31T00:00:00.000Z"
 * ```
 * @module
 */
import { OrchestratorError } from "../errors.ts";

/** Milliseconds per unit of an age. */
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;

/** `30d`, `12h`, `90m`: a whole number of days, hours or minutes. */
const AGE = /^(\d{1,9})([dhm])$/;

/** `2026-01-31`, or a date and time with an offset or `Z` (`2026-01-31T12:00:00Z`). */
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** A value of `--older-than` (or the field `field` names) that is neither an age nor a date. */
export class InvalidCutoffError extends OrchestratorError {
  override readonly code = "INVALID_CUTOFF";
  constructor(value: string, why: string, field = "--older-than") {
    super(
      `${field} '${value}' ${why}: give an age such as 30d, 12h or 90m (days, hours, ` +
        "minutes), or a date such as 2026-01-31 (UTC) or 2026-01-31T12:00:00Z.",
    );
  }
}

/** Whether the `YYYY-MM-DD` that `value` starts with is a day of the calendar (not 2026-02-30). */
function isCalendarDay(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * The instant `value` names, as an ISO-8601 UTC timestamp with milliseconds; `field` names where
 * it was given, in the error.
 * @throws {InvalidCutoffError} not an age or a date, or a date in the future
 */
export function parseCutoff(
  value: string,
  now: number = Date.now(),
  field = "--older-than",
): string {
  const age = AGE.exec(value.trim());
  if (age) {
    const [, count, unit] = age;
    return new Date(now - Number(count) * UNIT_MS[unit as keyof typeof UNIT_MS]).toISOString();
  }
  if (!DATE.test(value.trim())) {
    throw new InvalidCutoffError(value, "is not an age or a date", field);
  }
  const time = new Date(value.trim()).getTime();
  if (Number.isNaN(time) || !isCalendarDay(value.trim())) {
    throw new InvalidCutoffError(value, "is not a valid date", field);
  }
  if (time > now) throw new InvalidCutoffError(value, "is in the future", field);
  return new Date(time).toISOString();
}
