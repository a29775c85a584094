import { createHash } from "node:crypto";
import { verifyWebhookSignature } from "../../lib/webhook-signature.js";
import { AgentError } from "../../lib/errors.js";
import { decodeEnvelope } from "../../lib/mqtt-contract/index.js";
import type { InboundEvent, InboundRejection } from "./types.js";
import { parseWebhookPayload } from "./vipps-events.js";

/**
 * The till's checks on every inbound envelope, in order, as one pure function:
 * schema → HMAC re-verified against OUR registered URL and secrets (the broker, and the
 * envelope's own `registeredUrl`, are not trusted) → payload → for this till and MSN →
 * check-in time (not too old, not from the future). De-duplication needs the store, so it is the
 * caller's step, by `dedupeKey`.
 */
export interface InboundContext {
  readonly secrets: readonly string[];
  /** config.vipps.webhookUrl */
  readonly registeredUrl: string;
  readonly msn: string;
  readonly tillId: string;
  readonly checkinMaxAgeMs: number;
  /** How far ahead of `now` a check-in's `initiatedAt` may be (clocks disagree a little, no more). */
  readonly maxClockSkewMs: number;
  /** Wall clock, ms since the epoch. */
  readonly now: number;
}

export type InboundResult =
  | { readonly ok: true; readonly event: InboundEvent; readonly dedupeKey: string }
  | { readonly ok: false; readonly error: AgentError<InboundRejection> };

/**
 * The identity of an event for de-duplication (docs/vipps-api.md §5.2): ePayment by reference + name +
 * pspReference; check-in by merchantQrId + customer token. Hashed, so the store holds no token.
 */
function eventIdentity(event: InboundEvent): string {
  const text =
    event.kind === "payment"
      ? `payment\n${event.payment.reference}\n${event.payment.name}\n${event.payment.pspReference}`
      : `check-in\n${event.checkIn.merchantQrId}\n${event.checkIn.customerToken}`;
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function reject(
  code: InboundRejection,
  message: string,
  details: Record<string, unknown> = {},
): InboundResult {
  return { ok: false, error: new AgentError(code, message, { details }) };
}

export function checkInbound(payload: Uint8Array, ctx: InboundContext): InboundResult {
  const decoded = decodeEnvelope(payload);
  if (!decoded.ok) return reject("MQTT_BAD_ENVELOPE", "envelope refused", { problem: decoded.problem });
  const { envelope, rawBody } = decoded;

  if (
    !verifyWebhookSignature({
      secrets: ctx.secrets,
      registeredUrl: ctx.registeredUrl,
      rawBody,
      headers: envelope.headers,
    })
  ) {
    const urlMatches = envelope.registeredUrl === ctx.registeredUrl;
    return reject("MQTT_BAD_SIGNATURE", "webhook signature does not verify", {
      // A differing URL points at configuration (vipps.webhookUrl), not at an attack.
      ...(urlMatches ? {} : { envelopeUrl: envelope.registeredUrl, configuredUrl: ctx.registeredUrl }),
    });
  }

  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString("utf8"));
  } catch {
    return reject("MQTT_BAD_PAYLOAD", "signed body is not JSON");
  }
  const parsed = parseWebhookPayload(json);
  if (parsed.kind === "invalid")
    return reject("MQTT_BAD_PAYLOAD", "signed body is not a usable event", { problem: parsed.problem });

  let event: InboundEvent;
  if (parsed.kind === "check-in") {
    const { checkIn } = parsed;
    if (checkIn.merchantQrId !== ctx.tillId || checkIn.msn !== ctx.msn) {
      return reject("MQTT_OTHER_TILL", "check-in for another till", {
        merchantQrId: checkIn.merchantQrId,
        msn: checkIn.msn,
      });
    }
    const ageMs = ctx.now - checkIn.initiatedAt;
    // A scan "from the future" would never grow too old, so it could be held and used at any
    // later time: beyond what clocks can disagree it is refused like a stale one.
    if (-ageMs > ctx.maxClockSkewMs) {
      return reject("MQTT_STALE_CHECKIN", "check-in dated in the future", {
        aheadSeconds: Math.round(-ageMs / 1000),
        maxSkewSeconds: Math.round(ctx.maxClockSkewMs / 1000),
      });
    }
    if (ageMs > ctx.checkinMaxAgeMs) {
      return reject("MQTT_STALE_CHECKIN", "check-in too old", {
        ageSeconds: Math.round(ageMs / 1000),
        maxAgeSeconds: Math.round(ctx.checkinMaxAgeMs / 1000),
      });
    }
    event = { kind: "check-in", checkIn };
  } else {
    const { payment } = parsed;
    if (!payment.reference.startsWith(`${ctx.tillId}-`) || payment.msn !== ctx.msn) {
      return reject("MQTT_OTHER_TILL", "payment event for another till", {
        reference: payment.reference,
        msn: payment.msn,
      });
    }
    event = { kind: "payment", payment };
  }
  return { ok: true, event, dedupeKey: eventIdentity(event) };
}
