/**
 * ePayment domain error codes the simulator uses, with the HTTP status it answers them with
 * (vippsas/agent-toolkit epayment/references/errors.md; docs/vipps-api.md §1.3–§6). Clients branch on
 * status + code, never on the title text.
 */
const EPAYMENT_ERRORS = {
  "4010": { status: 409, title: "Capture idempotency conflict" },
  "4020": { status: 409, title: "Idempotency error" },
  "4040": { status: 400, title: "Invalid amount" },
  "4050": { status: 400, title: "Invalid CustomerToken" },
  "4060": { status: 400, title: "Invalid PersonalQr" },
  "4070": { status: 400, title: "Invalid phone number" },
  "4080": { status: 400, title: "Invalid scope" },
  "4090": { status: 400, title: "Invalid URL" },
  "4100": { status: 400, title: "Metadata capacity exceeded" },
  "4120": { status: 400, title: "Metadata key length exceeded" },
  "4130": { status: 400, title: "Metadata value length exceeded" },
  "4140": { status: 400, title: "Missing required parameter" },
  "4150": { status: 409, title: "Reference exists or refund idempotency conflict" },
  "5030": { status: 400, title: "Illegal scope" },
  "5040": { status: 400, title: "Invalid currency for merchant" },
  "5050": { status: 400, title: "Long-living payment not allowed" },
  "5080": { status: 400, title: "PUSH_MESSAGE not allowed" },
  "5090": { status: 404, title: "Reference not found" },
  "6010": { status: 400, title: "Amount too small" },
  "6020": { status: 400, title: "Attempted refund before reservation" },
  "6040": { status: 400, title: "Cannot cancel a captured payment" },
  "6050": { status: 400, title: "Cannot cancel a non-reserved payment" },
  "6060": { status: 400, title: "Cannot cancel authorized payment" },
  "6070": { status: 400, title: "Cannot capture a cancelled payment" },
  "6080": { status: 400, title: "Cannot capture before reservation" },
  "6090": { status: 400, title: "Capture amount too high" },
  "6150": { status: 400, title: "Not enough refundable" },
  "6190": { status: 400, title: "Payment cannot be cancelled" },
  "6200": { status: 400, title: "Payment cannot be captured" },
  "6230": { status: 400, title: "Payment is already reserved" },
  "7010": { status: 400, title: "Customer not found" },
  "10010": { status: 400, title: "Approve failed" },
} as const;

export type EpaymentErrorCode = keyof typeof EPAYMENT_ERRORS;

export interface Refusal {
  readonly status: number;
  readonly code: EpaymentErrorCode;
  readonly title: string;
  readonly detail: string;
}

export function refusal(code: EpaymentErrorCode, detail: string): Refusal {
  const e = EPAYMENT_ERRORS[code];
  return { status: e.status, code, title: e.title, detail };
}
