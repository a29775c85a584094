import { ageAt } from "./age-limit.js";
import { randomUuid, systemRandomBytes, type RandomBytes } from "../../../lib/random-bytes.js";
import type { Clock, TimerHandle } from "../../../lib/clock.js";
import type { Logger } from "../../../lib/log.js";
import type { CustomerDirectory } from "../customers/customer-directory.js";
import type { SalesUnit } from "../options.js";
import { epaymentWebhookEvent } from "../webhooks/events.js";
import type { WebhookDispatcher } from "../webhooks/dispatcher.js";
import { refusal, type Refusal } from "./error-codes.js";
import * as machine from "./payment.js";
import type { Payment, Transition } from "./payment.js";
import type { CreateRequest } from "./validate-create.js";

export type Lookup =
  { readonly ok: true; readonly payment: Payment } | { readonly ok: false; readonly refusal: Refusal };

/**
 * The payments of every sales unit, with what happens around them on their own: the lifetime
 * timer (CREATED → EXPIRED), the simulated customer's automatic answer, and a webhook for every
 * event (docs/vipps-api.md §6.6). Routes and the control API both act through here.
 */
export class PaymentService {
  private readonly payments = new Map<string, Payment>();
  private readonly timers = new Map<string, TimerHandle[]>();
  private readonly bytes: RandomBytes;

  constructor(
    private readonly deps: {
      readonly clock: Clock;
      readonly customers: CustomerDirectory;
      readonly dispatcher: WebhookDispatcher;
      readonly expiryMs: number;
      readonly logger: Logger;
      /** Source of pspReferences and redirect tokens; default the system's (the simulation seeds it). */
      readonly randomBytes?: RandomBytes;
    },
  ) {
    this.bytes = deps.randomBytes ?? systemRandomBytes;
  }

  private static key(msn: string, reference: string): string {
    return `${msn}\n${reference}`;
  }

  find(msn: string, reference: string): Lookup {
    const payment = this.payments.get(PaymentService.key(msn, reference));
    return payment === undefined
      ? { ok: false, refusal: refusal("5090", "No payment with this reference for this sales unit.") }
      : { ok: true, payment };
  }

  list(): Payment[] {
    return [...this.payments.values()];
  }

  create(unit: SalesUnit, request: CreateRequest, idempotencyKey: string): Lookup {
    const now = this.deps.clock.now();
    const key = PaymentService.key(unit.msn, request.reference);
    if (this.payments.has(key))
      return {
        ok: false,
        refusal: refusal("4150", "A payment with this reference already exists; use a new reference."),
      };
    const pspReference = randomUuid(this.bytes);
    const base: Payment = {
      msn: unit.msn,
      reference: request.reference,
      pspReference,
      amount: request.amount,
      state: "CREATED",
      authorized: 0,
      captured: 0,
      refunded: 0,
      cancelled: 0,
      events: [],
      userFlow: request.userFlow,
      createdAt: now,
      expiresAt: now + this.deps.expiryMs,
      ...(request.customerMsisdn === undefined ? {} : { customerMsisdn: request.customerMsisdn }),
      ...(request.userFlow === "PUSH_MESSAGE" ? {} : { redirectToken: this.bytes(24).toString("base64url") }),
      ...(request.qrFormat === undefined ? {} : { qrFormat: request.qrFormat }),
      ...(request.metadata === undefined ? {} : { metadata: request.metadata }),
      ...(request.profileScope === undefined ? {} : { profileScope: request.profileScope }),
      ...(request.minimumUserAge === undefined ? {} : { minimumUserAge: request.minimumUserAge }),
    };
    const created: machine.PaymentEvent = {
      reference: base.reference,
      pspReference,
      name: "CREATED",
      amount: base.amount,
      timestamp: new Date(now).toISOString(),
      idempotencyKey,
      success: true,
    };
    const payment = { ...base, events: [created] };
    this.payments.set(key, payment);
    this.emit(payment, created);
    this.schedule(payment);
    return { ok: true, payment };
  }

