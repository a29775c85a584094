import { isCurrency, isMinorUnits } from "../../lib/money.js";
import { isBrand, isLanguage } from "../../lib/locale/index.js";
import type { PaymentInfo, PrintDocument, ReceiptLine, VatBreakdown } from "./document.js";
import { printerError } from "./errors.js";

const MAX_LINES = 200;
const MAX_HEADER_LINES = 10;
const MAX_TEXT = 200;
/** QR byte capacity at error correction M (version 40). */
const MAX_QR_BYTES = 2331;
const QUANTITY = /^\d{1,9}(\.\d{1,6})?$/;

/**
 * Throws `PRINTER_BAD_DOCUMENT` (naming the field) unless the document is complete and its
 * money adds up: amounts are non-negative safe integers, line totals sum to the total, VAT rates
 * are 0–10000 basis points, every VAT row has `gross = net + vat` with `0 ≤ vat ≤ gross`, and a
 * receipt's VAT rows are exactly its lines' rates with each rate's gross the sum of its lines.
 * Whether the VAT itself is right is the checkout's business (it computed it); the driver only
 * refuses figures that cannot be true together. A refused document is never queued or printed.
 */
export function validateDocument(doc: PrintDocument): void {
  const bad = (field: string, problem: string): never => {
    throw printerError("PRINTER_BAD_DOCUMENT", `${field}: ${problem}`, {
      details: { kind: doc.kind, field },
    });
  };
  const text = (value: unknown, field: string, { required = true, max = MAX_TEXT } = {}): void => {
    if (value === undefined && !required) return;
    if (typeof value !== "string" || (required && value.trim() === "") || value.length > max) {
      bad(field, `expected ${required ? "a non-empty" : "a"} string of at most ${max} characters`);
    }
  };
  const money = (value: unknown, field: string): void => {
    if (!isMinorUnits(value)) bad(field, "expected a non-negative safe integer (minor units)");
  };
  const count = (value: unknown, field: string): void => {
    if (!Number.isSafeInteger(value) || (value as number) < 0) bad(field, "expected a non-negative integer");
  };
  const time = (value: unknown, field: string): void => {
    if (!Number.isSafeInteger(value) || (value as number) < 0) bad(field, "expected epoch milliseconds");
  };
  const lines = (value: unknown, field: string, { min = 0, max = MAX_TEXT } = {}): void => {
    if (!Array.isArray(value) || value.length < min || value.length > MAX_LINES)
      bad(field, `expected ${min}–${MAX_LINES} lines`);
    (value as unknown[]).forEach((line, i) => text(line, `${field}[${i}]`, { required: false, max }));
  };
  const qr = (value: unknown, field: string): void => {
    text(value, field, { max: MAX_QR_BYTES });
    if (Buffer.byteLength(value as string, "utf8") > MAX_QR_BYTES)
      bad(field, `at most ${MAX_QR_BYTES} bytes fit in a QR code at level M`);
  };
  const basket = (items: unknown, total: number, field: string): void => {
    if (!Array.isArray(items) || items.length > MAX_LINES) bad(field, `expected at most ${MAX_LINES} lines`);
    let sum = 0;
    (items as ReceiptLine[]).forEach((line, i) => {
      const at = `${field}[${i}]`;
      if (typeof line !== "object" || line === null) bad(at, "expected a line object");
      text(line.name, `${at}.name`);
      if (typeof line.quantity !== "string" || !QUANTITY.test(line.quantity))
        bad(`${at}.quantity`, 'expected a decimal string such as "2" or "0.455"');
      text(line.unit, `${at}.unit`, { required: false, max: 8 });
      money(line.unitPrice, `${at}.unitPrice`);
      if (line.discount !== undefined) money(line.discount, `${at}.discount`);
      money(line.total, `${at}.total`);
      if (!Number.isInteger(line.vatRate) || line.vatRate < 0 || line.vatRate > 10_000)
        bad(`${at}.vatRate`, "expected basis points 0–10000");
      sum += line.total;
    });
    if (sum !== total) bad(field, `line totals add up to ${sum}, not ${total}`);
  };
  const payment = (value: PaymentInfo | undefined): void => {
    if (typeof value !== "object" || value === null) return bad("payment", "expected the payment");
    if (!isBrand(value.brand)) bad("payment.brand", "expected vipps or mobilepay");
    text(value.reference, "payment.reference", { max: 64 });
    text(value.pspReference, "payment.pspReference", { required: false, max: 64 });
  };
  const vat = (items: unknown): void => {
    if (!Array.isArray(items) || items.length > 20) bad("vat", "expected at most 20 VAT rates");
    const seen = new Set<number>();
    (items as VatBreakdown[]).forEach((v, i) => {
      if (typeof v !== "object" || v === null) bad(`vat[${i}]`, "expected a VAT row");
      if (!Number.isInteger(v.rate) || v.rate < 0 || v.rate > 10_000)
        bad(`vat[${i}].rate`, "expected basis points 0–10000");
      if (seen.has(v.rate)) bad(`vat[${i}].rate`, "each rate once");
      seen.add(v.rate);
      if (!isMinorUnits(v.gross) || !isMinorUnits(v.vat) || !isMinorUnits(v.net) || v.net + v.vat !== v.gross)
        bad(`vat[${i}]`, "expected non-negative integers with gross = net + vat");
    });
  };
  /** The VAT rows of a receipt cover exactly its lines: one row per rate, gross = that rate's line totals. */
  const vatOfLines = (items: unknown, basketLines: readonly ReceiptLine[]): void => {
    vat(items);
    const gross = new Map<number, number>();
    for (const line of basketLines) gross.set(line.vatRate, (gross.get(line.vatRate) ?? 0) + line.total);
    const rows = items as VatBreakdown[];
    if (rows.length !== gross.size) bad("vat", `expected one row for each of the lines' ${gross.size} rates`);
    rows.forEach((v, i) => {
      if (gross.get(v.rate) !== v.gross)
        bad(`vat[${i}].gross`, `expected ${gross.get(v.rate) ?? 0}, the total of the lines at this rate`);
    });
  };

  /** Split tender: known kinds, amounts ≥ 1, and (on a receipt) less than the total together. */
  const otherTenders = (value: unknown, field: string, below?: number): void => {
    if (value === undefined) return;
    if (!Array.isArray(value) || value.length === 0 || value.length > 10)
      return bad(field, "expected 1–10 tenders");
    let sum = 0;
    value.forEach((o: { kind?: unknown; amount?: unknown }, i) => {
      if (!["cash", "card", "giftCard", "voucher"].includes(String(o?.kind)))
        bad(`${field}[${i}].kind`, "expected cash, card, giftCard or voucher");
      money(o?.amount, `${field}[${i}].amount`);
      if (o?.amount === 0) bad(`${field}[${i}].amount`, "expected at least 1");
      sum += typeof o?.amount === "number" ? o.amount : 0;
    });
    if (below !== undefined && sum >= below)
      bad(field, `the other tenders (${sum}) leave nothing for the payment of ${below}`);
  };
  if (typeof doc !== "object" || doc === null) return bad("document", "expected an object");
  if (!isLanguage(doc.language)) bad("language", "expected nb, da, fi or en");
  if (!Array.isArray(doc.header) || doc.header.length > MAX_HEADER_LINES)
    bad("header", `expected at most ${MAX_HEADER_LINES} lines`);
  lines(doc.header, "header", { max: 64 });
  text(doc.till, "till", { max: 64 });
  switch (doc.kind) {
    case "sale":
      if (!isCurrency(doc.currency)) bad("currency", "expected NOK, DKK or EUR");
      time(doc.time, "time");
      text(doc.receiptNumber, "receiptNumber", { max: 32 });
      money(doc.total, "total");
      basket(doc.lines, doc.total, "lines");
      vatOfLines(doc.vat, doc.lines);
      payment(doc.payment);
      otherTenders(doc.tenders, "tenders", doc.total);
      if (doc.member !== undefined) {
        text(doc.member.name, "member.name", { required: false, max: 64 });
        text(doc.member.memberId, "member.memberId", { required: false, max: 64 });
        text(doc.member.tier, "member.tier", { required: false, max: 32 });
      }
      break;
    case "refund":
      if (!isCurrency(doc.currency)) bad("currency", "expected NOK, DKK or EUR");
      time(doc.time, "time");
      text(doc.receiptNumber, "receiptNumber", { max: 32 });
      text(doc.refundId, "refundId", { max: 64 });
      text(doc.originalReceiptNumber, "originalReceiptNumber", { required: false, max: 32 });
      if (doc.purchasedElsewhere !== undefined && typeof doc.purchasedElsewhere !== "boolean")
        bad("purchasedElsewhere", "expected true or false");
      if (
        doc.purchasedElsewhere === true &&
        (doc.originalReceiptNumber !== undefined || doc.lines !== undefined)
      )
        bad("purchasedElsewhere", "a purchase made elsewhere has no receipt number or lines here");
      money(doc.amount, "amount");
      if (doc.lines !== undefined) {
        basket(doc.lines, doc.amount, "lines");
        vatOfLines(doc.vat, doc.lines);
      } else if (doc.vat !== undefined) bad("vat", "VAT rows need the refunded lines");
      payment(doc.payment);
      break;
    case "end_of_day":
      if (!isCurrency(doc.currency)) bad("currency", "expected NOK, DKK or EUR");
      time(doc.time, "time");
      time(doc.from, "from");
      time(doc.to, "to");
      if (doc.from > doc.to) bad("from", "must not be after to");
      count(doc.sales?.count, "sales.count");
      money(doc.sales?.total, "sales.total");
      count(doc.refunds?.count, "refunds.count");
      money(doc.refunds?.total, "refunds.total");
      if (doc.unpaidCount !== undefined) count(doc.unpaidCount, "unpaidCount");
      vat(doc.vat);
      otherTenders(doc.otherTenders, "otherTenders");
      break;
    case "test":
      time(doc.time, "time");
      lines(doc.lines, "lines");
      if (doc.qrContent !== undefined) qr(doc.qrContent, "qrContent");
      break;
    case "qr_sticker":
      if (!isBrand(doc.brand)) bad("brand", "expected vipps or mobilepay");
      qr(doc.qrContent, "qrContent");
      text(doc.locationDescription, "locationDescription", { max: 36 });
      break;
    default:
      return bad("kind", `unknown document kind ${JSON.stringify((doc as { kind?: unknown }).kind)}`);
  }
  if ("footer" in doc && doc.footer !== undefined) lines(doc.footer, "footer", { max: 64 });
}
