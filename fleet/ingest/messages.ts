import { AgentError } from "../../lib/errors.js";
import { MAXIMUM_PAYMENT } from "../../lib/money.js";
import {
  STATUS_OFFLINE,
  STATUS_ONLINE,
  decodeEnvelope,
  healthMessageSchema,
  parseTopic,
  saleEventMessageSchema,
  type HealthMessage,
  type SaleEventMessage,
} from "../../lib/mqtt-contract/index.js";
import type { FleetRejection } from "../errors.js";

/**
 * What a message from the broker means to the fleet, or why it is dropped. Everything here is
 * untrusted: a till may only publish in its own subtree (the broker's ACL), but a compromised
 * one can publish anything there. So the topic decides which till it is about, the payload must
 * agree, sizes and amounts are bounded, and nothing outside the contract is kept. A webhook
 * envelope's body (a customer token) is never read: only the bridge's routing note.
 */
export type FleetMessage =
  | {
      readonly kind: "status";
      readonly tillId: string;
      readonly status: "online" | "offline";
      readonly retained: boolean;
    }
  | { readonly kind: "health"; readonly tillId: string; readonly health: HealthMessage }
  | { readonly kind: "sale"; readonly tillId: string; readonly event: SaleEventMessage }
  | { readonly kind: "unrouted"; readonly event?: string; readonly reason?: string };

export type ParsedMessage =
  | { readonly ok: true; readonly message: FleetMessage }
  | { readonly ok: false; readonly error: AgentError<FleetRejection> };

/** Health and sale messages are a few kilobytes; a sale event's 200 lines stay well below this. */
const MAX_JSON_BYTES = 256 * 1024;
const EVENT_NAME = /^[a-z0-9._-]{1,128}$/;
/** No control or format characters (e.g. bidi overrides): the reason is shown on a page and in logs. */
const PRINTABLE = /^[^\p{Cc}\p{Cf}]{1,256}$/u;

function reject(code: FleetRejection, message: string, tillId?: string): ParsedMessage {
  return {
    ok: false,
    error: new AgentError(code, message, { details: tillId === undefined ? {} : { tillId } }),
  };
}

function json(payload: Buffer): unknown {
  if (payload.byteLength > MAX_JSON_BYTES) return undefined;
  try {
    return JSON.parse(payload.toString("utf8"));
  } catch {
    return undefined;
  }
}

/** `msn` is the one this service watches; messages of another are refused like any foreign topic. */
export function parseFleetMessage(p: {
  prefix: string;
  msn: string;
  topic: string;
  payload: Buffer;
  retained: boolean;
}): ParsedMessage {
  const topic = parseTopic(p.prefix, p.topic);
  if (topic === undefined || topic.msn !== p.msn || topic.kind === "webhook")
    return reject("FLEET_BAD_TOPIC", "a message on a topic this service does not read");
  switch (topic.kind) {
    case "status": {
      const text = p.payload.toString("utf8");
      if (text !== STATUS_ONLINE && text !== STATUS_OFFLINE)
        return reject("FLEET_BAD_STATUS", "status is neither online nor offline", topic.tillId);
      return {
        ok: true,
        message: { kind: "status", tillId: topic.tillId, status: text, retained: p.retained },
      };
    }
    case "health": {
      const parsed = healthMessageSchema.safeParse(json(p.payload));
      if (!parsed.success)
        return reject("FLEET_BAD_HEALTH", "health message fails the contract", topic.tillId);
      if (parsed.data.tillId !== topic.tillId || parsed.data.msn !== p.msn)
        return reject("FLEET_BAD_HEALTH", "health message names another till than its topic", topic.tillId);
      return { ok: true, message: { kind: "health", tillId: topic.tillId, health: parsed.data } };
    }
    case "sales": {
      const parsed = saleEventMessageSchema.safeParse(json(p.payload));
      if (!parsed.success)
        return reject("FLEET_BAD_SALE_EVENT", "sale event fails the contract", topic.tillId);
      const event = parsed.data;
      if (event.tillId !== topic.tillId || event.msn !== p.msn)
        return reject("FLEET_BAD_SALE_EVENT", "sale event names another till than its topic", topic.tillId);
      // No Vipps payment is larger (ePayment's Amount maximum); this also keeps every sum exact.
      if (event.amount.value > MAXIMUM_PAYMENT)
        return reject("FLEET_BAD_SALE_EVENT", "sale event amount above any payment's maximum", topic.tillId);
      return { ok: true, message: { kind: "sale", tillId: topic.tillId, event } };
    }
    case "unrouted": {
      const decoded = decodeEnvelope(p.payload);
      if (!decoded.ok)
        return reject("FLEET_BAD_UNROUTED", `unrouted message is not an envelope: ${decoded.problem}`);
      const { event, reason } = decoded.envelope.route;
      return {
        ok: true,
        message: {
          kind: "unrouted",
          ...(event !== undefined && EVENT_NAME.test(event) ? { event } : {}),
          ...(reason !== undefined && PRINTABLE.test(reason) ? { reason } : {}),
        },
      };
    }
  }
}
