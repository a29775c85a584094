import type { HeldScan, TillState } from "../checkout/till.js";

/**
 * The till's own fields in `journal_meta`, one row each: the counters that keep references
 * unique, and the state that decides which scan may pay for which basket (checkout/scans.ts) —
 * kept across a restart so a scan acknowledged to the broker is never lost (the MQTT link's
 * rule: journalled before acknowledged).
 */

/** The till's own fields as journal_meta values; undefined = no row. */
export function tillMeta(till: TillState): Record<string, string | undefined> {
  const held = till.held;
  return {
    lastSaleNo: String(till.lastSaleNo),
    lastReferenceBase: till.lastReferenceBase,
    heldScan:
      held === undefined
        ? undefined
        : JSON.stringify({
            saleId: held.saleId,
            customerToken: held.checkIn.customerToken,
            initiatedAt: held.checkIn.initiatedAt,
          }),
    lastBasket: till.lastBasket === undefined ? undefined : JSON.stringify(till.lastBasket),
    paymentEndedAt: till.paymentEndedAt === undefined ? undefined : String(till.paymentEndedAt),
  };
}

/** The inverse of tillMeta; a value that does not parse is left out (a held scan is then lost, never misused). */
export function tillFromMeta(meta: ReadonlyMap<string, string>): Partial<TillState> {
  const json = (key: string): Record<string, unknown> | undefined => {
    const text = meta.get(key);
    if (text === undefined) return undefined;
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const h = json("heldScan");
  const held: HeldScan | undefined =
    typeof h?.saleId === "string" &&
    typeof h.customerToken === "string" &&
    Number.isSafeInteger(h.initiatedAt)
      ? {
          saleId: h.saleId,
          checkIn: { customerToken: h.customerToken, initiatedAt: h.initiatedAt as number },
        }
      : undefined;
  const b = json("lastBasket");
  const lastBasket =
    typeof b?.saleId === "string" && Number.isSafeInteger(b.createdAt)
      ? { saleId: b.saleId, createdAt: b.createdAt as number }
      : undefined;
  const ended = Number(meta.get("paymentEndedAt"));
  const lastReferenceBase = meta.get("lastReferenceBase");
  return {
    ...(lastReferenceBase === undefined ? {} : { lastReferenceBase }),
    ...(held === undefined ? {} : { held }),
    ...(lastBasket === undefined ? {} : { lastBasket }),
    ...(Number.isSafeInteger(ended) && meta.has("paymentEndedAt") ? { paymentEndedAt: ended } : {}),
  };
}
