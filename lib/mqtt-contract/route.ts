import { isMsn, isTillId } from "./topics.js";

/**
 * Where a verified webhook goes (docs/mqtt-contract.md "Routing", docs/vipps-api.md §4, §6.6):
 * - `user.checked-in.v1` by its `merchantQrId` (each till's callback QR id is its till id);
 * - `epayments.payment.*.v1` by the till id that starts its `reference` (`<tillId>-<…>`; till
 *   ids have no dash, so the first dash ends it);
 * - the MSN in the payload (`msn`, or the legacy `merchantSerialNumber`) picks the MSN subtree.
 *
 * Deliberately lenient: routing reads only those fields. Whether the event is well formed is
 * the till's decision after it has verified the signature itself.
 */
export type WebhookRoute =
  | { readonly routed: true; readonly msn: string; readonly tillId: string; readonly event: string }
  | { readonly routed: false; readonly msn?: string; readonly event?: string; readonly reason: string };

/** `epayments.payment.<name>.v1` for an ePayment event name such as `AUTHORIZED`. */
export function paymentEventType(name: string): string {
  return `epayments.payment.${name.toLowerCase()}.v1`;
}

export const CHECK_IN_EVENT = "user.checked-in.v1";

const REFERENCE_TILL = /^([A-Za-z0-9]{2,20})-/;

function msnOf(payload: Record<string, unknown>): string | undefined {
  const value = payload.msn ?? payload.merchantSerialNumber;
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  return typeof value === "string" ? value : undefined;
}

export function routeWebhook(payload: unknown): WebhookRoute {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    return { routed: false, reason: "payload is not a JSON object" };
  }
  const p = payload as Record<string, unknown>;
  const rawMsn = msnOf(p);
  const msn = rawMsn !== undefined && isMsn(rawMsn) ? rawMsn : undefined;

  let event: string;
  let tillId: string | undefined;
  let tillProblem: string;
  if (typeof p.merchantQrId === "string" && typeof p.customerToken === "string") {
    event = CHECK_IN_EVENT;
    tillId = isTillId(p.merchantQrId) ? p.merchantQrId : undefined;
    tillProblem = "merchantQrId is not a till id (2–20 letters or digits)";
  } else if (typeof p.reference === "string" && typeof p.name === "string") {
    event = /^[A-Z]{1,32}$/.test(p.name) ? paymentEventType(p.name) : "epayments.payment.unknown";
    tillId = REFERENCE_TILL.exec(p.reference)?.[1];
    tillProblem = "reference does not start with a till id and a dash";
  } else {
    return {
      routed: false,
      ...(msn === undefined ? {} : { msn }),
      reason: "neither a check-in nor an ePayment event",
    };
  }
  if (msn === undefined) return { routed: false, event, reason: "msn missing or not 4–10 digits" };
  if (tillId === undefined) return { routed: false, msn, event, reason: tillProblem };
  return { routed: true, msn, tillId, event };
}