  private schedule(p: Payment): void {
    const { clock } = this.deps;
    const handles = [
      clock.setTimeout(
        () => this.system(p.msn, p.reference, (x, op) => machine.expire(x, op)),
        this.deps.expiryMs,
      ),
    ];
    this.timers.set(PaymentService.key(p.msn, p.reference), handles);
    if (p.customerMsisdn !== undefined) this.scheduleCustomer(p, p.customerMsisdn);
  }

  /** The customer's configured automatic answer, once the payment is on their phone. */
  private scheduleCustomer(p: Payment, msisdn: string): void {
    // A customer below the age limit sees why in the app and cannot approve: it runs into expiry.
    if (this.tooYoung(p, msisdn)) return;
    const behaviour = this.deps.customers.paymentBehaviour(msisdn);
    if (behaviour.action === "ignore") return;
    const act =
      behaviour.action === "approve"
        ? (x: Payment, op: machine.Operation) => this.authorizeAs(x, op, msisdn)
        : machine.abort;
    const handle = this.deps.clock.setTimeout(
      () => this.system(p.msn, p.reference, act),
      behaviour.afterMs ?? 0,
    );
    this.timers.get(PaymentService.key(p.msn, p.reference))?.push(handle);
  }

  /** The payment a per-sale QR's text (its `redirectUrl`) names, if any. */
  findByRedirectToken(token: string): Payment | undefined {
    return [...this.payments.values()].find((p) => p.redirectToken === token && p.userFlow === "QR");
  }

  /**
   * A customer's app scanned a per-sale QR: the payment opens on their phone and their configured
   * behaviour answers it. Returns why not (as the app would say it) once the payment is no longer
   * CREATED or another customer already scanned it.
   */
  openOnPhone(p: Payment, msisdn: string): Payment | { readonly problem: string } {
    const found = this.find(p.msn, p.reference);
    if (!found.ok) return { problem: found.refusal.detail };
    const current = found.payment;
    if (current.state !== "CREATED")
      return { problem: `the payment is ${current.state}; it can no longer be paid` };
    if (current.customerMsisdn !== undefined && current.customerMsisdn !== msisdn)
      return { problem: "another customer has already opened this payment" };
    const opened = { ...current, customerMsisdn: msisdn };
    this.payments.set(PaymentService.key(p.msn, p.reference), opened);
    if (current.customerMsisdn === undefined) this.scheduleCustomer(opened, msisdn);
    return opened;
  }

  private authorizeAs(p: Payment, op: machine.Operation, msisdn = p.customerMsisdn): Transition {
    const sub =
      p.profileScope !== undefined && msisdn !== undefined
        ? this.deps.customers.sub(p.msn, msisdn)
        : undefined;
    return machine.authorize(
      msisdn === undefined || p.customerMsisdn !== undefined ? p : { ...p, customerMsisdn: msisdn },
      op,
      sub,
    );
  }

  /** A transition nobody asked for over the API (customer, expiry): no idempotency key. */
  private system(
    msn: string,
    reference: string,
    act: (p: Payment, op: machine.Operation) => Transition,
  ): void {
    const found = this.find(msn, reference);
    if (!found.ok || found.payment.state !== "CREATED") return;
    this.commit(act(found.payment, this.op(null)));
  }

  private op(idempotencyKey: string | null): machine.Operation {
    return { now: this.deps.clock.now(), pspReference: randomUuid(this.bytes), idempotencyKey };
  }

  private commit(t: Transition): Transition {
    if (!t.ok) return t;
    this.payments.set(PaymentService.key(t.payment.msn, t.payment.reference), t.payment);
    if (t.payment.state !== "CREATED") this.stopTimers(t.payment);
    this.emit(t.payment, t.event);
    return t;
  }

  private stopTimers(p: Payment): void {
    const key = PaymentService.key(p.msn, p.reference);
    for (const handle of this.timers.get(key) ?? []) this.deps.clock.clearTimeout(handle);
    this.timers.delete(key);
  }

