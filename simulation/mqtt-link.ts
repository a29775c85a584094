import { CHECKIN_CLOCK_SKEW_MS } from "../agent/checkout/settings.js";
import { DedupeMemory } from "../agent/mqtt/dedupe-memory.js";
import {
  createInboundDelivery,
  zeroInboundCounters,
  type InboundCounters,
  type InboundHandler,
} from "../agent/mqtt/inbound-delivery.js";
import type { MqttLink, MqttLinkOptions } from "../agent/mqtt/link.js";
import { SaleOutbox } from "../agent/mqtt/sale-outbox.js";
import type { CheckIn, MqttLinkState, PaymentEvent } from "../agent/mqtt/types.js";
import type { Clock } from "../lib/clock.js";
import { silentLogger } from "../lib/log.js";
import type { SimBroker } from "./broker.js";

const SIM_BRIDGE = "sim-bridge";

/**
 * The agent's MQTT link with the socket replaced by the simulated broker: the real inbound path
 * (`createInboundDelivery`: envelope, HMAC against our URL and secrets, de-duplication in the
 * journal's database, PUBACK only after the handler journalled) and the real sale-event outbox.
 * `onSaleEventQueued` is called inside the journal transaction that queues a sale event, and
 * `onEventRemembered` inside the one that journals an inbound event with its identity: crash
 * points the simulation uses.
 */
export function simMqttLink(
  options: MqttLinkOptions,
  broker: SimBroker,
  clock: Clock,
  hooks: {
    readonly onSaleEventQueued: () => void;
    readonly onEventRemembered: () => void;
    readonly beforeAck: () => void;
    readonly alive: () => boolean;
  },
): MqttLink {
  const { config, secrets, db } = options;
  const counters: InboundCounters = zeroInboundCounters();
  let checkIn: InboundHandler<CheckIn> | undefined;
  let payment: InboundHandler<PaymentEvent> | undefined;
  const dedupe = new DedupeMemory(db);
  const outbox = new SaleOutbox(db);
  const inbound = createInboundDelivery({
    context: {
      secrets: secrets.webhookSecrets,
      registeredUrl: config.vipps.webhookUrl,
      msn: config.vipps.msn,
      tillId: config.till.id,
      checkinMaxAgeMs: config.checkout.checkinMaxAgeSeconds * 1000,
      maxClockSkewMs: CHECKIN_CLOCK_SKEW_MS,
    },
    dedupe,
    counters,
    clock,
    log: silentLogger(),
    handlers: () => ({ checkIn: withCrashPoint(checkIn), payment: withCrashPoint(payment) }),
  });
  function withCrashPoint<E>(handler: InboundHandler<E> | undefined): InboundHandler<E> | undefined {
    if (handler === undefined) return undefined;
    return (event, remember) =>
      handler(event, () => {
        remember();
        hooks.onEventRemembered();
      });
  }
  let state: MqttLinkState = "stopped";
  let published = 0;
  const listeners = new Set<(s: MqttLinkState) => void>();
  const bridgeListeners = new Set<() => void>();
  // The simulated bridge is online exactly while the broker connection is: its heartbeat is
  // what `checkout.identification: auto` reads to sell by the till's own QR.
  const setState = (s: MqttLinkState): void => {
    const bridgeWas = state === "connected";
    state = s;
    for (const l of listeners) l(s);
    if (bridgeWas !== (s === "connected")) for (const l of bridgeListeners) l();
  };
  const deliver = (payload: Buffer): Promise<void> =>
    hooks.alive() ? inbound(payload).then(hooks.beforeAck) : new Promise<void>(() => undefined);
  const connect = (): void => {
    if (state === "stopped" || !hooks.alive()) return;
    setState("connecting");
    if (broker.connect(deliver, dropped)) {
      setState("connected");
      drainOutbox();
    } else {
      setState("disconnected");
      clock.setTimeout(connect, config.mqtt.reconnectMinMs);
    }
  };
  function dropped(): void {
    if (state === "stopped") return;
    setState("disconnected");
    clock.setTimeout(connect, config.mqtt.reconnectMinMs);
  }
  const drainOutbox = (): void => {
    // The broker's PUBACK for a sale event: removed only then, oldest first.
    for (let head = outbox.head(); head !== undefined && state === "connected"; head = outbox.head()) {
      broker.saleEvents.push(head.payload);
      outbox.remove(head.seq);
      published++;
    }
  };

  return {
    start() {
      setState("connecting");
      clock.setTimeout(connect, 10);
    },
    stop() {
      broker.disconnect(deliver);
      setState("stopped");
      return Promise.resolve();
    },
    onCheckIn(handler) {
      checkIn = handler;
    },
    onPaymentEvent(handler) {
      payment = handler;
    },
    publishSaleEvent(event) {
      outbox.add(event.eventId, JSON.stringify(event), clock.now());
      hooks.onSaleEventQueued();
      if (state === "connected") clock.setTimeout(drainOutbox, 1);
    },
    get state() {
      return state;
    },
    onStateChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    counters: () => ({ ...counters, connects: 0, salesPublished: published, outboxPending: outbox.pending }),
    healthChanged: () => undefined,
    get bridgesOnline() {
      return state === "connected" ? [SIM_BRIDGE] : [];
    },
    onBridgesChange(listener) {
      bridgeListeners.add(listener);
      return () => bridgeListeners.delete(listener);
    },
    get broker() {
      return state === "connected" ? "sim://broker" : undefined;
    },
  };
}
