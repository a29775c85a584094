/**
 * The till's MQTT link to the cloud bridge (docs/architecture.md, docs/mqtt-contract.md).
 *
 *   const link = createMqttLink({ config, secrets, db, clock?, logger?, health?: () => ({ links, degraded, currentSale? }) });
 *   link.onCheckIn((c: CheckIn, remember) => { journal what it changes, calling remember() in that transaction, or throw });
 *   link.onPaymentEvent((e: PaymentEvent, remember) => { the same });
 *   link.onStateChange((state) => …);   // "stopped" | "connecting" | "connected" | "disconnected"
 *   link.start();                        // returns at once; connects and reconnects in the background
 *   link.publishSaleEvent({ eventId, type: "sale.captured", saleId, reference, amount, occurredAt, … });
 *   link.counters();                     // received, delivered, duplicates, rejected (by reason) …
 *   link.healthChanged();                // the till's state changed: a fresh health message soon
 *   await link.stop();                   // retained `offline`, clean disconnect; the session stays
 *
 * Guarantees:
 * - Inbound webhooks are delivered AT LEAST ONCE across crashes: the PUBACK is sent only after
 *   the handler resolved (mqtt.js `handleMessage`), so the handler must journal durably whatever
 *   it keeps of the event (the checkout: a sale that moved on, a scan held for `pay`) before it
 *   resolves, and throw when it cannot (e.g. the checkout is stopping). A handler that throws
 *   gets the message again after a reconnect (the connection is dropped so the broker
 *   redelivers; later messages keep their order).
 * - Each event reaches a handler once in practice: events already handled are dropped by
 *   identity (ePayment: reference + name + pspReference; check-in: merchantQrId + customer token)
 *   in a bounded SQLite memory that survives restarts, written in the handler's own journal
 *   transaction when it calls `remember` (one disk write for both). When it journals nothing,
 *   the link writes the identity itself: a check-in durably, a payment event lazily (a repeat
 *   of one that changed nothing changes nothing). Handlers stay idempotent all the same.
 * - Nothing unverified is delivered: every envelope is schema-checked and its Vipps HMAC
 *   re-verified against config.vipps.webhookUrl and secrets.webhookSecrets; check-ins for
 *   another till, older than checkout.checkinMaxAgeSeconds or dated more than
 *   CHECKIN_CLOCK_SKEW_MS ahead are dropped. A bad envelope is logged without tokens and
 *   counted, never thrown.
 * - Persistent session: fixed client id (config mqttClientId), clean:false, MQTT 5 session
 *   expiry (config.mqtt.sessionExpirySeconds) or MQTT 3.1.1 (config.mqtt.protocolVersion 4);
 *   QoS 1 subscription renewed on every connect; Last Will = retained `offline`, retained
 *   `online` on every connect; health every config.mqtt.healthIntervalSeconds and, at most
 *   once a second, after `healthChanged()`.
 * - Sale events: a durable, ordered outbox (see `MqttLink.publishSaleEvent`).
 */
export { createMqttLink, type MqttLink, type MqttLinkOptions } from "./link.js";
export type { AgentHealthReport } from "./health.js";
export { PAYMENT_EVENT_NAMES, type CheckIn, type MqttLinkState, type PaymentEvent } from "./types.js";
