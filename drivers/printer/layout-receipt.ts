import { brandName, formatAmount, formatMinorUnits, type Language } from "../../lib/locale/index.js";
import type { Currency } from "../../lib/money.js";
import type { PaymentInfo, ReceiptLine, RefundReceipt, SaleReceipt, VatBreakdown } from "./document.js";
import type { BlockWriter } from "./print-blocks.js";
import { formatDateTime, formatQuantity, formatRate } from "./print-blocks.js";
import type { ReceiptTexts } from "./receipt-texts.js";
import { RECEIPT_TEXTS } from "./receipt-texts.js";

/** The merchant's header lines (first one bold), centred. */
export function letterhead(w: BlockWriter, header: readonly string[]): void {
  header.forEach((line, i) => w.text(line, { align: "center", bold: i === 0 }));
  if (header.length > 0) w.feed();
}

export function footer(w: BlockWriter, lines: readonly string[] | undefined): void {
  if (lines === undefined || lines.length === 0) return;
  w.feed();
  for (const line of lines) w.text(line, { align: "center" });
}

function copyMark(w: BlockWriter, t: ReceiptTexts, copy: boolean | undefined): void {
  if (copy === true) w.text(`*** ${t.copy} ***`, { align: "center", bold: true, size: 2 });
}

/** Item lines: name and total, then `quantity × unit price` and the discount when there is one. */
function basket(
  w: BlockWriter,
  lines: readonly ReceiptLine[],
  currency: Currency,
  language: Language,
  t: ReceiptTexts,
): void {
  const n = (value: number): string => formatMinorUnits(value, currency, language);
  for (const line of lines) {
    w.row(line.name, n(line.total));
    const discount = line.discount ?? 0;
    if (line.quantity !== "1" || discount > 0) {
      const unit = line.unit === undefined || line.unit === "PCS" ? "" : ` ${line.unit}`;
      w.line(`  ${formatQuantity(line.quantity, language)}${unit} x ${n(line.unitPrice)}`);
    }
    if (discount > 0) w.row(`  ${t.discount}`, n(-discount));
  }
}

/** VAT per rate: a table when the amounts fit the paper, else two lines per rate. */
export function vatTable(
  w: BlockWriter,
  vat: readonly VatBreakdown[],
  currency: Currency,
  language: Language,
  t: ReceiptTexts,
): void {
  if (vat.length === 0) return;
  const n = (value: number): string => formatMinorUnits(value, currency, language);
  const rows = vat.map((v) => [formatRate(v.rate, language), n(v.net), n(v.vat), n(v.gross)] as const);
  const head = [t.vatRate, t.net, t.vat, t.gross] as const;
  const widths = [0, 1, 2, 3].map((c) =>
    Math.max(...[head, ...rows].map((r) => [...r[c as 0 | 1 | 2 | 3]].length)),
  );
  const total = (widths[0] ?? 0) + (widths[1] ?? 0) + (widths[2] ?? 0) + (widths[3] ?? 0) + 3;
  if (total <= w.columns) {
    const extra = w.columns - total;
    const pad = (r: readonly string[]): string =>
      (r[0] ?? "").padEnd((widths[0] ?? 0) + extra) +
      [1, 2, 3].map((c) => (r[c] ?? "").padStart((widths[c] ?? 0) + 1)).join("");
    w.line(pad(head), { bold: true });
    for (const r of rows) w.line(pad(r));
  } else {
    for (const [i, r] of rows.entries()) {
      w.row(`${t.vat} ${r[0]}`, `${t.gross} ${r[3]}`);
      w.row(`  ${t.net} ${r[1]}`, `${t.vat} ${r[2]}`);
      if (i < rows.length - 1) w.feed();
    }
  }
}

function payment(w: BlockWriter, p: PaymentInfo, label: string, amount: string, t: ReceiptTexts): void {
  w.row(label.replace("{brand}", brandName(p.brand)), amount);
  w.text(`${t.reference}: ${p.reference}`);
  if (p.pspReference !== undefined) w.text(`${t.pspReference}: ${p.pspReference}`);
}

function identity(w: BlockWriter, doc: SaleReceipt | RefundReceipt, t: ReceiptTexts, timeZone: string): void {
  w.text(`${t.date}: ${formatDateTime(doc.time, doc.language, timeZone)}`);
  w.row(`${t.till}: ${doc.till}`, `${t.receiptNumber} ${doc.receiptNumber}`);
}

export function layoutSale(w: BlockWriter, doc: SaleReceipt, timeZone: string): void {
  const t = RECEIPT_TEXTS[doc.language];
  const money = (value: number): string => formatAmount({ value, currency: doc.currency }, doc.language);
  letterhead(w, doc.header);
  copyMark(w, t, doc.copy);
  w.text(t.receipt, { align: "center", bold: true });
  identity(w, doc, t, timeZone);
  w.rule();
  basket(w, doc.lines, doc.currency, doc.language, t);
  w.rule();
  w.row(t.total, money(doc.total), { bold: true, size: 2 });
  w.rule();
  vatTable(w, doc.vat, doc.currency, doc.language, t);
  w.rule();
  // Split tender: Vipps MobilePay's part with its references, then what the register took.
  const others = doc.tenders ?? [];
  const vippsPart = doc.total - others.reduce((sum, o) => sum + o.amount, 0);
  payment(w, doc.payment, t.paidWith, money(vippsPart), t);
  for (const o of others) w.row(t.tender[o.kind], money(o.amount));
  const m = doc.member;
  if (m !== undefined && (m.name !== undefined || m.memberId !== undefined)) {
    const name = [m.name, m.tier === undefined ? undefined : `(${m.tier})`]
      .filter((s) => s !== undefined)
      .join(" ");
    if (name !== "") w.text(`${t.member}: ${name}`);
    if (m.memberId !== undefined) w.text(`${t.memberId}: ${m.memberId}`);
  }
  footer(w, doc.footer);
  copyMark(w, t, doc.copy);
  w.cut();
}

export function layoutRefund(w: BlockWriter, doc: RefundReceipt, timeZone: string): void {
  const t = RECEIPT_TEXTS[doc.language];
  const money = (value: number): string => formatAmount({ value, currency: doc.currency }, doc.language);
  letterhead(w, doc.header);
  copyMark(w, t, doc.copy);
  w.text(t.refund, { align: "center", bold: true, size: 2 });
  identity(w, doc, t, timeZone);
  if (doc.purchasedElsewhere === true) w.text(t.purchasedElsewhere, { bold: true });
  if (doc.originalReceiptNumber !== undefined) w.text(`${t.originalReceipt}: ${doc.originalReceiptNumber}`);
  w.text(`${t.refundId}: ${doc.refundId}`);
  w.rule();
  if (doc.lines !== undefined && doc.lines.length > 0) {
    basket(w, doc.lines, doc.currency, doc.language, t);
    w.rule();
  }
  w.row(t.refunded, money(doc.amount), { bold: true, size: 2 });
  w.rule();
  if (doc.vat !== undefined && doc.vat.length > 0) {
    vatTable(w, doc.vat, doc.currency, doc.language, t);
    w.rule();
  }
  payment(w, doc.payment, t.refundedTo, money(doc.amount), t);
  footer(w, doc.footer);
  copyMark(w, t, doc.copy);
  w.cut();
}
