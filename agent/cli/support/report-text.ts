import { terminalSafeValue } from "../../../lib/terminal-text.js";
import { formatLocalTime, formatMoney, table } from "../../../lib/terminal-format.js";
import type { EndOfDaySummary } from "../../report/index.js";
import { otherTendersOf } from "../../report/end-of-day.js";

/** Basis points as a percentage: 2500 → "25 %", 1250 → "12.5 %". */
function percent(rate: number): string {
  const whole = Math.floor(rate / 100);
  const rest = rate % 100;
  return rest === 0 ? `${whole} %` : `${whole}.${String(rest).padStart(2, "0").replace(/0$/, "")} %`;
}

/** `pos-agent report` on the terminal. */
export function renderReport(summary: EndOfDaySummary): string {
  // Failure reasons are journalled as they came (the register's and Vipps' words among them).
  const s = terminalSafeValue(summary);
  const money = (v: number): string => formatMoney(v, s.currency);
  const reasons = Object.entries(s.sales.failedReasons)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
  const others = otherTendersOf(s);
  const out = [
    `end of day ${s.date} — till ${s.tillId} (${formatLocalTime(s.from)} to ${formatLocalTime(s.to)})`,
    "",
    table([
      ["captured", `${s.sales.captured.count}`, money(s.sales.captured.total)],
      ["refunded", `${s.refunds.count}`, `-${money(s.refunds.total)}`],
      ["net", "", money(s.net)],
      ["failed", `${s.sales.failed}`, reasons],
      ["cancelled", `${s.sales.cancelled}`, ""],
      ...(s.unfinished > 0
        ? [["unfinished", `${s.unfinished}`, "begun this day, not finished by its end"]]
        : []),
      ...(s.holds.count > 0
        ? [
            [
              "held",
              `${s.holds.count}`,
              `${money(s.holds.authorized)} authorized, not captured at the day's end`,
            ],
          ]
        : []),
    ]),
    // Split tender: the rest of those sales, as the registers declared it; the VAT is of both.
    ...(others.length === 0
      ? []
      : ["", "other tenders in captured sales:", table(others.map((o) => [o.kind, "", money(o.amount)]))]),
    "",
    "VAT of captured sales:",
    s.vat.length === 0
      ? "  none"
      : table([
          ["rate", "net", "VAT", "gross"],
          ...s.vat.map((v) => [percent(v.rate), money(v.net), money(v.vat), money(v.gross)]),
        ]),
  ];
  if (s.holds.count > 0)
    out.push(
      "",
      "held at the day's end (capture or release them at the register):",
      table(
        s.holds.sales.map((h) => [
          h.saleId,
          money(h.authorizedAmount),
          h.reference ?? "-",
          h.holdUntil === undefined ? "" : `capture by ${formatLocalTime(h.holdUntil)}`,
        ]),
      ),
    );
  return `${out.join("\n")}\n`;
}
