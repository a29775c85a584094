import type { Money } from "../../../lib/money.js";
import type {
  ApiResult,
  CreateAnswer,
  DurableRegisterMessage,
  PaymentRecord,
  PaymentSnapshot,
  SaleUpdate,
} from "../../checkout/io.js";
import type { AppReceipt, CreatePaymentBody, Sale } from "../../checkout/sale.js";
import type { Screen } from "../../../drivers/display/index.js";
import type {
  LightsPort,
  PaymentsPort,
  ReceiptJob,
  ReceiptsPort,
  RegisterPort,
  SaleEventsPort,
  ScreenPort,
} from "../ports.js";

/** In-memory ports for runner unit tests: each records what it was asked and answers as scripted. */

export interface RecordedCall {
  readonly op: "create" | "get" | "lookup" | "capture" | "cancel" | "refund" | "orderReceipt";
  readonly reference: string;
  readonly key?: string;
  /** The create request as sent (create only). */
  readonly body?: CreatePaymentBody;
  /** The app receipt as sent, and what it must add up to (orderReceipt only). */
  readonly receipt?: AppReceipt;
  readonly paid?: Money;
}

/** A scripted ePayment: answers are queued per operation; default answers model a willing customer. */
export class ScriptedPayments implements PaymentsPort {
  readonly calls: RecordedCall[] = [];
  readonly next: Partial<Record<RecordedCall["op"], ApiResult<unknown>[]>> = {};
  /** Unanswered calls (resolve them by hand to model latency or a crash mid-request). */
  hold = false;
  readonly held: (() => void)[] = [];

  private answer<T>(op: RecordedCall["op"], fallback: ApiResult<T>): Promise<ApiResult<T>> {
    const queued = this.next[op]?.shift() as ApiResult<T> | undefined;
    const result = queued ?? fallback;
    if (!this.hold) return Promise.resolve(result);
    return new Promise((resolve) => this.held.push(() => resolve(result)));
  }

  create(body: CreatePaymentBody, key: string): Promise<ApiResult<CreateAnswer>> {
    this.calls.push({ op: "create", reference: body.reference, key, body });
    // A per-sale QR is answered with the URL its QR encodes, as Vipps does for TEXT/TARGETURL.
    const answer = body.userFlow === "QR" ? { redirectUrl: `https://qr.example/${body.reference}` } : {};
    return this.answer("create", { ok: true, value: answer });
  }
  /** No payment by default: a refund from elsewhere must be scripted (`next.lookup`). */
  lookup(reference: string): Promise<ApiResult<PaymentRecord>> {
    this.calls.push({ op: "lookup", reference });
    return this.answer("lookup", { ok: false, failure: "refused", status: 404 });
  }
  get(reference: string): Promise<ApiResult<PaymentSnapshot>> {
    this.calls.push({ op: "get", reference });
    return this.answer("get", {
      ok: true,
      value: {
        state: "CREATED",
        authorizedAmount: 0,
        capturedAmount: 0,
        cancelledAmount: 0,
        refundedAmount: 0,
      },
    });
  }
  capture(
    reference: string,
    amount: Money,
    key: string,
  ): Promise<ApiResult<{ capturedAmount: number; pspReference?: string }>> {
    this.calls.push({ op: "capture", reference, key });
    return this.answer("capture", {
      ok: true,
      value: { capturedAmount: amount.value, pspReference: "psp-capture" },
    });
  }
  cancel(reference: string, _transactionOnly: boolean, key: string): Promise<ApiResult<PaymentSnapshot>> {
    this.calls.push({ op: "cancel", reference, key });
    return this.answer("cancel", {
      ok: true,
      value: {
        state: "TERMINATED",
        authorizedAmount: 0,
        capturedAmount: 0,
        cancelledAmount: 0,
        refundedAmount: 0,
      },
    });
  }
  refund(reference: string, _amount: Money, key: string): Promise<ApiResult<{ pspReference?: string }>> {
    this.calls.push({ op: "refund", reference, key });
    return this.answer("refund", { ok: true, value: { pspReference: "psp-refund" } });
  }
  orderReceipt(reference: string, receipt: AppReceipt, paid: Money): Promise<ApiResult<void>> {
    this.calls.push({ op: "orderReceipt", reference, receipt, paid });
    return this.answer("orderReceipt", { ok: true, value: undefined });
  }
}

export class RecordingRegister implements RegisterPort {
  isUp = true;
  ackFinals = true;
  readonly updates: SaleUpdate[] = [];
  readonly finals: SaleUpdate[] = [];
  readonly receipts: { saleId: string; printed: boolean; copy: boolean }[] = [];

  sendUpdate(update: SaleUpdate): void {
    if (this.isUp) this.updates.push(update);
  }
  deliver(message: DurableRegisterMessage): Promise<"acked" | "refused"> {
    if (!this.isUp || !this.ackFinals) return Promise.reject(new Error("register unreachable"));
    if (message.type === "sale") {
      const { type: _type, ...update } = message;
      this.finals.push(update);
    } else {
      const { type: _type, ...receipt } = message;
      this.receipts.push(receipt);
    }
    return Promise.resolve("acked");
  }
}

export class RecordingReceipts implements ReceiptsPort {
  configured = true;
  readonly jobs: ReceiptJob[] = [];
  enqueue(job: ReceiptJob): void {
    this.jobs.push(job);
  }
}

export class RecordingScreen implements ScreenPort {
  readonly screens: Screen[] = [];
  show(screen: Screen): Promise<void> {
    this.screens.push(screen);
    return Promise.resolve();
  }
  get current(): Screen | undefined {
    return this.screens[this.screens.length - 1];
  }
}

export class RecordingLights implements LightsPort {
  readonly states: string[] = [];
  beeps = 0;
  show(state: "ready" | "busy" | "error" | "off"): void {
    this.states.push(state);
  }
  beep(): void {
    this.beeps++;
  }
}

export class RecordingSaleEvents implements SaleEventsPort {
  readonly events: { sale: Sale; at: number }[] = [];
  publishSaleCompleted(sale: Sale, at: number): void {
    this.events.push({ sale, at });
  }
}
