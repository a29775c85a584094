import type { ReceiptLine, VatBreakdown } from "./document.js";

/**
 * The VAT contained in a VAT-inclusive amount: `gross × rate / (10000 + rate)` with `rate` in
 * basis points, rounded half up to a whole minor unit. Exact integer arithmetic: gross ≤
 * 2^53 / 10000 keeps every intermediate a safe integer.
 */
export function vatOf(gross: number, rate: number): number {
  const sign = gross < 0 ? -1 : 1;
  const abs = Math.abs(gross);
  const denominator = 10_000 + rate;
  return sign * Math.floor((2 * abs * rate + denominator) / (2 * denominator));
}

/** Line totals grouped by VAT rate (highest rate first), with the VAT each group contains. */
export function vatSummary(lines: readonly Pick<ReceiptLine, "total" | "vatRate">[]): VatBreakdown[] {
  const gross = new Map<number, number>();
  for (const line of lines) gross.set(line.vatRate, (gross.get(line.vatRate) ?? 0) + line.total);
  return [...gross.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rate, sum]) => {
      const vat = vatOf(sum, rate);
      return { rate, gross: sum, vat, net: sum - vat };
    });
}
