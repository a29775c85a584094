/**
 * Payment references and idempotency keys. They are derived, never random, so the same step
 * of the same sale always sends the same key — after a retry, a crash or a power cut.
 *
 * reference  = `<till>-<referenceBase>-<attempt>`   e.g. `kasse1-mf3k2x9a-1`
 * key        = `<reference>-<step>`                 e.g. `kasse1-mf3k2x9a-1-capture`
 * (a capture after one Vipps refused as not yet authorized: `…-capture-2`, see Attempt)
 *
 * The till id comes first so the bridge can route ePayment webhooks by it (till ids have no
 * dash). `referenceBase` is time-based (base36 milliseconds), so a till whose journal was lost
 * still never reuses a reference. Lengths: till ≤ 20, base 8–9, attempt ≤ 3 digits, step ≤ 10
 * → reference ≤ 35 and key ≤ 46, inside ePayment's 50-character limits (and ≥ 8 for reference).
 */
export type IdempotentStep =
  "create" | "capture" | `capture-${number}` | "cancel" | "release" | `refund-${number}`;

export function paymentReference(tillId: string, referenceBase: string, attempt: number): string {
  return `${tillId}-${referenceBase}-${attempt}`;
}

export function idempotencyKey(reference: string, step: IdempotentStep): string {
  return `${reference}-${step}`;
}

/**
 * The key of a sale's n-th refund. A payment another till took may have had refunds there with
 * `{reference}-refund-1`…: a refund from elsewhere (refund-elsewhere.ts) uses this till's own
 * key base instead, so it can never be mistaken at Vipps for one of those (same key, same answer,
 * no refund).
 */
export function refundKey(
  sale: { readonly imported?: { readonly keyBase: string } },
  reference: string,
  n: number,
): string {
  return idempotencyKey(sale.imported?.keyBase ?? reference, `refund-${n}`);
}

/** The key of an attempt's capture: the same for every retry of the same capture request. */
export function captureKey(attempt: { readonly reference: string; readonly captureRound?: number }): string {
  const round = attempt.captureRound;
  return idempotencyKey(attempt.reference, round === undefined ? "capture" : `capture-${round}`);
}

/** The till id a reference belongs to (the bridge routes by it). */
export function tillOfReference(reference: string): string | undefined {
  const dash = reference.indexOf("-");
  return dash > 0 ? reference.slice(0, dash) : undefined;
}

/**
 * The next reference base: base36 of the wall clock in ms, but strictly increasing even when
 * two sales start in the same millisecond or the clock steps back (NTP after boot on a Pi).
 */
export function nextReferenceBase(now: number, previous: string | undefined): string {
  const last = previous === undefined ? 0 : parseInt(previous, 36);
  return Math.max(now, last + 1)
    .toString(36)
    .padStart(8, "0");
}
