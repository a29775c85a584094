/**
 * A calendar day written as YYYY-MM-DD (ISO 8601), as the register protocol's `totals` and
 * `pos-agent report --date` take it. One check for both: the form, and that the day exists
 * (2026-02-30 does not).
 */
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The year, month (1–12) and day of a real YYYY-MM-DD day, or undefined. */
export function parseCalendarDate(text: unknown): { year: number; month: number; day: number } | undefined {
  if (typeof text !== "string") return undefined;
  const match = CALENDAR_DATE.exec(text);
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // UTC: a day's existence does not depend on the time zone (local Dates skip DST hours, not days).
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day)
    return undefined;
  return { year, month, day };
}
