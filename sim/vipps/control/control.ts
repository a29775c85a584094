import { tokenOfTargetUrl } from "../epayment/redirect-url.js";
import type { Payment } from "../epayment/payment.js";
import type { Transition } from "../epayment/payment.js";
import { simError } from "../errors.js";
import { MSISDN_PATTERN } from "../customers/customer-directory.js";
import type { InstalledFault, FaultRule } from "../http/faults.js";
import type { RequestLogEntry } from "../http/request-log.js";
import type { LoginRequest } from "../login/ciba-service.js";
import type { OrderReceipt } from "../order-management/order-store.js";
import type { CustomerBehaviour, CustomerOptions } from "../options.js";
import type { CallbackQr } from "../qr/qr-store.js";
import type { DeliveryRecord, WebhookFaults } from "../webhooks/dispatcher.js";
import { CHECKED_IN_EVENT } from "../webhooks/events.js";
import { unitByMsn, type SimWorld } from "../world.js";

export interface ScanRequest {
  /** The customer's phone number (MSISDN, digits only). */
  readonly msisdn: string;
  /** What the phone camera read (a `qrContent`); or name the QR by `msn` + `merchantQrId`. */
  readonly qrContent?: string;
  readonly msn?: string;
  readonly merchantQrId?: string;
}

export interface ScanResult {
  readonly customerToken: string;
  readonly msn: string;
  readonly merchantQrId: string;
  /** As sent in the webhook: ISO 8601 UTC with 7 fractional digits, like Vipps. */
  readonly initiatedAt: string;
  /** The `user.checked-in.v1` deliveries queued (empty when no registration exists). */
  readonly deliveryIds: readonly string[];
}

export interface OrderView {
  readonly msn: string;
  /** The payment's reference. */
  readonly orderId: string;
  readonly receipt?: OrderReceipt["receipt"];
  readonly source?: OrderReceipt["source"];
  readonly addedAt?: string;
}

export interface WebhookRegistrationView {
  readonly id: string;
  readonly msn: string;
  readonly url: string;
  readonly events: readonly string[];
}

/** `2026-01-01T10:00:00.123Z` → `2026-01-01T10:00:00.1230000Z` (Vipps sends 7 digits). */
function sevenDigits(iso: string): string {
  return iso.replace(/\.(\d{3})Z$/, ".$10000Z");
}

/**
 * The simulated customer's phone and the network, for tests, the demo and the HTTP control
 * API (`/_sim/…`). Every method throws `AgentError<SimErrorCode>` on bad input.
 */
export class SimulatorControl {
  constructor(private readonly world: SimWorld) {}

  // ---- the customer's phone -------------------------------------------------------------

  /** The customer scans a till's callback QR: mints a customer token and sends `user.checked-in.v1`. */
  scan(request: ScanRequest): ScanResult {
    const { world } = this;
    if (typeof request.msisdn !== "string" || !MSISDN_PATTERN.test(request.msisdn))
      throw simError("SIM_BAD_REQUEST", "msisdn must be 10–15 digits");
    if (world.customers.status(request.msisdn) === "unknown")
      throw simError("SIM_CONFLICT", "this number has no Vipps MobilePay app (configured as unknown)");
    let qr: CallbackQr | undefined;
    if (request.qrContent !== undefined) qr = world.qrs.findByContent(request.qrContent);
    else if (request.msn !== undefined && request.merchantQrId !== undefined)
      qr = world.qrs.get(request.msn, request.merchantQrId);
    else throw simError("SIM_BAD_REQUEST", "name the QR by qrContent, or by msn and merchantQrId");
    if (qr === undefined)
      throw simError("SIM_NOT_FOUND", "the app reports: QR code not found (never created, or deleted)");
    const now = world.options.clock.now();
    const token = world.customerTokens.mint(request.msisdn, qr.msn, qr.merchantQrId, now);
    const initiatedAt = sevenDigits(new Date(now).toISOString());
    const deliveryIds = world.dispatcher.publish(qr.msn, CHECKED_IN_EVENT, {
      customerToken: token.customerToken,
      merchantQrId: qr.merchantQrId,
      msn: qr.msn,
      initiatedAt,
    });
    return {
      customerToken: token.customerToken,
      msn: qr.msn,
      merchantQrId: qr.merchantQrId,
      initiatedAt,
      deliveryIds,
    };
  }

