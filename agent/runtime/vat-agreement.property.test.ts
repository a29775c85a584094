import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../config/load.js";
import type { Config } from "../../config/schema.js";
import { FakePrinter } from "../../drivers/printer/index.js";
import { saleEventSchema } from "../../lib/mqtt-contract/index.js";
import { validateRequest } from "../../test/contract/openapi.js";
import { openMemoryTillJournal } from "../../test/helpers/till-journal.js";
import type { BasketLine } from "../checkout/sale.js";
import type { Tender } from "../../drivers/register/index.js";
import { endOfDayDocument, readJournalDay, summarizeDay } from "../report/index.js";
import { receiptDocument } from "./receipt-documents.js";
import { saleEventOf } from "./sale-events.js";

/**
 * One sale's VAT reaches four places: the paper receipt, the receipt in the customer's app (the
 * ePayment order lines), the back office's sale event and the end-of-day report. Over random
 * days of random baskets — every Nordic rate, discounts, member prices, 1-øre lines, large
 * totals — run through the real checkout, journal, printer layout and report, all four must
 * show the same VAT per rate to the minor unit, the order lines must be a receipt Vipps accepts
 * (the official OpenAPI schema, and each line's parts adding up to it), and every figure must be
 * the VAT its gross really contains, checked here without the code under test: within ½ minor
 * unit per rate, under one minor unit per line.
 *
 * Split tender (docs/register-protocol.md §7.14): some sales are part cash, card, gift card or
 * voucher. Their VAT is still the whole basket's everywhere, Vipps MobilePay collects only its
 * part, and every place adds up: order lines = the payment's amount + `paymentSources`, the
 * paper's payment rows = its total, the event's `amount` + `tenders` = its lines, and the day's
 * VAT gross = the Vipps MobilePay money captured + the other tenders declared.
 */

/** Norway 25/15/12/0, Denmark 25, Finland 25.5/14/0 and the old 24. */
const RATES = [0, 1_200, 1_400, 1_500, 2_400, 2_500, 2_550];
const START = Date.UTC(2026, 2, 2, 9);
const DAY = { date: "2026-03-02", from: START - 3_600_000, to: START + 86_400_000 };

type Figures = Map<number, { gross: number; net: number; vat: number }>;
const NONE: Figures = new Map();

const CONFIG: Config = (() => {
  const { config, problems } = parseConfigText(`
vipps: { clientId: abc, msn: "123456", currency: NOK, webhookUrl: https://bridge.example.com/hook }
till: { id: kasse1, locationDescription: Kasse 1 }
mqtt: { url: "mqtt://127.0.0.1:1883" }
display: { language: en }
printer: { columns: 48, header: [Kaffebaren] }
`);
  if (config === undefined) throw new Error(problems.join("\n"));
  return config;
})();

type Priced = Pick<BasketLine, "quantity" | "unitPrice" | "total"> &
  Partial<Pick<BasketLine, "discount" | "unit">>;

const pieces: fc.Arbitrary<Priced> = fc
  .record({
    quantity: fc.integer({ min: 1, max: 5 }),
    unitPrice: fc.integer({ min: 1, max: 100_000 }),
    off: fc.nat(100),
  })
  .map(({ quantity, unitPrice, off }) => {
    const discount = Math.floor((quantity * unitPrice * off) / 100);
    return {
      quantity: String(quantity),
      unitPrice,
      total: quantity * unitPrice - discount,
      ...(discount > 0 ? { discount } : {}),
    };
  });
const oneOre: fc.Arbitrary<Priced> = fc
  .integer({ min: 1, max: 9 })
  .map((total) => ({ quantity: "1", unitPrice: total, total }));
const weighed: fc.Arbitrary<Priced> = fc
  .record({ grams: fc.integer({ min: 1, max: 5_000 }), perKg: fc.integer({ min: 100, max: 90_000 }) })
  .map(({ grams, perKg }) => ({
    quantity: (grams / 1000).toFixed(3),
    unit: "KG",
    unitPrice: perKg,
    total: Math.round((grams * perKg) / 1000),
  }));
