import type { Clock, TimerHandle } from "../../lib/clock.js";
import { AgentError } from "../../lib/errors.js";
import type { Input, SaleUpdate, Transition } from "../checkout/io.js";
import { refundableAmount, type Sale } from "../checkout/sale.js";
import type { TillState } from "../checkout/till.js";
import type { Journal } from "../journal/journal.js";
import { REFERENCE_PATTERN } from "../vipps/index.js";
import type { ReceiptsPort } from "./ports.js";

/** `undefined`: not applied, the runner is stopping. */
export type Applied = Transition | undefined;

/** What the technician's actions need of the runner. */
export interface CheckoutAccess {
  readonly state: TillState;
  /** Applies `input` through the runner's queue (loading `load` from the journal first). */
  submit(input: Input, load?: readonly string[]): Applied | Promise<Applied>;
}

export interface TechnicianActionsDeps {
  readonly checkout: CheckoutAccess;
  readonly journal: Pick<Journal, "getSale" | "getSaleByReference" | "getSaleByNo" | "recentSales">;
  readonly receipts: ReceiptsPort;
  readonly clock: Clock;
}

/**
 * What the technician (`pos-agent reprint|refund`, the control API) and the till's button ask
 * of the checkout besides the register: the same inputs, rules and journal as the register's.
 */
export class TechnicianActions {
  private readonly refundWaiters = new Map<string, (update: SaleUpdate) => void>();

  constructor(private readonly deps: TechnicianActionsDeps) {}

  /**
   * Prints a sale's receipt again, marked COPY: by sale id, payment reference or sale number;
   * by default the last captured sale. For the technician (`pos-agent reprint`) and the button.
   */
  reprint(sale?: string): { saleId: string; jobId: string } {
    const found = this.findSale(sale);
    if (found === undefined)
      throw new AgentError("UNKNOWN_SALE", sale === undefined ? "no captured sale yet" : `no sale ${sale}`);
    if (found.phase.kind !== "final" || found.phase.outcome.state !== "captured")
      throw new AgentError("NOT_CAPTURED", `sale ${found.saleId} was not paid`);
    if (!this.deps.receipts.configured)
      throw new AgentError("NO_PRINTER", "no receipt printer is configured");
    const jobId = `${found.saleId}:copy:${this.deps.clock.now()}`;
    this.deps.receipts.enqueue({ jobId, sale: found, kind: "sale", copy: true });
    return { saleId: found.saleId, jobId };
  }

  /**
   * A refund asked for by the technician (`pos-agent refund`), not the register: same rules and
   * same journal; the register is told the outcome like any other. Resolves with the final
   * state; rejects with the refusal's code, AGENT_STOPPING, or TIMEOUT after `timeoutMs` (the
   * refund then goes on in the background).
   */
  refund(reference: string, amount: number | undefined, timeoutMs: number): Promise<SaleUpdate> {
    const { checkout, clock } = this.deps;
    const sale = this.findSale(reference);
    const refundId = `T${clock.now().toString(36)}`;
    let input: Input & { type: "refund" };
    if (sale !== undefined) {
      const value = amount ?? refundableAmount(checkout.state.sales[sale.saleId] ?? sale);
      input = { type: "refund", saleId: sale.saleId, refundId, amount: value };
    } else {
      // A payment this journal does not know: taken at another till, or before the Pi was
      // replaced. Refunded like the register's refund from any till (register-protocol §7.11):
      // a record of its own (saleId = refundId), looked up at Vipps before any money moves.
      if (!REFERENCE_PATTERN.test(reference))
        return Promise.reject(new AgentError("UNKNOWN_SALE", `no sale ${reference}`));
      // What is left to refund is Vipps' to say, after the lookup: the technician names it.
      if (amount === undefined)
        return Promise.reject(
          new AgentError(
            "AMOUNT_REQUIRED",
            `no sale with reference ${reference} here: to refund a payment another till took, give the amount`,
          ),
        );
      input = { type: "refund", saleId: refundId, refundId, amount, reference };
    }
    return new Promise((resolve, reject) => {
      let timer: TimerHandle | undefined;
      const fail = (error: unknown): void => {
        this.refundWaiters.delete(refundId);
        reject(error instanceof Error ? error : new Error(String(error)));
      };
      // Waiting before the refund is applied: its answer may come back in the same tick.
      this.refundWaiters.set(refundId, (update) => {
        clock.clearTimeout(timer);
        // Not refunded — REFUND_FAILED, or a payment looked up at Vipps and found unknown, too
        // old or with too little left (§7.11): the technician is told why, as an error.
        if (update.reason !== undefined)
          reject(new AgentError(update.reason, `not refunded (${update.reason}); nothing was refunded`));
        else resolve(update);
      });
      const accepted = (t: Applied): void => {
        if (t === undefined)
          return fail(new AgentError("AGENT_STOPPING", "the agent is stopping; no refund"));
        if (t.acceptance !== undefined && !t.acceptance.ok)
          return fail(new AgentError(t.acceptance.code, t.acceptance.message));
        if (!this.refundWaiters.has(refundId)) return;
        timer = clock.setTimeout(
          () =>
            fail(
              new AgentError(
                "TIMEOUT",
                `no answer from Vipps within ${timeoutMs} ms; the refund goes on in the background`,
              ),
            ),
          timeoutMs,
        );
      };
      try {
        const t = checkout.submit(input, sale === undefined ? [] : [sale.saleId]);
        if (t instanceof Promise) t.then(accepted, fail);
        else accepted(t);
      } catch (error) {
        fail(error);
      }
    });
  }

  /** The till's button, when configured to cancel: cancels the sale being paid, as the register would. */
  cancelActive(): void {
    const saleId = this.deps.checkout.state.activeSaleId;
    if (saleId !== undefined) void this.deps.checkout.submit({ type: "cancel", saleId });
  }

  /** Every applied transition: a definite refund answer settles the technician's wait. */
  applied(input: Input, t: Transition): void {
    // A refund's answer, or the end of a lookup that refunded nothing (refund-elsewhere.ts).
    if (input.type !== "refund_result" && input.type !== "lookup_result") return;
    for (const e of t.effects) {
      // Only a definite answer settles the waiter; "Vipps unavailable" is retried in the background.
      const refundId = e.type === "notify_register" ? e.update.refundId : undefined;
      if (e.type !== "notify_register" || refundId === undefined) continue;
      this.refundWaiters.get(refundId)?.(e.update);
      this.refundWaiters.delete(refundId);
    }
  }

  private findSale(ref: string | undefined): Sale | undefined {
    const { journal, checkout } = this.deps;
    if (ref === undefined) {
      const last = journal.recentSales(50).find((r) => r.outcome === "captured");
      return last === undefined ? undefined : journal.getSale(last.saleId);
    }
    return (
      checkout.state.sales[ref] ??
      journal.getSale(ref) ??
      journal.getSaleByReference(ref) ??
      (/^\d+$/.test(ref) ? journal.getSaleByNo(Number(ref)) : undefined)
    );
  }
}
