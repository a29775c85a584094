import type { Effect, Input, Transition } from "../io.js";
import { step } from "../machine.js";
import type { Basket, BasketLine, CreatePaymentBody, Sale } from "../sale.js";
import type { CheckoutSettings } from "../settings.js";
import { EMPTY_TILL, type TillState } from "../till.js";

/** Test fixtures for the pure checkout: a till, a clock, and a runner that records effects. */

export const SETTINGS: CheckoutSettings = {
  tillId: "kasse1",
  locationDescription: "Kasse 1",
  msn: "123456",
  currency: "NOK",
  webhookGraceMs: 5_000,
  pollIntervalMs: 2_000,
  checkinMaxAgeMs: 900_000,
  cancelRace: "release",
  paymentDescription: "{location} {saleId}",
  retryDelayMs: 10_000,
  loyalty: "off",
  memberBasketWindowMs: 15_000,
  scanReminderMs: 60_000,
  scanTimeoutMs: 300_000,
  holdWarnMs: 48 * 3_600_000,
  holdDeadlineAction: "release",
};

export const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

export function line(over: Partial<BasketLine> = {}): BasketLine {
  return {
    id: "sku-1",
    name: "Kaffe",
    quantity: "2",
    unitPrice: 2450,
    total: 4900,
    vatRate: 2500,
    unit: "PCS",
    ...over,
  };
}

export function basket(saleId = "S1", lines: BasketLine[] = [line()]): Basket {
  return { saleId, currency: "NOK", lines, total: lines.reduce((s, l) => s + l.total, 0) };
}

export class TillHarness {
  till: TillState = EMPTY_TILL;
  now = T0;
  readonly log: Transition[] = [];

  constructor(readonly settings: CheckoutSettings = SETTINGS) {}

  send(input: Input): Transition {
    const t = step(this.till, input, this.now, this.settings);
    this.till = t.till;
    this.log.push(t);
    return t;
  }

  advance(ms: number): this {
    this.now += ms;
    return this;
  }

  sale(saleId = "S1"): Sale {
    const sale = this.till.sales[saleId];
    if (sale === undefined) throw new Error(`no sale ${saleId}`);
    return sale;
  }

  reference(saleId = "S1"): string {
    const phase = this.sale(saleId).phase;
    if ("attempt" in phase) return phase.attempt.reference;
    if (phase.kind === "final" && phase.outcome.reference !== undefined) return phase.outcome.reference;
    throw new Error(`sale ${saleId} has no reference in phase ${phase.kind}`);
  }

  /** basket → pay → (a second later) scan, returning the create transition. */
  startPayment(saleId = "S1", token = "tok-1"): Transition {
    this.send({ type: "basket", basket: basket(saleId) });
    this.send({ type: "pay", saleId, total: 4900 });
    this.advance(1_000);
    return this.send({ type: "checkin", checkIn: { customerToken: token, initiatedAt: this.now - 500 } });
  }

  /** … → created at Vipps. */
  requested(saleId = "S1"): Transition {
    this.startPayment(saleId);
    return this.send({
      type: "create_result",
      saleId,
      reference: this.reference(saleId),
      result: { ok: true, value: {} },
    });
  }

  /** … → authorized by webhook → capture in flight. */
  capturing(saleId = "S1"): Transition {
    this.requested(saleId);
    return this.send(authorized(this.reference(saleId)));
  }

  /** … → captured. */
  captured(saleId = "S1"): Transition {
    this.capturing(saleId);
    return this.send({
      type: "capture_result",
      saleId,
      reference: this.reference(saleId),
      result: { ok: true, value: { capturedAmount: 4900, pspReference: "psp-cap" } },
    });
  }
}

export function authorized(reference: string, value = 4900): Input & { type: "payment_event" } {
  return {
    type: "payment_event",
    event: {
      reference,
      name: "AUTHORIZED",
      pspReference: "psp-auth",
      amount: { currency: "NOK", value },
      success: true,
    },
  };
}

export function effectsOf<T extends Effect["type"]>(t: Transition, type: T): Extract<Effect, { type: T }>[] {
  return t.effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);
}

export function onlyEffect<T extends Effect["type"]>(t: Transition, type: T): Extract<Effect, { type: T }> {
  const found = effectsOf(t, type);
  if (found.length !== 1)
    throw new Error(`expected one ${type} effect, got ${found.length}: ${JSON.stringify(t.effects)}`);
  return found[0] as Extract<Effect, { type: T }>;
}

/** The customer token a create request was pushed to (fails the test when it names none). */
export function tokenOf(body: CreatePaymentBody): string {
  const customer = body.customer;
  if (customer === undefined || !("customerToken" in customer))
    throw new Error(`expected a create with a customer token, got ${JSON.stringify(customer)}`);
  return customer.customerToken;
}

export const REFUSED = (code: string, status = 400) => ({
  ok: false as const,
  failure: "refused" as const,
  status,
  code,
});
export const UNAVAILABLE = { ok: false as const, failure: "unavailable" as const };
export const OK = <T>(value: T) => ({ ok: true as const, value });
