import type { Clock } from "../../lib/clock.js";
import { AgentError, errorMessage } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import type { DedupeMemory } from "./dedupe-memory.js";
import { checkInbound, type InboundContext } from "./inbound.js";
import type { CheckIn, InboundEvent, InboundRejection, MqttLinkCounters, PaymentEvent } from "./types.js";

/** Called with the event and `remember` (see MqttLink.onCheckIn for the contract). */
export type InboundHandler<E> = (event: E, remember: () => void) => Promise<void> | void;

/** What the inbound path counts: its part of MqttLinkCounters, written in place. */
export type InboundCounters = {
  -readonly [
    K in "received" | "delivered" | "duplicates" | "rejected" | "unhandled" | "handlerFailures"
  ]: MqttLinkCounters[K];
} & { rejectedByReason: Record<InboundRejection, number> };

/** The inbound counters of a new link: nothing received yet, every rejection reason at 0. */
export function zeroInboundCounters(): InboundCounters {
  return {
    received: 0,
    delivered: 0,
    duplicates: 0,
    rejected: 0,
    rejectedByReason: {
      MQTT_BAD_ENVELOPE: 0,
      MQTT_BAD_SIGNATURE: 0,
      MQTT_BAD_PAYLOAD: 0,
      MQTT_OTHER_TILL: 0,
      MQTT_STALE_CHECKIN: 0,
      MQTT_TOO_LARGE: 0,
    },
    unhandled: 0,
    handlerFailures: 0,
  };
}

export interface InboundDeliveryOptions {
  /** Everything `checkInbound` needs but the time, which is read from `clock` per message. */
  readonly context: Omit<InboundContext, "now">;
  readonly dedupe: DedupeMemory;
  readonly counters: InboundCounters;
  readonly clock: Clock;
  readonly log: Logger;
  /** Read per message: handlers are registered after the link is built. */
  readonly handlers: () => {
    readonly checkIn: InboundHandler<CheckIn> | undefined;
    readonly payment: InboundHandler<PaymentEvent> | undefined;
  };
}

/**
 * One webhook envelope from the broker to its handler: verified (`checkInbound`), de-duplicated,
 * delivered. Resolves when the message may be acknowledged (PUBACK): delivered and remembered, a
 * duplicate, or invalid (it would be invalid on a redelivery too). Rejects when the handler threw:
 * the message must not be acknowledged, so the broker delivers it again. The MQTT link runs
 * every webhook message through this; the deterministic simulation (docs/simulation.md) drives it
 * from its in-process broker.
 */
export function createInboundDelivery(
  options: InboundDeliveryOptions,
): (payload: Uint8Array) => Promise<void> {
  const { dedupe, counters, clock, log } = options;
  /** Events being handled right now, by identity: their delivery, settled either way. */
  const inFlight = new Map<string, Promise<void>>();

  const handlerFor = (event: InboundEvent): ((remember: () => void) => Promise<void> | void) | undefined => {
    const handlers = options.handlers();
    switch (event.kind) {
      case "payment": {
        const handler = handlers.payment;
        return handler === undefined ? undefined : (remember) => handler(event.payment, remember);
      }
      case "check-in": {
        const handler = handlers.checkIn;
        return handler === undefined ? undefined : (remember) => handler(event.checkIn, remember);
      }
    }
  };

  return async (payload) => {
    counters.received += 1;
    const result = checkInbound(payload, { ...options.context, now: clock.now() });
    if (!result.ok) {
      counters.rejected += 1;
      counters.rejectedByReason[result.error.code] += 1;
      log.warn({ err: result.error.toJSON() }, "inbound webhook dropped");
      return;
    }
    // A broker that lost the connection while a handler still ran redelivers that message on the
    // next connection. Until the first delivery settles it is neither remembered nor failed:
    // wait for it, so the copy is dropped as a duplicate — or acted on, if the first failed.
    for (let earlier = inFlight.get(result.dedupeKey); earlier !== undefined;) {
      await earlier;
      earlier = inFlight.get(result.dedupeKey);
    }
    if (dedupe.has(result.dedupeKey)) {
      counters.duplicates += 1;
      log.debug({ kind: result.event.kind }, "duplicate webhook dropped");
      return;
    }
    const { event } = result;
    const what =
      event.kind === "payment"
        ? { kind: event.kind, reference: event.payment.reference, event: event.payment.name }
        : { kind: event.kind };
    const deliver = handlerFor(event);
    if (deliver === undefined) {
      counters.unhandled += 1;
      log.error(what, "no handler registered for this event; acknowledged and dropped");
      return;
    }
    let remembered = false;
    const remember = (): void => {
      if (remembered) return;
      dedupe.remember(result.dedupeKey, clock.now());
      remembered = true;
    };
    const delivery = (async () => {
      await deliver(remember);
      // Remembered only with or after the handler's success: a failed delivery must come through
      // again. An event the checkout did not journal: a check-in must stay dropped even after a
      // power cut (it could otherwise pay for another basket), so its identity is durable; a
      // payment event is a fact Vipps keeps — the checkout ignores a repeat of one that changed
      // nothing, and asks Vipps when in doubt — so its identity is written lazily.
      if (!remembered)
        dedupe.remember(result.dedupeKey, clock.now(), event.kind === "check-in" ? "durable" : "lazy");
    })();
    inFlight.set(
      result.dedupeKey,
      delivery.then(
        () => undefined,
        () => undefined,
      ),
    );
    try {
      await delivery;
    } catch (error) {
      counters.handlerFailures += 1;
      log.error(
        { ...what, err: error instanceof AgentError ? error.toJSON() : errorMessage(error) },
        "event handler failed; not acknowledged, the broker will redeliver",
      );
      throw error;
    } finally {
      inFlight.delete(result.dedupeKey);
    }
    counters.delivered += 1;
    log.info(what, "webhook event delivered");
  };
}