  /**
   * The customer scans a per-sale QR (a payment made with `userFlow: "QR"`, `TEXT/TARGETURL`): the
   * payment opens in their app and their configured behaviour answers it (approve by default).
   */
  scanPaymentQr(request: { qrContent: string; msisdn: string }): Payment {
    if (typeof request.msisdn !== "string" || !MSISDN_PATTERN.test(request.msisdn))
      throw simError("SIM_BAD_REQUEST", "msisdn must be 10–15 digits");
    if (this.world.customers.status(request.msisdn) === "unknown")
      throw simError("SIM_CONFLICT", "this number has no Vipps MobilePay app (configured as unknown)");
    const token = typeof request.qrContent === "string" ? tokenOfTargetUrl(request.qrContent) : undefined;
    const payment = token === undefined ? undefined : this.world.payments.findByRedirectToken(token);
    if (payment === undefined)
      throw simError(
        "SIM_NOT_FOUND",
        "the app reports: QR code not found (not a per-sale QR of this simulator)",
      );
    const opened = this.world.payments.openOnPhone(payment, request.msisdn);
    if ("problem" in opened) throw simError("SIM_CONFLICT", `the app reports: ${opened.problem}`);
    return opened;
  }

  private reference(reference: string, msn?: string): Payment {
    const matches = this.world.payments
      .list()
      .filter((p) => p.reference === reference && (msn === undefined || p.msn === msn));
    if (matches.length === 0)
      throw simError("SIM_NOT_FOUND", `no payment ${reference}${msn === undefined ? "" : ` for MSN ${msn}`}`);
    if (matches.length > 1)
      throw simError("SIM_CONFLICT", `reference ${reference} exists for several sales units; pass msn`);
    return matches[0] as Payment;
  }

  private settle(t: Transition): Payment {
    if (!t.ok) throw simError("SIM_CONFLICT", t.refusal.detail, { code: t.refusal.code });
    return t.payment;
  }

  /** The customer approves the pending payment (`msisdn` only for payments sent to nobody in particular). */
  approvePayment(reference: string, options: { msn?: string; msisdn?: string } = {}): Payment {
    const p = this.reference(reference, options.msn);
    if (options.msisdn !== undefined && !MSISDN_PATTERN.test(options.msisdn))
      throw simError("SIM_BAD_REQUEST", "msisdn must be 10–15 digits");
    return this.settle(
      this.world.payments.approve(
        p.msn,
        p.reference,
        p.customerMsisdn === undefined ? (options.msisdn ?? "4791234567") : undefined,
      ),
    );
  }

  declinePayment(reference: string, options: { msn?: string } = {}): Payment {
    const p = this.reference(reference, options.msn);
    return this.settle(this.world.payments.decline(p.msn, p.reference));
  }

  /** Nobody used the payment in time: it expires now (EXPIRED event and webhook), not after the expiry. */
  expirePayment(reference: string, options: { msn?: string } = {}): Payment {
    const p = this.reference(reference, options.msn);
    return this.settle(this.world.payments.expire(p.msn, p.reference));
  }

  /** The customer never answers: the automatic behaviour is cancelled and the payment expires in time. */
  ignorePayment(reference: string, options: { msn?: string } = {}): Payment {
    const p = this.reference(reference, options.msn);
    this.world.payments.ignore(p.msn, p.reference);
    return p;
  }

  /**
   * Dates a settled payment `days` whole days earlier (creation and every event), as Vipps
   * shows a payment made that long ago: e.g. a capture older than the 365 days refunds allow.
   */
  agePayment(reference: string, options: { days: number; msn?: string }): Payment {
    const { days } = options;
    if (!Number.isSafeInteger(days) || days < 1 || days > 3_650)
      throw simError("SIM_BAD_REQUEST", "days must be a whole number from 1 to 3650");
    const p = this.reference(reference, options.msn);
    const aged = this.world.payments.backdate(p.msn, p.reference, days * 86_400_000);
    if (!aged.ok) throw simError("SIM_CONFLICT", aged.refusal.detail, { code: aged.refusal.code });
    return aged.payment;
  }

