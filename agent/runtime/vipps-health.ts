import type { Money } from "../../lib/money.js";
import type { ApiResult, CreateAnswer, PaymentRecord, PaymentSnapshot } from "../checkout/io.js";
import type { AppReceipt, CreatePaymentBody } from "../checkout/sale.js";
import type { PaymentsPort } from "./ports.js";
import type { AgentTrace } from "./trace.js";

/** Whether Vipps answered the last call, for `pos-agent status` and the degraded list. */
export interface VippsHealth {
  readonly state: "ok" | "failing" | "unknown";
  readonly lastError?: string;
}

/** Wraps the payments port: remembers how the last call went, and traces each call. */
export class HealthTrackingPayments implements PaymentsPort {
  private current: VippsHealth = { state: "unknown" };

  constructor(
    private readonly inner: PaymentsPort,
    private readonly observe: (event: AgentTrace) => void = () => undefined,
  ) {}

  get health(): VippsHealth {
    return this.current;
  }

  private async note<T>(call: Promise<ApiResult<T>>, operation: string): Promise<ApiResult<T>> {
    this.observe({ kind: "vipps_request", op: operation, at: performance.now() });
    const result = await call;
    this.observe({ kind: "vipps_response", op: operation, at: performance.now() });
    // A refusal is an answer: Vipps is there. Only "no answer" counts as failing.
    this.current =
      !result.ok && result.failure === "unavailable"
        ? { state: "failing", lastError: `${operation}: no answer` }
        : { state: "ok" };
    return result;
  }

  create(body: CreatePaymentBody, key: string): Promise<ApiResult<CreateAnswer>> {
    return this.note(this.inner.create(body, key), "create");
  }
  lookup(reference: string): Promise<ApiResult<PaymentRecord>> {
    return this.note(this.inner.lookup(reference), "get");
  }
  get(reference: string): Promise<ApiResult<PaymentSnapshot>> {
    return this.note(this.inner.get(reference), "get");
  }
  capture(
    reference: string,
    amount: Money,
    key: string,
  ): Promise<ApiResult<{ capturedAmount: number; pspReference?: string }>> {
    return this.note(this.inner.capture(reference, amount, key), "capture");
  }
  cancel(reference: string, transactionOnly: boolean, key: string): Promise<ApiResult<PaymentSnapshot>> {
    return this.note(this.inner.cancel(reference, transactionOnly, key), "cancel");
  }
  refund(reference: string, amount: Money, key: string): Promise<ApiResult<{ pspReference?: string }>> {
    return this.note(this.inner.refund(reference, amount, key), "refund");
  }
  orderReceipt(reference: string, receipt: AppReceipt, paid: Money): Promise<ApiResult<void>> {
    return this.note(this.inner.orderReceipt(reference, receipt, paid), "order_receipt");
  }
}
