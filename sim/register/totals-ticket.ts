import { formatAmount, type TotalsMessage } from "../../drivers/register/index.js";

/**
 * A day's totals laid out for the register's own receipt printer (40 columns), as a register
 * vendor might: every figure is the agent's, none is computed here.
 */
const WIDTH = 40;

function row(label: string, value: string): string {
  return `${label}${value.padStart(Math.max(1, WIDTH - label.length))}`;
}

export function totalsTicket(totals: TotalsMessage): string[] {
  const money = (minor: number): string => formatAmount(minor, totals.currency);
  return [
    `Vipps MobilePay totals ${totals.date}`,
    "-".repeat(WIDTH),
    row(`Captured (${totals.sales.captured.count})`, money(totals.sales.captured.total)),
    row(`Refunded (${totals.refunds.count})`, money(totals.refunds.total)),
    row("Net", money(totals.net)),
    ...totals.vat.map((r) => row(`VAT ${r.rate / 100} % of ${formatAmount(r.gross)}`, money(r.vat))),
    row("Failed / cancelled", `${totals.sales.failed} / ${totals.sales.cancelled}`),
    ...(totals.unfinished > 0 ? [row("Not finished", String(totals.unfinished))] : []),
    "-".repeat(WIDTH),
  ];
}
