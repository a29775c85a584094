/** Webhook event names the simulator emits (docs/vipps-api.md §5.1; DOCS/APIs/webhooks-api/events). */
export const CHECKED_IN_EVENT = "user.checked-in.v1";
export const LOGIN_PING_EVENT = "login.merchant-initiated.ping.v1";

/**
 * ePayment event log names and their webhook event names. The simulator keeps its own list on
 * purpose: it models Vipps independently of the agent (from Vipps' documentation,
 * https://developer.vippsmobilepay.com/docs/APIs/epayment-api/api-guide/webhooks/), and
 * events.test.ts checks the agent's contract (agent/vipps/types/epayment.ts) against it rather
 * than the two agreeing by construction.
 */
export const EPAYMENT_EVENT_NAMES = [
  "CREATED",
  "AUTHORIZED",
  "ABORTED",
  "EXPIRED",
  "TERMINATED",
  "CANCELLED",
  "CAPTURED",
  "REFUNDED",
] as const;
export type PaymentEventName = (typeof EPAYMENT_EVENT_NAMES)[number];

export function epaymentWebhookEvent(name: PaymentEventName): string {
  return `epayments.payment.${name.toLowerCase()}.v1`;
}

export const WEBHOOK_EVENTS: readonly string[] = [
  CHECKED_IN_EVENT,
  LOGIN_PING_EVENT,
  ...EPAYMENT_EVENT_NAMES.map(epaymentWebhookEvent),
];

/**
 * Registrations allowed per MSN and event type (docs/vipps-api.md §5.1; the vendored spec's "5" is
 * older): one for check-ins, 25 for ePayment events. Login pings have no published limit; the
 * ePayment one is used.
 */
export function registrationLimit(event: string): number {
  return event === CHECKED_IN_EVENT ? 1 : 25;
}
