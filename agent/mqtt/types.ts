import type { Money } from "../../lib/money.js";
import type { PaymentEventName } from "../vipps/types/epayment.js";

/** Error codes of the MQTT link (`AgentError<MqttErrorCode>`). */
export type MqttErrorCode =
  /** Not JSON, wrong shape or version, bad base64 (docs/mqtt-contract.md §Envelope). */
  | "MQTT_BAD_ENVELOPE"
  /** The Vipps HMAC does not verify against our registered URL and webhook secrets. */
  | "MQTT_BAD_SIGNATURE"
  /** Signed, but not a check-in or ePayment event we understand (or a field is invalid). */
  | "MQTT_BAD_PAYLOAD"
  /** Signed and valid, but for another till or sales unit. */
  | "MQTT_OTHER_TILL"
  /**
   * A check-in older than checkout.checkinMaxAgeSeconds (the customer token is no longer usable),
   * or dated further in the future than clocks may disagree (CHECKIN_CLOCK_SKEW_MS).
   */
  | "MQTT_STALE_CHECKIN"
  /** A message larger than MAX_MQTT_PACKET_BYTES: skipped unread (docs/mqtt-contract.md §Limits). */
  | "MQTT_TOO_LARGE"
  /** `publishSaleEvent` got an event that fails the sale-event schema; nothing was queued. */
  | "MQTT_BAD_SALE_EVENT"
  /** A TLS file (CA, certificate, key) could not be read. */
  | "MQTT_TLS_UNREADABLE"
  /** The broker refused our subscription or a publish (ACL, quota). */
  | "MQTT_REFUSED"
  /** The connection closed before the broker acknowledged. */
  | "MQTT_CONNECTION_LOST";

/** The reasons an inbound message is dropped, each counted separately. */
export type InboundRejection = Extract<
  MqttErrorCode,
  | "MQTT_BAD_ENVELOPE"
  | "MQTT_BAD_SIGNATURE"
  | "MQTT_BAD_PAYLOAD"
  | "MQTT_OTHER_TILL"
  | "MQTT_STALE_CHECKIN"
  | "MQTT_TOO_LARGE"
>;

/** A verified `user.checked-in.v1` for this till (docs/vipps-api.md §4). */
export interface CheckIn {
  /** This till's id (its callback QR's merchantQrId). */
  readonly merchantQrId: string;
  /** Opaque; valid 15 minutes from the scan; secret-ish — never log it. */
  readonly customerToken: string;
  readonly msn: string;
  /** Scan time, milliseconds since the epoch. */
  readonly initiatedAt: number;
}

/** The names are Vipps' contract (agent/vipps/types); the link validates against them. */
export { PAYMENT_EVENT_NAMES } from "../vipps/types/epayment.js";

/** A verified `epayments.payment.*.v1` event for a payment of this till (docs/vipps-api.md §6.6). */
export interface PaymentEvent {
  readonly msn: string;
  /** Starts with this till's id and a dash. */
  readonly reference: string;
  /** This event's PSP reference (each operation has its own). */
  readonly pspReference: string;
  readonly name: PaymentEventName;
  /** The event's amount (e.g. one partial capture), not the aggregate; integer minor units. */
  readonly amount: Money;
  /** Event time, milliseconds since the epoch. */
  readonly timestamp: number;
  /** Key of the request that caused it; absent for events the customer caused. */
  readonly idempotencyKey?: string;
  /** false = the operation failed. */
  readonly success: boolean;
}

export type InboundEvent =
  | { readonly kind: "check-in"; readonly checkIn: CheckIn }
  | { readonly kind: "payment"; readonly payment: PaymentEvent };

/**
 * `stopped` → (start) → `connecting` → `connected`; a lost connection is `disconnected` while
 * the next attempt waits its backoff, then `connecting` again.
 */
export type MqttLinkState = "stopped" | "connecting" | "connected" | "disconnected";

export interface MqttLinkCounters {
  /** Messages received on the webhook topic. */
  readonly received: number;
  /** Events handed to a handler that resolved (then acknowledged to the broker). */
  readonly delivered: number;
  /** Events dropped because the same event was already delivered. */
  readonly duplicates: number;
  /** Messages dropped as invalid, total and by reason. */
  readonly rejected: number;
  readonly rejectedByReason: Readonly<Record<InboundRejection, number>>;
  /** Valid events with no handler registered for their kind (acknowledged, logged). */
  readonly unhandled: number;
  /** Handler calls that threw (the message was not acknowledged and comes again). */
  readonly handlerFailures: number;
  /** Connections since start that subscribed and announced `online` (the first one included). */
  readonly connects: number;
  /** Sale events acknowledged by the broker and removed from the outbox. */
  readonly salesPublished: number;
  /** Sale events waiting in the outbox. */
  readonly outboxPending: number;
}
