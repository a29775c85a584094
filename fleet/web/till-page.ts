import { formatDuration } from "../../lib/terminal-format.js";
import type { SaleRecord } from "../store/sales.js";
import type { TillView } from "../view/fleet-view.js";
import { esc, money, page, timeTag } from "./html.js";
import * as cell from "./till-cells.js";

/** One till: its facts and its recent sales (references, amounts, outcomes — never who paid). */
export interface TillPageInput {
  readonly msn: string;
  readonly user?: string;
  readonly now: number;
  readonly till: TillView;
  readonly sales: readonly SaleRecord[];
  readonly uptimeSeconds?: number;
  readonly refreshSeconds: number;
}

const OUTCOME: Record<SaleRecord["type"], string> = {
  "sale.captured": "captured",
  "sale.refunded": "refunded",
  "sale.cancelled": "cancelled",
  "sale.failed": "failed",
  "sale.held": "held, not captured",
};

function saleRow(s: SaleRecord, now: number): string {
  return `<tr data-event="${esc(s.eventId)}">
<td data-label="Time">${timeTag(s.occurredAt, now)}</td>
<td data-label="Receipt">${esc(s.receiptNumber ?? "—")}</td>
<td data-label="Sale">${esc(s.saleId)}</td>
<td data-label="Reference">${esc(s.reference ?? "—")}</td>
<td data-label="Outcome">${esc(OUTCOME[s.type])}</td>
<td data-label="Amount" class="num">${esc(money(s.amount))}</td>
<td data-label="Reason">${esc(s.reason ?? "")}</td>
</tr>`;
}

export function tillPage(input: TillPageInput): string {
  const { till: t, now } = input;
  const fact = (label: string, value: string): string => `<dt>${esc(label)}</dt><dd>${value}</dd>`;
  const facts = [
    fact("Status", `${cell.statusBadge(t)} ${cell.statusSince(t, now)}`),
    fact("Last seen", cell.lastSeen(t, now)),
    fact("Version", esc(t.version ?? "—")),
    fact("Uptime", input.uptimeSeconds === undefined ? "—" : esc(formatDuration(input.uptimeSeconds))),
    fact("Links", cell.links(t)),
    fact("Printer", cell.printer(t)),
    fact("Degraded", cell.degraded(t, now)),
    fact("Sale in progress", cell.currentSale(t)),
    fact("Captured today", cell.today(t)),
    fact("Last failure", cell.lastFailure(t, now)),
    fact("Health report", t.healthAt === undefined ? "none yet" : `received ${timeTag(t.healthAt, now)}`),
  ].join("\n");
  const rows =
    input.sales.length === 0
      ? `<tr><td colspan="7">No sales yet.</td></tr>`
      : input.sales.map((s) => saleRow(s, now)).join("\n");
  const body = `<h2>Till ${esc(t.tillId)}</h2>
<dl class="facts">
${facts}
</dl>
<h2>Recent sales</h2>
<table class="sales cards-on-phone">
<thead><tr><th>Time</th><th>Receipt</th><th>Sale</th><th>Reference</th><th>Outcome</th><th class="num">Amount</th><th>Reason</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p><a href="/">← all tills</a></p>`;
  return page({
    title: `Till ${t.tillId} — ${t.degraded ? "degraded" : t.status}`,
    body,
    msn: input.msn,
    refreshSeconds: input.refreshSeconds,
    ...(input.user === undefined ? {} : { user: input.user }),
  });
}
