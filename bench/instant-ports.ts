import type { ApiResult, CreateAnswer, PaymentRecord, PaymentSnapshot } from "../agent/checkout/io.js";
import type { ReceiptHooks } from "../agent/runtime/agent.js";
import type {
  LightsPort,
  PaymentsPort,
  ReceiptJob,
  ReceiptsPort,
  RegisterPort,
  SaleEventsPort,
  ScreenPort,
} from "../agent/runtime/ports.js";

/**
 * The checkout runner's ports answering at once, for writing a year of sales through the real
 * checkout and journal in minutes (aged-journal.ts): Vipps answers every request with yes, the
 * register acks every report, the printer prints every receipt. Nothing is recorded: 200,000
 * sales must not fill the bench's memory.
 */
export class InstantPayments implements PaymentsPort {
  /** The reference of the last create, for the webhook that follows it. */
  lastReference = "";
  /** The last create's customer aborted (`abortLast`): a GET confirming the webhook says so. */
  private lastAborted = false;

  create(body: { reference: string }): Promise<ApiResult<CreateAnswer>> {
    this.lastReference = body.reference;
    this.lastAborted = false;
    return Promise.resolve({ ok: true, value: {} });
  }
  /** The customer aborts the last payment in the app: from now on a GET of it answers ABORTED. */
  abortLast(): void {
    this.lastAborted = true;
  }
  /** The bench refunds only its own sales. */
  lookup(): Promise<ApiResult<PaymentRecord>> {
    return Promise.resolve({ ok: false, failure: "refused", status: 404 });
  }
  get(reference: string): Promise<ApiResult<PaymentSnapshot>> {
    const snapshot = { authorizedAmount: 0, capturedAmount: 0, cancelledAmount: 0, refundedAmount: 0 };
    const state = this.lastAborted && reference === this.lastReference ? "ABORTED" : "CREATED";
    return Promise.resolve({ ok: true, value: { state, ...snapshot } });
  }
  capture(_reference: string, amount: { value: number }): Promise<ApiResult<{ capturedAmount: number }>> {
    return Promise.resolve({ ok: true, value: { capturedAmount: amount.value } });
  }
  cancel(): Promise<ApiResult<PaymentSnapshot>> {
    const snapshot = { authorizedAmount: 0, capturedAmount: 0, cancelledAmount: 0, refundedAmount: 0 };
    return Promise.resolve({ ok: true, value: { state: "TERMINATED", ...snapshot } });
  }
  refund(): Promise<ApiResult<{ pspReference?: string }>> {
    return Promise.resolve({ ok: true, value: {} });
  }
  orderReceipt(): Promise<ApiResult<void>> {
    return Promise.resolve({ ok: true, value: undefined });
  }
}

export const ACKING_REGISTER: RegisterPort = {
  isUp: true,
  sendUpdate: () => undefined,
  deliver: () => Promise.resolve("acked"),
};

/** Prints each receipt a moment after it is queued, as the real queue would: started, then done. */
export function instantPrinter(hooks: ReceiptHooks): ReceiptsPort {
  return {
    configured: true,
    enqueue(job: ReceiptJob) {
      // The journal hooks are for a sale's own receipt (printer-receipts.ts), not copies or refunds.
      if (job.jobId !== `${job.sale.saleId}:sale`) return;
      queueMicrotask(() => {
        hooks.starting(job.sale.saleId);
        hooks.finished(job.sale.saleId, true);
      });
    },
  };
}

export const NO_SCREEN: ScreenPort = { show: () => Promise.resolve() };
export const NO_LIGHTS: LightsPort = { show: () => undefined, beep: () => undefined };
/** The real outbox holds an event only until its PUBACK: a settled journal's outbox is empty. */
export const NO_SALE_EVENTS: SaleEventsPort = { publishSaleCompleted: () => undefined };
