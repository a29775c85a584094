/**
 * The window a webhook's signed `x-ms-date` must fall in, so a delivery captured long ago (a
 * proxy log, a leaked backup) cannot be replayed, while no genuine delivery is ever refused.
 *
 * Vipps retries a failed delivery for up to 7 days and does not say whether a retry is signed
 * again with a new date (docs/vipps-api.md §5.2, §5.3;
 * https://developer.vippsmobilepay.com/docs/APIs/webhooks-api/api-guide/,
 * https://developer.vippsmobilepay.com/docs/APIs/webhooks-api/request-authentication/): a retry
 * may carry the date of the first attempt, hours or days old. So the past bound is those 7 days plus one for schedule slack and clocks — a genuine
 * retry is never older. The future bound is clock skew only: Vipps signs with the time it sends,
 * so a date minutes ahead of ours can only be a wrong clock, or not Vipps. Within the window,
 * replays are what every consumer handles anyway (duplicates are normal: the tills de-duplicate
 * and check a check-in's own age).
 */
export const WEBHOOK_DATE_MAX_AGE_MS = 8 * 24 * 60 * 60 * 1000;
export const WEBHOOK_DATE_MAX_AHEAD_MS = 15 * 60 * 1000;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const RFC_1123 =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/**
 * An RFC 1123 date as HTTP writes it (`Thu, 30 Mar 2023 08:38:32 GMT`, the form Vipps sends),
 * in milliseconds since the epoch; undefined for anything else, including dates that do not
 * exist (31 Feb).
 */
export function parseRfc1123Date(text: string): number | undefined {
  const m = RFC_1123.exec(text);
  if (m === null) return undefined;
  const [, day, month, year, hour, minute, second] = m;
  const monthIndex = MONTHS.indexOf(month ?? "");
  const at = Date.UTC(Number(year), monthIndex, Number(day), Number(hour), Number(minute), Number(second));
  const check = new Date(at);
  if (
    check.getUTCDate() !== Number(day) ||
    check.getUTCMonth() !== monthIndex ||
    check.getUTCHours() !== Number(hour) ||
    check.getUTCMinutes() !== Number(minute) ||
    check.getUTCSeconds() !== Number(second)
  )
    return undefined;
  return at;
}

/** Why `xMsDate` is outside the window at `now` (ms), or undefined when it is inside. */
export function webhookDateProblem(xMsDate: string, now: number): string | undefined {
  const at = parseRfc1123Date(xMsDate);
  if (at === undefined) return "x-ms-date is not an RFC 1123 date";
  if (at < now - WEBHOOK_DATE_MAX_AGE_MS) return "x-ms-date is more than 8 days old";
  if (at > now + WEBHOOK_DATE_MAX_AHEAD_MS) return "x-ms-date is more than 15 minutes ahead";
  return undefined;
}
