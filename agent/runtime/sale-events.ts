import type { SaleEvent } from "../../lib/mqtt-contract/index.js";
import type { Sale } from "../checkout/sale.js";
import { capturedAmount } from "../checkout/sale.js";
import type { SaleEventsPort } from "./ports.js";
import { vippsAmount } from "../checkout/tenders.js";

/**
 * The completed-sale event for the merchant's back office (docs/mqtt-contract.md §Sale events),
 * or undefined when there is nothing to report. Event ids are derived from the payment
 * reference, so a re-sent event de-duplicates at the consumer. The VAT per line and per rate is
 * the sale's own (checkout/vat.ts), as on its receipts. No personal data.
 */
export function saleEventOf(sale: Sale, at: number): SaleEvent | undefined {
  if (sale.phase.kind === "held") return heldEventOf(sale, sale.phase.attempt.reference, at);
  if (sale.phase.kind !== "final") return undefined;
  const outcome = sale.phase.outcome;
  const reference = outcome.reference;
  if (reference === undefined) return undefined;
  const base = baseOf(sale, reference, at);
  const money = (value: number) => ({ currency: sale.basket.currency, value });
  switch (outcome.state) {
    case "captured": {
      const refund = [...sale.refunds].filter((r) => r.status === "done").sort((a, b) => b.n - a.n)[0];
      if (refund !== undefined) {
        return {
          ...base,
          eventId: `${reference}-refund-${refund.n}`,
          type: "sale.refunded",
          amount: money(refund.amount),
          ...(refund.pspReference === undefined ? {} : { pspReference: refund.pspReference }),
        };
      }
      return {
        ...base,
        eventId: `${reference}-captured`,
        type: "sale.captured",
        amount: money(capturedAmount(sale)),
        ...(outcome.pspReference === undefined ? {} : { pspReference: outcome.pspReference }),
      };
    }
    case "failed":
      return {
        ...base,
        eventId: `${reference}-failed`,
        type: "sale.failed",
        amount: money(vippsAmount(sale)),
        reason: outcome.reason,
      };
    case "cancelled":
      return {
        ...base,
        eventId: `${reference}-cancelled`,
        type: "sale.cancelled",
        amount: money(vippsAmount(sale)),
      };
  }
}

/** What every event of a sale carries: its id, reference, receipt number, lines and VAT. */
function baseOf(sale: Sale, reference: string, at: number) {
  return {
    saleId: sale.saleId,
    reference,
    occurredAt: new Date(at).toISOString(),
    receiptNumber: String(sale.saleNo).padStart(6, "0"),
    ...(sale.member === undefined ? {} : { memberId: sale.member.id }),
    lines: sale.basket.lines.map((l, i) => ({
      id: l.id,
      name: l.name,
      quantity: l.quantity,
      totalAmount: l.total,
      totalTaxAmount: sale.vat.lines[i] ?? 0,
      taxRate: l.vatRate,
    })),
    vat: sale.vat.rates.map((r) => ({
      taxRate: r.rate,
      totalAmount: r.gross,
      totalAmountExcludingTax: r.net,
      totalTaxAmount: r.vat,
    })),
    ...(sale.tenders === undefined ? {} : { tenders: sale.tenders.map((t) => ({ ...t })) }),
  };
}

/** A hold (§7.13): authorized, nothing captured; `amount` is what was authorized. */
function heldEventOf(sale: Sale, reference: string, at: number): SaleEvent {
  const until = sale.hold?.until;
  return {
    ...baseOf(sale, reference, at),
    eventId: `${reference}-held`,
    type: "sale.held",
    amount: { currency: sale.basket.currency, value: sale.hold?.authorizedAmount ?? sale.basket.total },
    ...(until === undefined ? {} : { holdUntil: new Date(until).toISOString() }),
  };
}

/** Writes completed-sale events to the MQTT link's durable outbox. */
export class OutboxSaleEvents implements SaleEventsPort {
  constructor(private readonly publish: (event: SaleEvent) => void) {}

  publishSaleCompleted(sale: Sale, at: number): void {
    const event = saleEventOf(sale, at);
    if (event !== undefined) this.publish(event);
  }
}
