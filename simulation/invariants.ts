import type { Payment } from "../sim/vipps/epayment/payment.js";
import type { CaptureRequest } from "./vipps-world.js";

/** What the register heard about one sale it asked to be paid. */
export interface RegisterView {
  readonly saleId: string;
  readonly amount: number;
  /** The final `sale` reports, in order (the register acks each). */
  readonly finals: readonly { state: string; capturedAmount?: number }[];
}

/** What came out of the printer for one payment reference. */
export interface PrintedReceipt {
  readonly reference: string;
  readonly copy: boolean;
}

export interface TrialOutcome {
  /** Vipps' own record. */
  readonly payments: readonly Payment[];
  /** Every capture request Vipps received, in order of arrival (Vipps' own record too). */
  readonly captureRequests: readonly CaptureRequest[];
  readonly sales: readonly RegisterView[];
  readonly printed: readonly PrintedReceipt[];
  /** Final states the journal still holds unacked by the register. */
  readonly outboxPending: number;
  /** Sales the journal marks live (work left: the next start would resume them). */
  readonly unfinished: readonly string[];
  /**
   * Sales the runner still holds in memory once everything settled: it keeps only sales with
   * work left (agent/runtime/till-memory.ts), so any here is settled but never let go.
   */
  readonly heldInMemory: readonly string[];
  /** `PRAGMA integrity_check` of the journal. */
  readonly integrity: string;
}

/**
 * The invariants of issue 17, checked against Vipps' own record once a trial has settled.
 * Returns one readable line per violation; none means the trial passed.
 */
export function checkInvariants(o: TrialOutcome): string[] {
  const problems: string[] = [];
  const bySale = new Map<string, Payment[]>();
  for (const p of o.payments) {
    const captures = p.events.filter((e) => e.name === "CAPTURED" && e.success);
    if (captures.length > 1) problems.push(`${p.reference}: captured ${captures.length} times`);
    if (p.captured !== 0 && p.captured !== p.amount.value)
      problems.push(`${p.reference}: captured ${p.captured} of ${p.amount.value} (partly)`);
    // A released payment stays AUTHORIZED in Vipps' state with the amount in `cancelled`
    // (docs/vipps-api.md §6.3–§6.5):
    // what matters is money still reserved on the customer's account.
    if (p.state === "AUTHORIZED" && p.authorized - p.captured - p.cancelled > 0)
      problems.push(`${p.reference}: left AUTHORIZED, neither captured nor released`);
    const saleId = p.metadata?.saleId;
    if (saleId !== undefined) bySale.set(saleId, [...(bySale.get(saleId) ?? []), p]);
  }
  for (const sale of o.sales) {
    const captured = (bySale.get(sale.saleId) ?? []).filter((p) => p.captured > 0);
    const total = captured.reduce((sum, p) => sum + p.captured, 0);
    if (captured.length > 1)
      problems.push(`${sale.saleId}: ${captured.length} payments captured (charged twice)`);
    const last = sale.finals.at(-1);
    if (last === undefined) {
      problems.push(`${sale.saleId}: the register never heard a final state (Vipps captured ${total})`);
      continue;
    }
    for (const f of sale.finals) {
      if ((f.state === "captured") !== total > 0)
        problems.push(`${sale.saleId}: register told ${f.state}, Vipps captured ${total}`);
      else if (f.state === "captured" && f.capturedAmount !== total)
        problems.push(`${sale.saleId}: register told captured ${f.capturedAmount}, Vipps captured ${total}`);
    }
    if (total > 0) {
      const reference = captured[0]?.reference ?? "";
      const prints = o.printed.filter((r) => r.reference === reference);
      const originals = prints.filter((r) => !r.copy).length;
      if (originals > 1) problems.push(`${sale.saleId}: receipt printed ${originals} times as original`);
      if (prints.length === 0) problems.push(`${sale.saleId}: paid, but no receipt came out`);
    }
  }
  problems.push(...captureKeyProblems(o.captureRequests));
  if (o.outboxPending > 0) problems.push(`${o.outboxPending} final state(s) never acked by the register`);
  for (const saleId of o.unfinished) problems.push(`${saleId}: stuck unfinished in the journal`);
  for (const saleId of o.heldInMemory)
    problems.push(`${saleId}: settled, but still held in the agent's memory`);
  if (o.integrity !== "ok") problems.push(`journal integrity: ${o.integrity}`);
  return problems;
}

/**
 * A capture is retried with the key it was first sent with, so that Vipps answers the retry
 * from its idempotency memory instead of treating it as a new capture
 * (docs/vipps-api.md §1.4; https://developer.vippsmobilepay.com/docs/knowledge-base/http-headers/).
 * Once Vipps has captured a payment, any later capture of it under another key means the agent
 * lost or changed the key. The money invariants cannot see it for a full capture: Vipps refuses
 * to capture more than is reserved, and the agent finds the capture by reading the payment.
 */
function captureKeyProblems(requests: readonly CaptureRequest[]): string[] {
  const capturedWith = new Map<string, string | undefined>();
  const flagged = new Set<string>();
  const problems: string[] = [];
  for (const r of requests) {
    if (!capturedWith.has(r.reference)) {
      if (r.status >= 200 && r.status < 300) capturedWith.set(r.reference, r.idempotencyKey);
      continue;
    }
    const key = capturedWith.get(r.reference);
    if (r.idempotencyKey === key || flagged.has(r.reference)) continue;
    flagged.add(r.reference);
    problems.push(
      `${r.reference}: capture retried under a new Idempotency-Key after Vipps captured it ` +
        `(${key ?? "none"} → ${r.idempotencyKey ?? "none"}, answered ${r.status})`,
    );
  }
  return problems;
}