  /** Status, automatic behaviour and profile of one customer (merged with what was set before). */
  setCustomer(msisdn: string, options: CustomerOptions): void {
    this.world.customers.configure(msisdn, options);
  }

  setDefaultBehaviour(behaviour: { payment?: CustomerBehaviour; login?: CustomerBehaviour }): void {
    this.world.customers.setDefaultBehaviour(behaviour);
  }

  approveLogin(authReqId: string): LoginRequest {
    return this.decideLogin(authReqId, "approved");
  }

  declineLogin(authReqId: string): LoginRequest {
    return this.decideLogin(authReqId, "declined");
  }

  ignoreLogin(authReqId: string): LoginRequest {
    if (!this.world.logins.ignore(authReqId)) throw simError("SIM_NOT_FOUND", "no such login request");
    return this.world.logins.find(authReqId) as LoginRequest;
  }

  private decideLogin(authReqId: string, decision: "approved" | "declined"): LoginRequest {
    const found = this.world.logins.find(authReqId);
    if (found === undefined) throw simError("SIM_NOT_FOUND", "no such login request");
    if (!this.world.logins.decide(authReqId, decision))
      throw simError("SIM_CONFLICT", "the login request is already decided or expired");
    return this.world.logins.find(authReqId) as LoginRequest;
  }

  // ---- the network -------------------------------------------------------------------------

  /** Installs a fault rule for the simulated APIs; returns its id. */
  addFault(rule: FaultRule): string {
    return this.world.faults.add(rule);
  }

  removeFault(id: string): void {
    if (!this.world.faults.remove(id)) throw simError("SIM_NOT_FOUND", "no such fault rule");
  }

  clearFaults(): void {
    this.world.faults.clear();
  }

  faults(): InstalledFault[] {
    return this.world.faults.list();
  }

  /** Delays, duplicates and reordering between Vipps and the webhook receiver; `{}` turns them off. */
  setWebhookFaults(faults: WebhookFaults): void {
    this.world.dispatcher.setFaults(faults);
  }

  webhookFaults(): WebhookFaults {
    return this.world.dispatcher.currentFaults();
  }

  // ---- observability -------------------------------------------------------------------------

  payments(): Payment[] {
    return this.world.payments.list();
  }

  payment(reference: string, msn?: string): Payment {
    return this.reference(reference, msn);
  }

  /**
   * What the customer's app shows for a payment's order: its receipt (Order Management's, or the
   * one sent with the create), with where it came from; no `receipt` while it has none.
   */
  order(reference: string, msn?: string): OrderView {
    const p = this.reference(reference, msn);
    const found = this.world.orders.receiptOf(p.msn, p.reference);
    return {
      msn: p.msn,
      orderId: p.reference,
      ...(found === undefined
        ? {}
        : { receipt: found.receipt, source: found.source, addedAt: new Date(found.addedAt).toISOString() }),
    };
  }

  deliveries(filter: { event?: string; state?: DeliveryRecord["state"] } = {}): DeliveryRecord[] {
    return this.world.dispatcher
      .deliveries()
      .filter(
        (d) =>
          (filter.event === undefined || d.event === filter.event) &&
          (filter.state === undefined || d.state === filter.state),
      );
  }

  logins(): LoginRequest[] {
    return this.world.logins.list();
  }

  requests(): RequestLogEntry[] {
    return this.world.requestLog.list();
  }

  /** Registrations (without their secrets). */
  webhookRegistrations(msn?: string): WebhookRegistrationView[] {
    const units =
      msn === undefined
        ? this.world.options.salesUnits
        : this.world.options.salesUnits.filter((u) => u.msn === msn);
    return units
      .flatMap((u) => this.world.webhooks.list(u.msn))
      .map((r) => ({ id: r.id, msn: r.msn, url: r.url, events: [...r.events] }));
  }

  qrs(msn?: string): CallbackQr[] {
    const units =
      msn === undefined
        ? this.world.options.salesUnits
        : [unitByMsn(this.world, msn)].filter((u) => u !== undefined);
    return units.flatMap((u) => this.world.qrs.list(u.msn));
  }
}
