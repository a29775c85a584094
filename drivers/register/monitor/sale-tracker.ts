import { parseCalendarDate } from "../../../lib/calendar-date.js";
import { MAXIMUM_PAYMENT, MINIMUM_PAYMENT, type Currency } from "../../../lib/money.js";
import {
  ACCEPTED,
  isFinalSaleState,
  refuse,
  type Acceptance,
  type AgentReport,
  type Basket,
  type RegisterCommand,
  type SaleMessage,
  type SaleState,
  type TotalsMessage,
  type TotalsRequest,
} from "../messages.js";

/**
 * The register-monitor's idea of the sales, so it can answer the register as the agent would
 * without taking payments: it refuses a basket after `pay` (SALE_LOCKED), a second sale being
 * paid (SALE_BUSY), an unknown sale (UNKNOWN_SALE), a pay that does not match the basket
 * (BASKET_TOTAL_MISMATCH), a refund of a sale that was not captured (NOT_CAPTURED) or that
 * exceeds what is left (REFUND_TOO_LARGE) — a refund naming the `reference` of a sale it does not
 * know ends failed REFERENCE_UNKNOWN, as the agent's would for a payment Vipps does not know —, a command for a finished sale (SALE_FINISHED) or a
 * payment out of the market's range (AMOUNT_OUT_OF_RANGE) or totals for a day after today
 * (DAY_OUT_OF_RANGE), and reports the states an agent would report. It takes no payments, so
 * its `totals` are a day of zeros (in the currency of the last basket, NOK before any).
 * Nothing here is durable: it is a technician's tool.
 */

export interface TrackedSale {
  readonly saleId: string;
  readonly basket: Basket;
  readonly state: SaleState;
  /** `pay` was received: the basket can no longer change. */
  readonly locked: boolean;
  readonly capturedAmount: number;
  readonly refundedAmount: number;
  /** Split tender (§7.14): the `pay`'s Vipps MobilePay part; absent, the basket total. */
  readonly payAmount?: number;
}

export interface TrackerOutcome {
  readonly acceptance: Acceptance;
  /** Reports to send to the register once the command is acked. */
  readonly reports: readonly AgentReport[];
}

/** Most sales remembered; the oldest are forgotten first. */
const MAX_SALES = 200;

export class SaleTracker {
  private readonly sales = new Map<string, TrackedSale>();
  private currency: Currency = "NOK";

  /** `now`: epoch ms, for what "today" is (the machine's time zone, as the agent's). */
  constructor(private readonly now: () => number = Date.now) {}

  get(saleId: string): TrackedSale | undefined {
    return this.sales.get(saleId);
  }

  /** The `sale` message describing a sale's current state. */
  report(sale: TrackedSale): SaleMessage {
    const base = {
      type: "sale",
      saleId: sale.saleId,
      state: sale.state,
      final: isFinalSaleState(sale.state),
      amount: sale.payAmount ?? sale.basket.total,
    } as const;
    return {
      ...base,
      ...(sale.capturedAmount > 0 ? { capturedAmount: sale.capturedAmount } : {}),
      ...(sale.refundedAmount > 0 ? { refundedAmount: sale.refundedAmount } : {}),
    };
  }