const large: fc.Arbitrary<Priced> = fc
  .integer({ min: 1_000_000, max: 30_000_000 })
  .map((total) => ({ quantity: "1", unitPrice: total, total }));

const lineArb = fc.record({
  rate: fc.constantFrom(...RATES),
  priced: fc.oneof(
    { weight: 4, arbitrary: pieces },
    { weight: 3, arbitrary: oneOre },
    { weight: 2, arbitrary: weighed },
    { weight: 1, arbitrary: large },
  ),
});

interface BasketPlan {
  readonly lines: BasketLine[];
  /** Member prices: the register replaces the basket with these before pay. */
  readonly member?: BasketLine[];
  /** Split tender: what the register took of the (final) basket besides Vipps MobilePay. */
  readonly tenders?: Tender[];
}

const KINDS = ["cash", "card", "giftCard", "voucher"] as const;
/** Vipps MobilePay's smallest NOK payment: a split must leave at least this. */
const MINIMUM = 100;

/**
 * The other tenders of a basket of `total`: `vippsShare` % of what is above the minimum stays
 * for Vipps MobilePay, the rest is shared by weight over the kinds, each at least 1 øre.
 */
function splitOf(
  total: number,
  vippsShare: number,
  parts: readonly { kind: Tender["kind"]; weight: number }[],
): Tender[] | undefined {
  const others = Math.floor(((total - MINIMUM) * (100 - vippsShare)) / 100);
  if (others < parts.length) return undefined;
  const weights = parts.reduce((sum, p) => sum + p.weight, 0);
  const tenders = parts.map((p) => ({
    kind: p.kind,
    amount: 1 + Math.floor(((others - parts.length) * p.weight) / weights),
  }));
  const last = tenders.at(-1);
  if (last !== undefined) last.amount += others - tenders.reduce((sum, t) => sum + t.amount, 0);
  return tenders;
}

const total = (lines: readonly BasketLine[]): number => lines.reduce((sum, l) => sum + l.total, 0);
const payable = (lines: readonly BasketLine[]): boolean => total(lines) >= 100 && total(lines) <= 65_000_000;

