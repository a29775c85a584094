/** Webhooks API shapes, hand-written from test/contract/vipps-openapi/webhooks.yaml and docs/vipps-api.md §5. */
export interface WebhookRegistrationRequest {
  /** HTTPS, publicly reachable, no redirects (plain http only to loopback, for the simulator). */
  readonly url: string;
  /** e.g. `user.checked-in.v1`, `epayments.payment.authorized.v1`. */
  readonly events: readonly string[];
}

export interface WebhookRegistered {
  readonly id: string;
  /** Returned ONCE, at registration; the HMAC key of every delivery. Store it, never log it. */
  readonly secret: string;
}

export interface WebhookRegistration {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[];
}
