import type { Money } from "../../lib/money.js";
import type {
  ApiResult,
  CreateAnswer,
  DurableRegisterMessage,
  PaymentRecord,
  PaymentSnapshot,
  SaleUpdate,
} from "../checkout/io.js";
import type { AppReceipt, CreatePaymentBody, Sale } from "../checkout/sale.js";
import type { Screen } from "../../drivers/display/index.js";
import type { PrintDocument } from "../../drivers/printer/index.js";

/**
 * The narrow interfaces the checkout runner drives. Each is implemented by an adapter over a
 * real part (the Vipps client, the register link, the printer queue, the display, the lights,
 * the MQTT outbox) and by a fake for unit tests — so the runner never knows which it has.
 */

/** ePayment, reduced to what the checkout does, with failures already classified. */
export interface PaymentsPort {
  create(body: CreatePaymentBody, idempotencyKey: string): Promise<ApiResult<CreateAnswer>>;
  get(reference: string): Promise<ApiResult<PaymentSnapshot>>;
  /** GET the payment and its event log: a refund from elsewhere (checkout/refund-elsewhere.ts). */
  lookup(reference: string): Promise<ApiResult<PaymentRecord>>;
  capture(
    reference: string,
    amount: Money,
    idempotencyKey: string,
  ): Promise<ApiResult<{ capturedAmount: number; pspReference?: string }>>;
  cancel(
    reference: string,
    transactionOnly: boolean,
    idempotencyKey: string,
  ): Promise<ApiResult<PaymentSnapshot>>;
  refund(
    reference: string,
    amount: Money,
    idempotencyKey: string,
  ): Promise<ApiResult<{ pspReference?: string }>>;
  /**
   * Order Management: a captured hold's receipt for the app (checkout/app-receipt.ts), whose
   * lines add up to `paid`. A 409 (the order has a receipt already) is `refused` with status 409.
   */
  orderReceipt(reference: string, receipt: AppReceipt, paid: Money): Promise<ApiResult<void>>;
}

/** The register as the runner talks to it; `deliver` resolves only when the register acked. */
export interface RegisterPort {
  readonly isUp: boolean;
  /** Best effort: dropped when the link is down. */
  sendUpdate(update: SaleUpdate): void;
  /** A journalled message: resolves `acked` or `refused`; rejects when the register did not answer. */
  deliver(message: DurableRegisterMessage): Promise<"acked" | "refused">;
}

export interface ReceiptJob {
  /** `<saleId>:<kind>[:<refundId>]`, stable across restarts. */
  readonly jobId: string;
  readonly sale: Sale;
  readonly kind: "sale" | "refund";
  readonly copy: boolean;
  readonly refundId?: string;
}

/**
 * The receipt printer queue. `beforePrint` must be awaited by the queue right before a job's
 * bytes go to the printer (the runner journals "printing" there, which decides COPY after a
 * crash); `onResult` reports each attempt.
 */
export interface ReceiptsPort {
  readonly configured: boolean;
  enqueue(job: ReceiptJob): void;
  /** What the printer said last, and how many jobs wait (for `pos-agent status`). */
  state?(): { state: "online" | "paper_out" | "cover_open" | "offline"; queued: number };
  /** Any other document (end-of-day report, QR sticker) through the same queue. */
  printDocument?(document: PrintDocument): { jobId: string };
  close?(): Promise<void>;
}

export interface ScreenPort {
  show(screen: Screen): Promise<void>;
  close?(): Promise<void>;
}

export interface LightsPort {
  /** False when the GPIO driver found no accessible pins; absent means there are lights. */
  readonly available?: boolean;
  show(state: "ready" | "busy" | "error" | "off"): void;
  beep(): void;
  /** The till's button (config gpio.buttonAction says what it means). */
  onButton?(listener: (action: "reprint" | "cancel") => void): void;
  close?(): Promise<void>;
}

/** The durable MQTT outbox for the merchant's back office: the write is synchronous. */
export interface SaleEventsPort {
  publishSaleCompleted(sale: Sale, at: number): void;
}
