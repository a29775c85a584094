import { z } from "zod";
import { CURRENCIES } from "../../lib/money.js";
import { PAYMENT_EVENT_NAMES, type CheckIn, type PaymentEvent } from "./types.js";

/**
 * Strict parsers for the two webhook payloads the till acts on, applied only after the
 * signature verified. Extra fields are allowed (Vipps adds fields, e.g. `captureGuaranteedUntil`),
 * missing or mistyped ones are not.
 */

/**
 * Parses Vipps' ISO 8601 instants leniently (docs/vipps-api.md §4): any number of fractional digits
 * (Vipps sends 7: `2023-10-06T10:45:40.3061965Z`), `Z` or a ±hh:mm offset; without a zone the
 * time is UTC. Returns milliseconds since the epoch, or undefined.
 */
export function parseVippsInstant(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|z|[+-]\d{2}:?\d{2})?$/.exec(
    text.trim(),
  );
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  const ms = Number(((fraction ?? "") + "000").slice(0, 3));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(utc);
  // Date.UTC rolls 2026-02-31 over to March; refuse dates that do not exist.
  if (
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    check.getUTCHours() !== Number(h) ||
    Number(s) > 59 ||
    Number(mi) > 59
  )
    return undefined;
  if (zone === undefined || zone === "Z" || zone === "z") return utc;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
  return utc - sign * offsetMinutes * 60_000;
}

const instant = z.string().transform((text, ctx) => {
  const value = parseVippsInstant(text);
  if (value === undefined) {
    ctx.addIssue({ code: "custom", message: "not an ISO 8601 time" });
    return z.NEVER;
  }
  return value;
});

const msn = z.string().regex(/^\d{4,10}$/);

const checkInSchema = z
  .looseObject({
    customerToken: z.string().min(1).max(1024),
    merchantQrId: z.string().min(1).max(128),
    msn: msn.optional(),
    /** The field's name before the QR API renamed it (docs/vipps-api.md §4). */
    merchantSerialNumber: msn.optional(),
    initiatedAt: instant,
  })
  .refine((c) => c.msn !== undefined || c.merchantSerialNumber !== undefined, {
    error: "msn missing",
    path: ["msn"],
  });

const paymentSchema = z.looseObject({
  msn,
  reference: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  pspReference: z.string().min(1).max(100),
  name: z.enum(PAYMENT_EVENT_NAMES),
  amount: z.looseObject({ currency: z.enum(CURRENCIES), value: z.int().min(0).max(Number.MAX_SAFE_INTEGER) }),
  timestamp: instant,
  idempotencyKey: z.string().max(100).nullish(),
  success: z.boolean(),
});

export type ParsedWebhook =
  | { kind: "check-in"; checkIn: CheckIn }
  | { kind: "payment"; payment: PaymentEvent }
  | { kind: "invalid"; problem: string };

function problemOf(error: z.ZodError): string {
  const issue = error.issues[0];
  const path =
    issue === undefined || issue.path.length === 0 ? "(payload)" : issue.path.map(String).join(".");
  return `${path}: ${issue?.message ?? "invalid"}`;
}

/** Which payload it is, by its shape: a check-in has `merchantQrId`, an ePayment event `reference`. */
export function parseWebhookPayload(json: unknown): ParsedWebhook {
  if (typeof json !== "object" || json === null || Array.isArray(json))
    return { kind: "invalid", problem: "payload is not a JSON object" };
  if ("merchantQrId" in json) {
    const r = checkInSchema.safeParse(json);
    if (!r.success) return { kind: "invalid", problem: problemOf(r.error) };
    const c = r.data;
    return {
      kind: "check-in",
      checkIn: {
        merchantQrId: c.merchantQrId,
        customerToken: c.customerToken,
        msn: c.msn ?? c.merchantSerialNumber ?? "",
        initiatedAt: c.initiatedAt,
      },
    };
  }
  if ("reference" in json) {
    const r = paymentSchema.safeParse(json);
    if (!r.success) return { kind: "invalid", problem: problemOf(r.error) };
    const p = r.data;
    return {
      kind: "payment",
      payment: {
        msn: p.msn,
        reference: p.reference,
        pspReference: p.pspReference,
        name: p.name,
        amount: { currency: p.amount.currency, value: p.amount.value },
        timestamp: p.timestamp,
        ...(typeof p.idempotencyKey === "string" ? { idempotencyKey: p.idempotencyKey } : {}),
        success: p.success,
      },
    };
  }
  return { kind: "invalid", problem: "neither a check-in nor an ePayment event" };
}