const basketArb: fc.Arbitrary<BasketPlan> = fc
  .record({
    lines: fc.array(lineArb, { minLength: 1, maxLength: 40 }),
    memberOff: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
    split: fc.option(
      fc.record({
        vippsShare: fc.integer({ min: 0, max: 99 }),
        parts: fc.array(
          fc.record({ kind: fc.constantFrom(...KINDS), weight: fc.integer({ min: 1, max: 9 }) }),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
      }),
      { nil: undefined },
    ),
  })
  .map(({ lines, memberOff, split }) => {
    const basket: BasketLine[] = lines.map(({ rate, priced }, i) => ({
      id: `sku-${i}`,
      name: `Vare ${i}`,
      vatRate: rate,
      ...priced,
    }));
    const member =
      memberOff === undefined
        ? undefined
        : basket.map((l) => {
            const off = Math.floor((l.total * memberOff) / 100);
            return { ...l, total: l.total - off, discount: (l.discount ?? 0) + off };
          });
    const tenders =
      split === undefined ? undefined : splitOf(total(member ?? basket), split.vippsShare, split.parts);
    return {
      lines: basket,
      ...(member === undefined ? {} : { member }),
      ...(tenders === undefined ? {} : { tenders }),
    };
  })
  .filter((plan) => payable(plan.lines) && (plan.member === undefined || payable(plan.member)));

function add(figures: Figures, rate: number, gross: number, net: number, vat: number): void {
  const f = figures.get(rate) ?? { gross: 0, net: 0, vat: 0 };
  figures.set(rate, { gross: f.gross + gross, net: f.net + net, vat: f.vat + vat });
}

const sorted = (figures: Figures) => [...figures.entries()].sort(([a], [b]) => b - a);

/** The VAT table as printed: "VAT rate / Net / VAT / Gross" rows, amounts as `1,234.50`. */
function printedVat(text: string): Figures {
  const lines = text.split("\n");
  const head = lines.findIndex((l) => /^VAT rate +Net +VAT +Gross$/.test(l));
  expect(head, text).toBeGreaterThanOrEqual(0);
  const minor = (s: string): number => Number(s.replaceAll(",", "").replace(".", ""));
  const figures: Figures = new Map();
  for (const line of lines.slice(head + 1)) {
    const m = /^(\d+)(?:\.(\d+))? % +([\d,]+\.\d\d) +([\d,]+\.\d\d) +([\d,]+\.\d\d)$/.exec(line);
    if (m === null) break;
    const rate = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
    add(figures, rate, minor(m[5] ?? ""), minor(m[3] ?? ""), minor(m[4] ?? ""));
  }
  return figures;
}

/**
 * The payment rows of a printed receipt — "Paid with Vipps …" and, for a split sale, a row per
 * other tender (English labels) — added up, in minor units.
 */
function printedPayments(text: string): number {
  const minor = (s: string): number => Number(s.replaceAll(",", "").replace(".", ""));
  let sum = 0;
  for (const line of text.split("\n")) {
    const m = /^(?:Paid with \S+|Cash|Card|Gift card|Voucher) +(?:NOK )?([\d,]+\.\d\d)(?: NOK)?$/.exec(
      line.trim(),
    );
    if (m !== null) sum += minor(m[1] ?? "");
  }
  return sum;
}

/** The Vipps receipt rules an order line and a receipt must keep, and the VAT its gross really contains. */
function checkOrderLines(
  body: {
    amount: { currency: string; value: number };
    receipt?: {
      orderLines: readonly {
        totalAmount: number;
        totalAmountExcludingTax: number;
        totalTaxAmount: number;
        taxRate: number;
      }[];
      bottomLine: { currency: string; paymentSources?: Partial<Record<Tender["kind"], number>> };
    };
  },
  tenders: readonly Tender[] | undefined,
): Figures {
  const figures: Figures = new Map();
  // Every sale here is paid at once, so its create carries the receipt (a hold's comes later).
  const receipt = body.receipt;
  if (receipt === undefined) throw new Error("a sale's create has no receipt");
  for (const line of receipt.orderLines) {
    expect(line.totalAmountExcludingTax + line.totalTaxAmount).toBe(line.totalAmount);
    expect(line.totalTaxAmount).toBeGreaterThanOrEqual(0);
    expect(line.totalAmountExcludingTax).toBeGreaterThanOrEqual(0);
    // The line's VAT is its exact share rounded down or up: |tax − total·r/(1+r)| < 1.
    const d = 10_000 + line.taxRate;
    expect(Math.abs(line.totalTaxAmount * d - line.totalAmount * line.taxRate)).toBeLessThan(d);
    add(figures, line.taxRate, line.totalAmount, line.totalAmountExcludingTax, line.totalTaxAmount);
  }
  // The receipt is the whole basket: the payment's amount plus the parts paid otherwise.
  const sources = receipt.bottomLine.paymentSources ?? {};
  const declared: Partial<Record<Tender["kind"], number>> = {};
  for (const t of tenders ?? []) declared[t.kind] = (declared[t.kind] ?? 0) + t.amount;
  expect(sources).toEqual(declared);
  const otherwise = Object.values(sources).reduce((sum, v) => sum + v, 0);
  expect(receipt.orderLines.reduce((sum, l) => sum + l.totalAmount, 0)).toBe(body.amount.value + otherwise);
  expect(receipt.bottomLine.currency).toBe(body.amount.currency);
  // Per rate, half up: |vat − gross·r/(1+r)| ≤ ½ (a tie may round either way only at exactly ½).
  for (const [rate, f] of figures) {
    const d = 10_000 + rate;
    expect(2 * Math.abs(f.vat * d - f.gross * rate)).toBeLessThanOrEqual(d);
  }
  return figures;
}

describe("a sale's VAT is the same on paper, in the app, in the sale event and in the end-of-day report", () => {
  it("for random days of random baskets", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(basketArb, { minLength: 1, maxLength: 4 }), async (plans) => {
        const till = openMemoryTillJournal(START);
        const printer = new FakePrinter({ columns: 48, timeZone: "Europe/Oslo" });
        try {
          for (const [i, plan] of plans.entries()) {
            if (plan.member === undefined) await till.captured(`S${i}`, plan.lines, plan.tenders);
            else {
              till.opened(`S${i}`, plan.lines);
              await till.captured(`S${i}`, plan.member, plan.tenders);
            }
          }

          const app = new Map<string, Figures>();
          for (const call of till.payments.calls) {
            if (call.op !== "create" || call.body === undefined) continue;
            expect(
              validateRequest("epayment", "POST", "/epayment/v1/payments", {
                headers: {
                  Authorization: "Bearer t",
                  "Ocp-Apim-Subscription-Key": "k",
                  "Merchant-Serial-Number": "123456",
                  "Idempotency-Key": call.key,
                  "Content-Type": "application/json",
                },
                body: call.body,
              }),
            ).toEqual([]);
            const saleId = call.body.metadata.saleId ?? "";
            app.set(saleId, checkOrderLines(call.body, plans[Number(saleId.slice(1))]?.tenders));
          }

          const paper = new Map<string, Figures>();
          const day: Figures = new Map();
          for (const job of till.receipts.jobs) {
            const doc = receiptDocument(job, CONFIG, till.clock.now());
            if (doc === undefined) continue;
            await printer.print(doc);
            const text = printer.printed.at(-1)?.text ?? "";
            const printed = printedVat(text);
            expect(printedPayments(text)).toEqual(job.sale.basket.total);
            paper.set(job.sale.saleId, printed);
            for (const [rate, f] of printed) add(day, rate, f.gross, f.net, f.vat);
          }

          const event = new Map<string, Figures>();
          for (const { sale, at } of till.saleEvents.events) {
            const e = saleEventSchema.parse(saleEventOf(sale, at));
            const fromRates: Figures = new Map();
            for (const r of e.vat ?? [])
              add(fromRates, r.taxRate, r.totalAmount, r.totalAmountExcludingTax, r.totalTaxAmount);
            const fromLines: Figures = new Map();
            for (const l of e.lines ?? []) {
              const tax = l.totalTaxAmount ?? -1;
              add(fromLines, l.taxRate, l.totalAmount, l.totalAmount - tax, tax);
            }
            expect(sorted(fromLines)).toEqual(sorted(fromRates));
            // What Vipps MobilePay captured and what the register took make up the basket.
            const plan = plans[Number(e.saleId.slice(1))];
            expect(e.tenders).toEqual(plan?.tenders);
            const lineTotal = (e.lines ?? []).reduce((sum, l) => sum + l.totalAmount, 0);
            expect(e.amount.value + (e.tenders ?? []).reduce((sum, t) => sum + t.amount, 0)).toBe(lineTotal);
            event.set(e.saleId, fromRates);
          }

          expect([...paper.keys()].sort()).toEqual(plans.map((_, i) => `S${i}`).sort());
          for (const [saleId, figures] of paper) {
            expect({ saleId, app: sorted(app.get(saleId) ?? NONE) }).toEqual({
              saleId,
              app: sorted(figures),
            });
            expect({ saleId, event: sorted(event.get(saleId) ?? NONE) }).toEqual({
              saleId,
              event: sorted(figures),
            });
          }

          const summary = summarizeDay(DAY, readJournalDay(till.db, DAY.from, DAY.to), {
            id: "kasse1",
            currency: "NOK",
          });
          const report: Figures = new Map(
            summary.vat.map((v) => [v.rate, { gross: v.gross, net: v.net, vat: v.vat }]),
          );
          expect(sorted(report)).toEqual(sorted(day));
          // The day's VAT is of whole baskets: Vipps MobilePay's money plus the tenders declared.
          const declared = Object.values(summary.otherTenders).reduce((sum, v) => sum + v, 0);
          const planned = plans.flatMap((p) => p.tenders ?? []).reduce((sum, t) => sum + t.amount, 0);
          expect(declared).toBe(planned);
          expect(summary.sales.captured.total + declared).toBe(
            summary.vat.reduce((sum, v) => sum + v.gross, 0),
          );
          await printer.print(endOfDayDocument(summary, CONFIG, till.clock.now()));
          expect(sorted(printedVat(printer.printed.at(-1)?.text ?? ""))).toEqual(sorted(day));
        } finally {
          await till.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
