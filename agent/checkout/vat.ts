import type { BasketLine } from "./sale.js";

/**
 * The VAT of a sale, computed once when the checkout accepts a basket and journalled with the
 * sale. The paper receipt, the receipt in the customer's app (the ePayment order lines), the
 * back office's sale event and the end-of-day report all print or send these figures; none of
 * them computes VAT. Amounts are integer minor units, VAT-inclusive as the register sends them;
 * rates are basis points (2500 = 25 %).
 *
 * The rounding rule (docs/architecture.md, "VAT"):
 *
 * 1. Per rate: the VAT contained in the rate's gross is `gross × rate / (10000 + rate)`, rounded
 *    half up to the minor unit — the figure a Norwegian, Danish or Finnish receipt shows per
 *    rate, and what anyone recomputing from the printed gross gets (off by at most ½ minor unit
 *    per rate, however many lines).
 * 2. Per line: that rate's VAT is shared out over its lines by largest remainder (ties to the
 *    earlier line), so each line's VAT is its exact share rounded down or up, never off by a
 *    whole minor unit, and the lines of a rate add up to the rate's VAT exactly. Vipps computes
 *    the app receipt's tax total from the lines' `totalTaxAmount`
 *    (https://developer.vippsmobilepay.com/docs/APIs/order-management-api/vipps-order-management-api/),
 *    so the app and the paper show the same VAT.
 *
 * Rounding every line on its own would not do: two 3-øre lines at 25 % have 0.6 øre VAT each,
 * 1 øre rounded, 2 øre together, while their 6-øre gross contains 1.2 øre.
 */

/** One VAT rate of a sale (or a day): `gross = net + vat`, minor units. */
export interface VatRate {
  readonly rate: number;
  readonly gross: number;
  readonly net: number;
  readonly vat: number;
}

export interface SaleVat {
  /** The VAT contained in each basket line's total, in basket order. */
  readonly lines: readonly number[];
  /** Per rate present in the basket, highest rate first. */
  readonly rates: readonly VatRate[];
}

type Line = Pick<BasketLine, "total" | "vatRate">;

/**
 * The VAT breakdown of basket lines. Totals are non-negative safe integers and rates 0–10000
 * (the register link validated them); the arithmetic is exact (BigInt) for any such total.
 */
export function saleVat(lines: readonly Line[]): SaleVat {
  const byRate = new Map<number, number[]>();
  lines.forEach((line, i) => byRate.set(line.vatRate, [...(byRate.get(line.vatRate) ?? []), i]));
  const lineVat = lines.map(() => 0);
  const rates: VatRate[] = [];
  for (const [rate, indexes] of [...byRate.entries()].sort(([a], [b]) => b - a)) {
    const gross = indexes.reduce((sum, i) => sum + (lines[i]?.total ?? 0), 0);
    const vat = vatContained(gross, rate);
    shareOut(
      vat,
      rate,
      indexes.map((i) => ({ index: i, total: lines[i]?.total ?? 0 })),
      lineVat,
    );
    rates.push({ rate, gross, net: gross - vat, vat });
  }
  return { lines: lineVat, rates };
}

/** The VAT contained in a VAT-inclusive amount, rounded half up: `gross × rate / (10000 + rate)`. */
export function vatContained(gross: number, rate: number): number {
  const denominator = BigInt(10_000 + rate);
  const twice = 2n * BigInt(gross) * BigInt(rate);
  return Number((twice + denominator) / (2n * denominator));
}

/** Largest remainder: floor of every exact share, then +1 to the largest remainders until `vat` is reached. */
function shareOut(
  vat: number,
  rate: number,
  members: readonly { index: number; total: number }[],
  out: number[],
): void {
  const denominator = BigInt(10_000 + rate);
  const shares = members.map(({ index, total }) => {
    const exact = BigInt(total) * BigInt(rate);
    return { index, floor: Number(exact / denominator), remainder: exact % denominator };
  });
  let left = vat - shares.reduce((sum, s) => sum + s.floor, 0);
  const byRemainder = [...shares].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (const share of byRemainder) {
    const extra = left > 0 && share.remainder > 0n ? 1 : 0;
    out[share.index] = share.floor + extra;
    left -= extra;
  }
}