  handle(command: RegisterCommand): TrackerOutcome {
    if (command.type === "totals") return this.totals(command);
    const sale = this.sales.get(command.saleId);
    const refused = (code: Parameters<typeof refuse>[0], message: string): TrackerOutcome => ({
      acceptance: refuse(code, message),
      reports: [],
    });
    const update = (next: TrackedSale, report: boolean): TrackerOutcome => {
      this.put(next);
      return { acceptance: ACCEPTED, reports: report ? [this.report(next)] : [] };
    };
    switch (command.type) {
      case "basket": {
        const { type: _type, ...basket } = command;
        this.currency = basket.currency;
        if (sale !== undefined && isFinalSaleState(sale.state))
          return refused("SALE_FINISHED", `sale ${command.saleId} is already finished`);
        if (sale?.locked === true)
          return refused("SALE_LOCKED", `sale ${command.saleId} is locked: pay was received`);
        return update(
          {
            saleId: command.saleId,
            basket,
            state: "open",
            locked: false,
            capturedAmount: 0,
            refundedAmount: 0,
          },
          false,
        );
      }
      case "pay": {
        if (sale === undefined) return refused("UNKNOWN_SALE", `no basket for sale ${command.saleId}`);
        if (isFinalSaleState(sale.state))
          return refused("SALE_FINISHED", `sale ${command.saleId} is already finished`);
        if (command.total !== sale.basket.total) {
          return refused(
            "BASKET_TOTAL_MISMATCH",
            `pay total ${command.total} is not the basket total ${sale.basket.total}`,
          );
        }
        if (sale.locked) return { acceptance: ACCEPTED, reports: [] };
        // Split tender: the link checked that amount and tenders add up; Vipps' part must be payable.
        const payAmount = command.amount ?? command.total;
        const minimum = MINIMUM_PAYMENT[sale.basket.currency];
        if (payAmount < minimum || payAmount > MAXIMUM_PAYMENT) {
          return refused(
            "AMOUNT_OUT_OF_RANGE",
            `a payment must be from ${minimum} to ${MAXIMUM_PAYMENT} minor units`,
          );
        }
        const busy = [...this.sales.values()].find((s) => s.locked && !isFinalSaleState(s.state));
        if (busy !== undefined) return refused("SALE_BUSY", `sale ${busy.saleId} is being paid`);
        return update(
          {
            ...sale,
            locked: true,
            state: "waiting_for_customer",
            ...(command.amount === undefined ? {} : { payAmount: command.amount }),
          },
          true,
        );
      }
      case "capture":
      case "release":
        // The monitor takes no payments, so no sale of it is ever held (§7.13).
        if (sale === undefined) return refused("UNKNOWN_SALE", `no sale ${command.saleId}`);
        return refused("NOT_HELD", `sale ${command.saleId} is not held: the monitor takes no payments`);
      case "cancel": {
        if (sale === undefined) return refused("UNKNOWN_SALE", `no sale ${command.saleId}`);
        if (isFinalSaleState(sale.state)) return { acceptance: ACCEPTED, reports: [this.report(sale)] };
        return update({ ...sale, locked: true, state: "cancelled" }, true);
      }
      case "refund": {
        // A refund from another till (§7.11): the agent would look it up at Vipps; the monitor
        // knows no payments, so it answers as for a reference Vipps does not know.
        if (sale === undefined && command.reference !== undefined) {
          const unknown: SaleMessage = {
            type: "sale",
            saleId: command.saleId,
            state: "failed",
            final: true,
            amount: 0,
            reference: command.reference,
            reason: "REFERENCE_UNKNOWN",
            refundId: command.refundId,
          };
          return { acceptance: ACCEPTED, reports: [unknown] };
        }
        if (sale === undefined) return refused("UNKNOWN_SALE", `no sale ${command.saleId}`);
        if (sale.capturedAmount === 0)
          return refused("NOT_CAPTURED", `sale ${command.saleId} was not captured`);
        const left = sale.capturedAmount - sale.refundedAmount;
        if (command.amount > left)
          return refused("REFUND_TOO_LARGE", `only ${left} of sale ${command.saleId} can be refunded`);
        return update(
          { ...sale, refundedAmount: sale.refundedAmount + command.amount, state: "refunded" },
          true,
        );
      }
      case "status":
        if (sale === undefined) return refused("UNKNOWN_SALE", `no sale ${command.saleId}`);
        return { acceptance: ACCEPTED, reports: [this.report(sale)] };
    }
  }

  private totals(request: TotalsRequest): TrackerOutcome {
    const pad = (n: number, width = 2): string => String(n).padStart(width, "0");
    const now = new Date(this.now());
    const today = `${pad(now.getFullYear(), 4)}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
    const date = request.date ?? today;
    const parsed = parseCalendarDate(date);
    if (parsed === undefined)
      return { acceptance: refuse("BAD_FIELD", "date: expected YYYY-MM-DD"), reports: [] };
    if (date > today) {
      return {
        acceptance: refuse("DAY_OUT_OF_RANGE", `date: ${date} is after today (${today})`),
        reports: [],
      };
    }
    const { year, month, day } = parsed;
    const zero = { count: 0, total: 0 };
    const totals: TotalsMessage = {
      type: "totals",
      date,
      from: new Date(year, month - 1, day).toISOString(),
      to: new Date(year, month - 1, day + 1).toISOString(),
      currency: this.currency,
      sales: { count: 0, captured: zero, failed: 0, cancelled: 0 },
      refunds: zero,
      net: 0,
      vat: [],
      unfinished: 0,
    };
    return { acceptance: ACCEPTED, reports: [totals] };
  }

  private put(sale: TrackedSale): void {
    this.sales.delete(sale.saleId);
    this.sales.set(sale.saleId, sale);
    if (this.sales.size > MAX_SALES) {
      const oldest = this.sales.keys().next().value;
      if (oldest !== undefined) this.sales.delete(oldest);
    }
  }
}
