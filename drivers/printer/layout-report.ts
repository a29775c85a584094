import { brandName, formatAmount } from "../../lib/locale/index.js";
import type { EndOfDayReport, QrSticker, TestReceipt } from "./document.js";
import type { BlockWriter } from "./print-blocks.js";
import { formatDateTime } from "./print-blocks.js";
import { footer, letterhead, vatTable } from "./layout-receipt.js";
import { RECEIPT_TEXTS } from "./receipt-texts.js";

/** The characters a Nordic receipt must get right; `print-test` prints them. */
export const CHARACTER_TEST_LINE = "æøå ÆØÅ €";

export function layoutEndOfDay(w: BlockWriter, doc: EndOfDayReport, timeZone: string): void {
  const t = RECEIPT_TEXTS[doc.language];
  const money = (value: number): string => formatAmount({ value, currency: doc.currency }, doc.language);
  const when = (time: number): string => formatDateTime(time, doc.language, timeZone);
  letterhead(w, doc.header);
  w.text(t.endOfDay, { align: "center", bold: true, size: 2 });
  w.text(`${t.till}: ${doc.till}`);
  w.text(`${t.from}: ${when(doc.from)}`);
  w.text(`${t.to}: ${when(doc.to)}`);
  w.text(`${t.printed}: ${when(doc.time)}`);
  w.rule();
  w.row(`${t.sales} (${doc.sales.count})`, money(doc.sales.total));
  w.row(`${t.refunds} (${doc.refunds.count})`, `-${money(doc.refunds.total)}`);
  w.rule();
  const net = doc.sales.total - doc.refunds.total;
  w.row(t.netTotal, net < 0 ? `-${money(-net)}` : money(net), { bold: true, size: 2 });
  if (doc.unpaidCount !== undefined) w.row(t.unpaid, String(doc.unpaidCount));
  // Split tender: besides Vipps MobilePay, the registers took these in the same sales — the VAT
  // below is of whole baskets, so of both.
  if (doc.otherTenders !== undefined && doc.otherTenders.length > 0) {
    w.rule();
    for (const o of doc.otherTenders) w.row(`  ${t.tender[o.kind]}`, money(o.amount));
  }
  w.rule();
  vatTable(w, doc.vat, doc.currency, doc.language, t);
  footer(w, doc.footer);
  w.cut();
}

export function layoutTest(w: BlockWriter, doc: TestReceipt, timeZone: string): void {
  const t = RECEIPT_TEXTS[doc.language];
  letterhead(w, doc.header);
  w.text(t.testPrint, { align: "center", bold: true, size: 2 });
  w.text(`${t.date}: ${formatDateTime(doc.time, doc.language, timeZone)}`);
  w.text(`${t.till}: ${doc.till}`);
  w.rule();
  w.line(CHARACTER_TEST_LINE);
  for (const line of doc.lines) w.text(line);
  if (doc.qrContent !== undefined) {
    w.feed();
    w.qr(doc.qrContent, 6);
    w.text(doc.qrContent, { align: "center" });
  }
  footer(w, doc.footer);
  w.cut();
}

/** Large QR with the brand and "scan to pay"; the fallback when the customer display is down. */
export function layoutQrSticker(w: BlockWriter, doc: QrSticker): void {
  letterhead(w, doc.header);
  w.text(brandName(doc.brand), { align: "center", bold: true, size: 2 });
  w.text(RECEIPT_TEXTS[doc.language].scanToPay, { align: "center", bold: true });
  w.feed();
  w.qr(doc.qrContent, 8);
  w.feed();
  w.text(doc.locationDescription, { align: "center", bold: true, size: 2 });
  w.text(`${RECEIPT_TEXTS[doc.language].till}: ${doc.till}`, { align: "center" });
  w.cut();
}