  private emit(p: Payment, e: machine.PaymentEvent): void {
    this.deps.dispatcher.publish(p.msn, epaymentWebhookEvent(e.name), { msn: p.msn, ...e });
  }

  private act(msn: string, reference: string, f: (p: Payment) => Transition): Transition {
    const found = this.find(msn, reference);
    return found.ok ? this.commit(f(found.payment)) : found;
  }

  capture(msn: string, reference: string, value: number, idempotencyKey: string): Transition {
    return this.act(msn, reference, (p) => machine.capture(p, value, this.op(idempotencyKey)));
  }

  refund(msn: string, reference: string, value: number, idempotencyKey: string): Transition {
    return this.act(msn, reference, (p) => machine.refund(p, value, this.op(idempotencyKey)));
  }

  cancel(msn: string, reference: string, cancelTransactionOnly: boolean, idempotencyKey: string): Transition {
    return this.act(msn, reference, (p) => machine.cancel(p, cancelTransactionOnly, this.op(idempotencyKey)));
  }

  /** The customer (`msisdn`, when the payment had none) approves in the app or via the test endpoint. */
  approve(msn: string, reference: string, msisdn?: string): Transition {
    return this.act(msn, reference, (p) => {
      const who = msisdn ?? p.customerMsisdn;
      if (who !== undefined && this.tooYoung(p, who))
        return {
          ok: false,
          refusal: refusal("10010", "The user is younger than the payment's minimumUserAge."),
        };
      return this.authorizeAs(p, this.op(null), msisdn);
    });
  }

  private tooYoung(p: Payment, msisdn: string): boolean {
    return (
      p.minimumUserAge !== undefined &&
      ageAt(this.deps.customers.profile(msisdn).birthdate, this.deps.clock.now()) < p.minimumUserAge
    );
  }

  decline(msn: string, reference: string): Transition {
    return this.act(msn, reference, (p) => machine.abort(p, this.op(null)));
  }

  /** The payment's lifetime ends now, as its expiry timer would end it (a control shortcut for tests). */
  expire(msn: string, reference: string): Transition {
    return this.act(msn, reference, (p) => machine.expire(p, this.op(null)));
  }

  /** The customer looks away: no automatic answer; the payment runs into its expiry. */
  ignore(msn: string, reference: string): Lookup {
    const found = this.find(msn, reference);
    if (!found.ok) return found;
    const key = PaymentService.key(msn, reference);
    const [expiry, ...behaviour] = this.timers.get(key) ?? [];
    for (const handle of behaviour) this.deps.clock.clearTimeout(handle);
    if (expiry !== undefined) this.timers.set(key, [expiry]);
    return found;
  }

  /**
   * Moves a settled payment `ms` into the past — its creation, expiry and every event's
   * timestamp — as Vipps would show a payment made that long ago (`/_sim/payments/{ref}/age`).
   * A payment still CREATED has its expiry and the customer's answer scheduled on the clock:
   * refused (4150's "conflict") rather than leaving those timers at odds with its dates.
   */
  backdate(msn: string, reference: string, ms: number): Lookup {
    const found = this.find(msn, reference);
    if (!found.ok) return found;
    if (found.payment.state === "CREATED")
      return { ok: false, refusal: refusal("4150", "The payment is still waiting for the customer.") };
    const p = found.payment;
    const aged: Payment = {
      ...p,
      createdAt: p.createdAt - ms,
      expiresAt: p.expiresAt - ms,
      events: p.events.map((e) => ({
        ...e,
        timestamp: new Date(Date.parse(e.timestamp) - ms).toISOString(),
      })),
    };
    this.payments.set(PaymentService.key(msn, reference), aged);
    return { ok: true, payment: aged };
  }

  close(): void {
    for (const handles of this.timers.values()) for (const h of handles) this.deps.clock.clearTimeout(h);
    this.timers.clear();
  }
}
