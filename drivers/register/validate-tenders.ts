import { MAX_TENDERS, TENDER_KINDS } from "./protocol.js";
import { badField, checkAmount, invalid, isObject, type Fields, type Invalid } from "./validate-fields.js";

/**
 * Split tender on `pay` (extension, docs/register-protocol.md §7.14): `amount`, the part Vipps
 * MobilePay collects, and `tenders`, what the register took for the rest. Checked against the
 * `pay`'s own `total` here, before any state is looked at; that `total` is the basket's is the
 * checkout's rule (BASKET_TOTAL_MISMATCH), as for every `pay`.
 */
export function checkSplitTender(m: Fields): Invalid | null {
  if (m.amount === undefined && m.tenders === undefined) return null;
  if (m.amount === undefined) return badField("amount", "expected the Vipps MobilePay part with tenders");
  if (m.tenders === undefined) return badField("tenders", "expected the other tenders with amount");
  const amountProblem = checkAmount(m.amount, "amount");
  if (amountProblem !== null) return amountProblem;
  const listProblem = checkTenders(m.tenders, "tenders");
  if (listProblem !== null) return listProblem;
  const others = (m.tenders as { amount: number }[]).reduce((sum, t) => sum + t.amount, 0);
  const vipps = m.amount as number;
  const total = m.total as number;
  if (vipps > total) return invalid("AMOUNT_ABOVE_TOTAL", `amount ${vipps} is more than the total ${total}`);
  if (!Number.isSafeInteger(vipps + others) || vipps + others !== total)
    return invalid(
      "TENDERS_MISMATCH",
      `amount ${vipps} and the tenders (${others}) do not add up to the total ${total}`,
    );
  return null;
}

/** A list of 1–MAX_TENDERS `{kind, amount}`: a known kind (else UNKNOWN_TENDER), an amount ≥ 1. */
export function checkTenders(tenders: unknown, field: string): Invalid | null {
  if (!Array.isArray(tenders) || tenders.length === 0 || tenders.length > MAX_TENDERS)
    return badField(field, `expected 1–${MAX_TENDERS} tenders`);
  for (const [i, tender] of (tenders as unknown[]).entries()) {
    const path = `${field}[${i}]`;
    if (!isObject(tender) || Object.keys(tender).some((k) => k !== "kind" && k !== "amount"))
      return badField(path, "expected {kind, amount}");
    if (typeof tender.kind !== "string") return badField(`${path}.kind`, "expected a tender kind");
    if (!(TENDER_KINDS as readonly string[]).includes(tender.kind))
      return invalid("UNKNOWN_TENDER", `${path}.kind: expected one of ${TENDER_KINDS.join(", ")}`);
    const amount = tender.amount;
    if (typeof amount !== "number" || !Number.isSafeInteger(amount) || amount < 1)
      return badField(`${path}.amount`, "expected a positive integer in minor units");
  }
  return null;
}
