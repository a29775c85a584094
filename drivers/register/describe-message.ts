import { terminalSafe } from "../../lib/terminal-text.js";
import type { Fields } from "./validate-fields.js";

/**
 * One-line, human-readable descriptions of frames for the technician's tools (register-monitor,
 * the reference register). Works on raw frames, valid or not, and never throws. Every value
 * the frame carries is shown without its control characters (lib/terminal-text.ts): these
 * lines go to a terminal, and a register's text must not drive it.
 */

/** Minor units as "94.00" (every currency of the protocol has 2 decimals). */
export function formatAmount(minor: unknown, currency?: unknown): string {
  if (typeof minor !== "number" || !Number.isFinite(minor)) return String(minor);
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  const text = Number.isInteger(abs)
    ? `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`
    : String(abs / 100);
  return `${sign}${text}${typeof currency === "string" ? ` ${currency}` : ""}`;
}

function str(value: unknown): string {
  return terminalSafe(typeof value === "string" ? value : (JSON.stringify(value) ?? "undefined"));
}

function lineOf(line: unknown, currency: unknown): string {
  if (typeof line !== "object" || line === null) return `    ${str(line)}`;
  const l = line as Fields;
  const discount = typeof l.discount === "number" && l.discount > 0 ? ` −${formatAmount(l.discount)}` : "";
  const age = l.minimumAge === undefined ? "" : `, ${str(l.minimumAge)}+`;
  return `    ${str(l.quantity)} ${str(l.unit ?? "×")} ${str(l.name)} à ${formatAmount(l.unitPrice)}${discount} = ${formatAmount(l.total, currency)} (VAT ${typeof l.vatRate === "number" ? l.vatRate / 100 : str(l.vatRate)} %${age})`;
}

/**
 * How a `pay` names its customer (extension): a typed number is shown with only its last three
 * digits, a personal QR by its length — the line may end up in a technician's scrollback.
 */
function payCustomer(customer: unknown): string {
  if (typeof customer !== "object" || customer === null) return "";
  const c = customer as Fields;
  if (typeof c.phoneNumber === "string") return `, typed number …${str(c.phoneNumber.slice(-3))}`;
  if (typeof c.personalQr === "string")
    return `, personal QR scanned (${[...c.personalQr].length} characters)`;
  return `, customer ${str(c)}`;
}

/** A split-tender `pay` (extension): `, Vipps MobilePay 60.00 + cash 40.00`. */
function payTenders(m: Fields): string {
  if (m.amount === undefined && m.tenders === undefined) return "";
  const others = Array.isArray(m.tenders)
    ? m.tenders.map((t) => {
        const tender = (typeof t === "object" && t !== null ? t : {}) as Fields;
        return ` + ${str(tender.kind)} ${formatAmount(tender.amount)}`;
      })
    : [` + tenders ${str(m.tenders)}`];
  return `, Vipps MobilePay ${formatAmount(m.amount)}${others.join("")}`;
}

/** The headline of a message, e.g. `basket S-1001: 2 lines, total 94.00 NOK`. */
export function describeMessage(m: Fields): string {
  const sale = str(m.saleId);
  switch (m.type) {
    case "basket":
      return `basket ${sale}: ${Array.isArray(m.lines) ? m.lines.length : "?"} lines, total ${formatAmount(m.total, m.currency)}`;
    case "pay":
      return `pay ${sale}: ${formatAmount(m.total)}${m.minimumAge === undefined ? "" : `, age ${str(m.minimumAge)}+`}${payTenders(m)}${payCustomer(m.customer)}${m.hold === true ? ", hold (capture later)" : ""}`;
    case "capture":
      return `capture ${sale}: ${formatAmount(m.total)} of the hold`;
    case "release":
      return `release ${sale}: the hold's money goes back`;
    case "cancel":
      return `cancel ${sale}`;
    case "refund":
      return `refund ${sale}: ${formatAmount(m.amount)} (refund ${str(m.refundId)})`;
    case "status":
      return `status ${sale}?`;
    case "totals":
      return m.sales === undefined
        ? `totals ${m.date === undefined ? "today" : str(m.date)}?`
        : describeTotals(m);
    case "ping":
    case "pong":
      return m.type;
    case "hello":
      return `hello from ${str(m.role)} ${str(m.id)} (${str(m.software)}${m.till === undefined ? "" : `, till ${str(m.till)}`}${m.session === undefined ? "" : `, session ${str(m.session)}`})`;
    case "sale": {
      const parts = [`sale ${sale}: ${str(m.state)}${m.final === true ? " (final)" : ""}`];
      if (m.amount !== undefined) parts.push(`amount ${formatAmount(m.amount)}`);
      if (m.capturedAmount !== undefined) parts.push(`captured ${formatAmount(m.capturedAmount)}`);
      if (m.refundedAmount !== undefined) parts.push(`refunded ${formatAmount(m.refundedAmount)}`);
      if (m.authorizedAmount !== undefined) parts.push(`held ${formatAmount(m.authorizedAmount)}`);
      if (m.holdUntil !== undefined) parts.push(`capture by ${str(m.holdUntil)}`);
      if (m.reason !== undefined) parts.push(`reason ${str(m.reason)}`);
      if (m.reference !== undefined) parts.push(`reference ${str(m.reference)}`);
      if (m.pspReference !== undefined) parts.push(`psp ${str(m.pspReference)}`);
      if (typeof m.member === "object" && m.member !== null)
        parts.push(`member ${str((m.member as Fields).id)}`);
      return parts.join(", ");
    }
    case "receipt":
      return `receipt ${sale}: ${m.printed === true ? "printed" : `not printed${m.error === undefined ? "" : ` (${str(m.error)})`}`}${m.copy === true ? ", copy" : ""}`;
    case "ack": {
      const error = typeof m.error === "object" && m.error !== null ? (m.error as Fields) : undefined;
      return error === undefined
        ? `ack ${str(m.ack)}`
        : `refused ${str(m.ack)}: ${str(error.code)} ${str(error.message)}`;
    }
    case "nak":
      return `nak ${str(m.ack)}: ${str(m.code)}`;
    default:
      return `${str(m.type)} ${terminalSafe(JSON.stringify(m)).slice(0, 200)}`;
  }
}

function describeTotals(m: Fields): string {
  const sales = typeof m.sales === "object" && m.sales !== null ? (m.sales as Fields) : {};
  const captured =
    typeof sales.captured === "object" && sales.captured !== null ? (sales.captured as Fields) : {};
  const refunds = typeof m.refunds === "object" && m.refunds !== null ? (m.refunds as Fields) : {};
  return [
    `totals ${str(m.date)}: ${str(captured.count)} captured ${formatAmount(captured.total, m.currency)}`,
    `${str(refunds.count)} refunds ${formatAmount(refunds.total)}`,
    `net ${formatAmount(m.net)}`,
    `${str(sales.failed)} failed, ${str(sales.cancelled)} cancelled, ${str(m.unfinished)} unfinished`,
  ].join(", ");
}

/** The headline plus, for a basket, one line per basket line. */
export function describeMessageLong(m: Fields): string {
  const head = describeMessage(m);
  if (m.type !== "basket" || !Array.isArray(m.lines)) return head;
  return [head, ...m.lines.slice(0, 200).map((l) => lineOf(l, m.currency))].join("\n");
}
