import { parseCalendarDate } from "../../lib/calendar-date.js";
import { AgentError } from "../../lib/errors.js";

type ReportErrorCode = "REPORT_BAD_DATE";

/** A calendar day in the till's time zone (the machine's, `TZ` / timedatectl), as [from, to) in epoch ms. */
export interface LocalDay {
  /** YYYY-MM-DD. */
  readonly date: string;
  readonly from: number;
  /** Exclusive: the next day's midnight (23 or 25 hours later across a DST change). */
  readonly to: number;
}

/** Throws REPORT_BAD_DATE unless `date` is a real YYYY-MM-DD day. */
export function localDay(date: string): LocalDay {
  const parsed = parseCalendarDate(date);
  if (parsed === undefined) {
    throw new AgentError<ReportErrorCode>(
      "REPORT_BAD_DATE",
      `expected a date as YYYY-MM-DD, got ${JSON.stringify(date)}`,
    );
  }
  const { year, month, day } = parsed;
  return {
    date,
    from: new Date(year, month - 1, day).getTime(),
    to: new Date(year, month - 1, day + 1).getTime(),
  };
}

/** The local day that contains `time`. */
export function localDayOf(time: number): LocalDay {
  const t = new Date(time);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return localDay(`${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`);
}
