import type { Clock } from "../../lib/clock.js";
import type { Currency } from "../../lib/money.js";
import type { TotalsMessage, TotalsRequest } from "../../drivers/register/index.js";
import { localDay, localDayOf, readJournalDay, summarizeDay, type LocalDay } from "../report/index.js";
import type { EndOfDaySummary } from "../report/index.js";
import type { Db } from "../store/database.js";
import { otherTendersOf } from "../report/end-of-day.js";

const DAY_MS = 86_400_000;

export interface TotalsSource {
  readonly db: Db;
  readonly clock: Clock;
  readonly till: { readonly id: string; readonly currency: Currency };
  /** storage.retentionDays: the journal drops what is older, so such a day is no longer whole. */
  readonly retentionDays: number;
}

/** Which day a `totals` request names, or why the agent cannot give its totals. */
export type TotalsDay =
  | { readonly ok: true; readonly day: LocalDay }
  | { readonly ok: false; readonly code: "DAY_OUT_OF_RANGE"; readonly message: string };

/**
 * The register's `totals` (docs/register-protocol.md §4.1): the day it asks for, checked before
 * the ack — a day in the future has no totals yet, and one older than the journal keeps would
 * come out incomplete, silently, so both are refused. `date` is already a valid YYYY-MM-DD (the
 * link validated it).
 */
export function totalsDay(source: TotalsSource, request: TotalsRequest): TotalsDay {
  const now = source.clock.now();
  const today = localDayOf(now);
  const day = request.date === undefined ? today : localDay(request.date);
  if (day.date > today.date)
    return {
      ok: false,
      code: "DAY_OUT_OF_RANGE",
      message: `date: ${day.date} is after today (${today.date})`,
    };
  if (day.from < now - source.retentionDays * DAY_MS) {
    return {
      ok: false,
      code: "DAY_OUT_OF_RANGE",
      message: `date: ${day.date} is older than the ${source.retentionDays} days the agent keeps`,
    };
  }
  return { ok: true, day };
}

/**
 * The day's totals as the register receives them: the end-of-day report's own summary
 * (agent/report), so the register prints the figures `pos-agent report` prints.
 */
export function totalsMessage(source: TotalsSource, day: LocalDay): TotalsMessage {
  return toMessage(
    summarizeDay(day, readJournalDay(source.db, day.from, day.to), source.till),
    source.till.currency,
  );
}

function toMessage(summary: EndOfDaySummary, currency: Currency): TotalsMessage {
  const tenders = otherTendersOf(summary);
  return {
    type: "totals",
    date: summary.date,
    from: summary.from,
    to: summary.to,
    currency,
    sales: {
      count: summary.sales.count,
      captured: summary.sales.captured,
      failed: summary.sales.failed,
      cancelled: summary.sales.cancelled,
    },
    refunds: summary.refunds,
    net: summary.net,
    vat: summary.vat.map((r) => ({ rate: r.rate, gross: r.gross, net: r.net, vat: r.vat })),
    unfinished: summary.unfinished,
    ...(tenders.length === 0 ? {} : { tenders }),
  };
}
