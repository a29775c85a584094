import type { Money } from "../../lib/money.js";
import type { ApiResult, CreateAnswer, PaymentRecord, PaymentSnapshot } from "../checkout/io.js";
import type { AppReceipt, CreatePaymentBody } from "../checkout/sale.js";
import { isVippsError, type VippsClient } from "../vipps/index.js";
import type { Payment, ModificationResponse } from "../vipps/types/epayment.js";
import type { PaymentsPort } from "./ports.js";

/**
 * The checkout's view of ePayment (and Order Management's receipts) over the real client: the client has already retried what is
 * retryable (same Idempotency-Key), so here every failure is classified once — a definite
 * refusal (a 4xx with Vipps' numeric code) or "unavailable" (no definite answer: timeouts,
 * network, 5xx, and 423/429 that outlasted the retries).
 */
export class VippsPayments implements PaymentsPort {
  constructor(private readonly client: VippsClient) {}

  create(body: CreatePaymentBody, idempotencyKey: string): Promise<ApiResult<CreateAnswer>> {
    return classify(
      this.client.epayment
        .create(body, idempotencyKey)
        .then((r) => (r.redirectUrl === undefined ? {} : { redirectUrl: r.redirectUrl })),
    );
  }

  get(reference: string): Promise<ApiResult<PaymentSnapshot>> {
    return classify(this.client.epayment.get(reference).then(snapshotOf));
  }

  lookup(reference: string): Promise<ApiResult<PaymentRecord>> {
    return classify(
      Promise.all([this.client.epayment.get(reference), this.client.epayment.events(reference)]).then(
        ([payment, events]) => {
          const captures = events
            .filter((e) => e.name === "CAPTURED" && e.success)
            .map((e) => Date.parse(e.timestamp))
            .filter((t) => Number.isFinite(t));
          const capturedAt = captures.length === 0 ? undefined : Math.min(...captures);
          return { snapshot: snapshotOf(payment), ...(capturedAt === undefined ? {} : { capturedAt }) };
        },
      ),
    );
  }

  capture(
    reference: string,
    amount: Money,
    idempotencyKey: string,
  ): Promise<ApiResult<{ capturedAmount: number; pspReference?: string }>> {
    return classify(
      this.client.epayment
        .capture(reference, amount, idempotencyKey)
        .then((r) => ({ capturedAmount: r.aggregate.capturedAmount.value, pspReference: r.pspReference })),
    );
  }

  cancel(
    reference: string,
    transactionOnly: boolean,
    idempotencyKey: string,
  ): Promise<ApiResult<PaymentSnapshot>> {
    return classify(
      this.client.epayment
        .cancel(reference, { cancelTransactionOnly: transactionOnly }, idempotencyKey)
        .then(snapshotOf),
    );
  }

  refund(
    reference: string,
    amount: Money,
    idempotencyKey: string,
  ): Promise<ApiResult<{ pspReference?: string }>> {
    return classify(
      this.client.epayment
        .refund(reference, amount, idempotencyKey)
        .then((r) => ({ pspReference: r.pspReference })),
    );
  }

  orderReceipt(reference: string, receipt: AppReceipt, paid: Money): Promise<ApiResult<void>> {
    return classify(this.client.orderManagement.addReceipt(reference, receipt, paid));
  }
}

function snapshotOf(p: Payment | ModificationResponse): PaymentSnapshot {
  return {
    state: p.state,
    authorizedAmount: p.aggregate.authorizedAmount.value,
    capturedAmount: p.aggregate.capturedAmount.value,
    cancelledAmount: p.aggregate.cancelledAmount.value,
    refundedAmount: p.aggregate.refundedAmount.value,
    pspReference: p.pspReference,
    ...guaranteeOf(p),
  };
}

/** `captureGuaranteedUntil` of a GET answer (absent from modification answers), when it is a time. */
function guaranteeOf(p: Payment | ModificationResponse): { captureGuaranteedUntil?: number } {
  const text = "captureGuaranteedUntil" in p ? p.captureGuaranteedUntil : undefined;
  const at = text === undefined ? Number.NaN : Date.parse(text);
  return Number.isFinite(at) ? { captureGuaranteedUntil: at } : {};
}

async function classify<T>(call: Promise<T>): Promise<ApiResult<T>> {
  try {
    return { ok: true, value: await call };
  } catch (error) {
    if (!isVippsError(error)) return { ok: false, failure: "unavailable" };
    switch (error.code) {
      case "VIPPS_BAD_REQUEST":
      case "VIPPS_FORBIDDEN":
      case "VIPPS_NOT_FOUND":
      case "VIPPS_CONFLICT":
      case "VIPPS_HTTP_ERROR":
      case "VIPPS_INVALID_ARGUMENT":
        return {
          ok: false,
          failure: "refused",
          status: error.status ?? 0,
          ...(error.vippsCode === undefined ? {} : { code: error.vippsCode }),
        };
      case "VIPPS_UNAUTHORIZED":
      case "VIPPS_LOCKED":
      case "VIPPS_RATE_LIMITED":
      case "VIPPS_SERVER_ERROR":
      case "VIPPS_TIMEOUT":
      case "VIPPS_NETWORK":
      case "VIPPS_BAD_RESPONSE":
      case "VIPPS_ABORTED":
      case "VIPPS_LOGIN_OLD_APP":
      case "VIPPS_LOGIN_INVALID_USER":
        // No definite answer about this payment (401: our credentials, fixable without losing it).
        return { ok: false, failure: "unavailable" };
    }
  }
}
