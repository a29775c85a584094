import { parseAnswer } from "./parse-answer.js";
import {
  createPaymentResponseSchema,
  modificationResponseSchema,
  paymentEventsSchema,
  paymentSchema,
} from "./response-schemas.js";
import { IDEMPOTENT } from "./retry-policy.js";
import type { VippsTransport } from "./transport.js";
import type {
  Amount,
  CancelOptions,
  CreatePaymentRequest,
  CreatePaymentResponse,
  ForceApproveRequest,
  ModificationResponse,
  Payment,
  PaymentEvent,
} from "./types/epayment.js";
import {
  checkAmount,
  checkCreatePayment,
  checkCustomer,
  checkIdempotencyKey,
  checkReference,
  invalid,
  type OpRef,
} from "./validate-input.js";

/**
 * ePayment API v1 (docs/vipps-api.md §6). Create, capture, cancel and refund take the CALLER's
 * Idempotency-Key: derive it from the sale and step (e.g. `${reference}-capture-1`) and store it
 * before calling, so a retry after a crash sends the same key. Every call here is idempotent for
 * the retry policy (GETs, or POSTs with a key).
 */
const BASE = "/epayment/v1/payments";

const op = (operation: string, endpoint: string): OpRef => ({ operation: `epayment.${operation}`, endpoint });

export class EpaymentApi {
  constructor(
    private readonly transport: VippsTransport,
    /** The API base URL, to refuse the test-only endpoint against production. */
    private readonly baseUrl: string,
  ) {}

  /** `POST /epayment/v1/payments` → 201. For this flow: customerToken, PUSH_MESSAGE, CUSTOMER_PRESENT, receipt. */
  async create(body: CreatePaymentRequest, idempotencyKey: string): Promise<CreatePaymentResponse> {
    const spec = op("create", `POST ${BASE}`);
    checkCreatePayment(spec, body);
    checkIdempotencyKey(spec, idempotencyKey);
    const sensitive =
      body.customer === undefined ? [] : Object.values(body.customer as Record<string, string>);
    const result = await this.transport.call({
      ...spec,
      method: "POST",
      path: BASE,
      auth: { kind: "access-token" },
      json: body,
      idempotencyKey,
      retry: IDEMPOTENT,
      sensitive,
    });
    return parseAnswer(createPaymentResponseSchema, result, spec);
  }

  async get(reference: string): Promise<Payment> {
    const spec = op("get", `GET ${BASE}/{reference}`);
    checkReference(spec, reference);
    const result = await this.transport.call({
      ...spec,
      method: "GET",
      path: `${BASE}/${reference}`,
      auth: { kind: "access-token" },
      retry: IDEMPOTENT,
    });
    return parseAnswer(paymentSchema, result, spec);
  }

  async events(reference: string): Promise<PaymentEvent[]> {
    const spec = op("events", `GET ${BASE}/{reference}/events`);
    checkReference(spec, reference);
    const result = await this.transport.call({
      ...spec,
      method: "GET",
      path: `${BASE}/${reference}/events`,
      auth: { kind: "access-token" },
      retry: IDEMPOTENT,
    });
    return parseAnswer(paymentEventsSchema, result, spec);
  }

  /** Partial captures allowed, up to the authorized amount. Verify `aggregate.capturedAmount` after. */
  async capture(reference: string, amount: Amount, idempotencyKey: string): Promise<ModificationResponse> {
    return this.modify("capture", reference, { modificationAmount: amount }, idempotencyKey, amount);
  }

  /**
   * Before authorization → TERMINATED; after, releases what is not captured. With
   * `cancelTransactionOnly: true` Vipps refuses (6060) once the user has approved — use it when
   * the cashier aborts a pending push, then decide on the 6060.
   */
  async cancel(
    reference: string,
    options: CancelOptions,
    idempotencyKey: string,
  ): Promise<ModificationResponse> {
    return this.modify(
      "cancel",
      reference,
      { cancelTransactionOnly: options.cancelTransactionOnly },
      idempotencyKey,
    );
  }

  /** Up to the captured, not yet refunded amount. */
  async refund(reference: string, amount: Amount, idempotencyKey: string): Promise<ModificationResponse> {
    return this.modify("refund", reference, { modificationAmount: amount }, idempotencyKey, amount);
  }

  /**
   * Test environment only: `POST /epayment/v1/test/payments/{reference}/approve`. Refused here
   * against the production host, where Vipps would fail it anyway.
   */
  async forceApprove(reference: string, body: ForceApproveRequest): Promise<void> {
    const spec = op("forceApprove", "POST /epayment/v1/test/payments/{reference}/approve");
    checkReference(spec, reference);
    if (new URL(this.baseUrl).hostname === "api.vipps.no")
      throw invalid(spec, "the test-only approve endpoint does not exist in production");
    if ("customer" in body) checkCustomer(spec, body.customer);
    else if (typeof body.token !== "string" || body.token === "")
      throw invalid(spec, "token must be a non-empty string");
    const sensitive =
      "customer" in body ? Object.values(body.customer as Record<string, string>) : [body.token];
    await this.transport.call({
      ...spec,
      method: "POST",
      path: `/epayment/v1/test/payments/${reference}/approve`,
      auth: { kind: "access-token" },
      json: body,
      retry: IDEMPOTENT,
      sensitive,
    });
  }

  private async modify(
    kind: "capture" | "cancel" | "refund",
    reference: string,
    body: object,
    idempotencyKey: string,
    amount?: Amount,
  ): Promise<ModificationResponse> {
    const spec = op(kind, `POST ${BASE}/{reference}/${kind}`);
    checkReference(spec, reference);
    if (amount !== undefined) checkAmount(spec, amount, "amount", 1);
    if (kind === "cancel") {
      const only = (body as { cancelTransactionOnly?: unknown }).cancelTransactionOnly;
      if (typeof only !== "boolean") throw invalid(spec, "cancelTransactionOnly must be true or false");
    }
    checkIdempotencyKey(spec, idempotencyKey);
    const result = await this.transport.call({
      ...spec,
      method: "POST",
      path: `${BASE}/${reference}/${kind}`,
      auth: { kind: "access-token" },
      json: body,
      idempotencyKey,
      retry: IDEMPOTENT,
    });
    return parseAnswer(modificationResponseSchema, result, spec);
  }
}
