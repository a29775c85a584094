import type { ExtraDetail } from "../http/error-bodies.js";
import { isPlainObject } from "../http/auth.js";

/**
 * The `receipt` of a create request, or the body of an Order Management receipt, checked against
 * order-management.yaml `Receipt`
 * (epayment.yaml points there): at least one order line with name, id and integer totals; a
 * tax rate (taxRate 0–10000 or the deprecated taxPercentage 0–100); unitInfo with unitPrice and
 * a decimal-string quantity; bottomLine with a currency. Returns every problem found.
 *
 * Whether Vipps checks that the lines add up to the payment amount is not documented, so that
 * is not enforced here (the agent's own checks must hold anyway).
 */
const QUANTITY = /^\d+([.]\d{1,8})?$/;
const QUANTITY_UNITS = ["PCS", "KG", "KM", "MINUTE", "LITRE", "KWH"];
const BARCODE_FORMATS = ["EAN-13", "CODE 39", "CODE 128"];
const CURRENCIES = ["NOK", "DKK", "EUR"];

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);
const optional = (v: unknown): boolean => v === undefined || v === null;

function checkLine(line: unknown, at: string, out: ExtraDetail[]): void {
  if (!isPlainObject(line)) {
    out.push({ name: at, reason: "An order line must be an object." });
    return;
  }
  for (const key of ["name", "id"] as const) {
    if (typeof line[key] !== "string" || line[key] === "")
      out.push({ name: `${at}.${key}`, reason: "Required string." });
  }
  for (const key of ["totalAmount", "totalAmountExcludingTax", "totalTaxAmount"] as const) {
    if (!isInt(line[key])) out.push({ name: `${at}.${key}`, reason: "Required integer (minor units)." });
  }
  const { taxRate, taxPercentage } = line;
  if (optional(taxRate) && optional(taxPercentage))
    out.push({ name: `${at}.taxRate`, reason: "Either taxRate or taxPercentage must be set." });
  if (!optional(taxRate) && !(isInt(taxRate) && taxRate >= 0 && taxRate <= 10_000))
    out.push({ name: `${at}.taxRate`, reason: "Integer from 0 to 10000 (hundredths of a percent)." });
  if (!optional(taxPercentage) && !(isInt(taxPercentage) && taxPercentage >= 0 && taxPercentage <= 100))
    out.push({ name: `${at}.taxPercentage`, reason: "Integer from 0 to 100." });
  if (!optional(line.discount) && !(isInt(line.discount) && line.discount >= 0))
    out.push({ name: `${at}.discount`, reason: "Integer ≥ 0 (minor units)." });
  if (!optional(line.productUrl) && typeof line.productUrl !== "string")
    out.push({ name: `${at}.productUrl`, reason: "String." });
  for (const key of ["isReturn", "isShipping"] as const) {
    if (!optional(line[key]) && typeof line[key] !== "boolean")
      out.push({ name: `${at}.${key}`, reason: "Boolean." });
  }
  const unit = line.unitInfo;
  if (unit === undefined) return;
  if (!isPlainObject(unit)) {
    out.push({ name: `${at}.unitInfo`, reason: "Object." });
    return;
  }
  if (!(isInt(unit.unitPrice) && unit.unitPrice >= 0))
    out.push({ name: `${at}.unitInfo.unitPrice`, reason: "Required integer ≥ 0 (minor units)." });
  if (!(typeof unit.quantity === "string" && unit.quantity.length <= 10 && QUANTITY.test(unit.quantity))) {
    out.push({
      name: `${at}.unitInfo.quantity`,
      reason: 'Required decimal string such as "2" or "0.822" (at most 10 characters).',
    });
  }
  if (!optional(unit.quantityUnit) && !QUANTITY_UNITS.includes(unit.quantityUnit as string)) {
    out.push({ name: `${at}.unitInfo.quantityUnit`, reason: `One of ${QUANTITY_UNITS.join(", ")}.` });
  }
}

function checkBottomLine(b: unknown, currency: string, at: string, out: ExtraDetail[]): void {
  if (!isPlainObject(b)) {
    out.push({ name: at, reason: "Required object." });
    return;
  }
  if (!CURRENCIES.includes(b.currency as string))
    out.push({ name: `${at}.currency`, reason: "Required: NOK, DKK or EUR." });
  else if (b.currency !== currency)
    out.push({ name: `${at}.currency`, reason: "Must be the payment's currency." });
  if (!optional(b.tipAmount) && !(isInt(b.tipAmount) && b.tipAmount >= 0))
    out.push({ name: `${at}.tipAmount`, reason: "Integer ≥ 0." });
  for (const key of ["posId", "receiptNumber"] as const) {
    if (!optional(b[key]) && typeof b[key] !== "string")
      out.push({ name: `${at}.${key}`, reason: "String." });
  }
  if (!optional(b.paymentSources)) {
    const s = b.paymentSources;
    if (!isPlainObject(s) || !Object.values(s).every((v) => optional(v) || isInt(v)))
      out.push({ name: `${at}.paymentSources`, reason: "Object of integer amounts." });
  }
  if (!optional(b.barcode)) {
    const c = b.barcode;
    if (!isPlainObject(c) || !BARCODE_FORMATS.includes(c.format as string) || typeof c.data !== "string") {
      out.push({
        name: `${at}.barcode`,
        reason: `{ format: ${BARCODE_FORMATS.join(" | ")}, data: string }.`,
      });
    }
  }
}

/**
 * `root` names the receipt in the problems: `receipt` inside a create request, `(body)` for
 * Order Management, whose request body is the receipt itself.
 */
export function receiptProblems(receipt: unknown, currency: string, root = "receipt"): ExtraDetail[] {
  const out: ExtraDetail[] = [];
  if (!isPlainObject(receipt)) return [{ name: root, reason: "Object with orderLines and bottomLine." }];
  const lines = receipt.orderLines;
  if (!Array.isArray(lines) || lines.length === 0)
    out.push({ name: `${root}.orderLines`, reason: "At least one order line is required." });
  else lines.forEach((line, i) => checkLine(line, `${root}.orderLines[${i}]`, out));
  checkBottomLine(receipt.bottomLine, currency, `${root}.bottomLine`, out);
  return out;
}
