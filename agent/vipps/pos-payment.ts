import type { Amount, CreatePaymentRequest, Receipt } from "./types/epayment.js";

/**
 * The ePayment create body of the merchant-callback QR flow (docs/vipps-api.md §6.1, §10 step 4): the
 * customer who scanned (their `customerToken`), a push to the app that scanned
 * (`PUSH_MESSAGE`), an in-store sale (`CUSTOMER_PRESENT`, required for compliance), paid from
 * the wallet, with the receipt lines the app shows. Pure; `epayment.create` validates it.
 */
export interface PosPaymentInput {
  /** `^[a-zA-Z0-9-]{8,50}$`, with the till id in it (the bridge routes events by it). */
  readonly reference: string;
  readonly amount: Amount;
  /** From `user.checked-in.v1`, valid 15 minutes from the scan. */
  readonly customerToken: string;
  /** 3–100 characters, shown in the app and in settlements. */
  readonly paymentDescription: string;
  /** Lines (returns negative) plus tip must add up to `amount`. */
  readonly receipt: Receipt;
  /** At most 5 entries; no personal data. */
  readonly metadata?: Readonly<Record<string, string>>;
}

export function posPushPayment(input: PosPaymentInput): CreatePaymentRequest {
  return {
    amount: input.amount,
    paymentMethod: { type: "WALLET" },
    customer: { customerToken: input.customerToken },
    customerInteraction: "CUSTOMER_PRESENT",
    userFlow: "PUSH_MESSAGE",
    reference: input.reference,
    paymentDescription: input.paymentDescription,
    receipt: input.receipt,
    ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
  };
}
