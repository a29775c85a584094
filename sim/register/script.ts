import type { Currency } from "../../lib/money.js";
import { errorMessage } from "../../lib/errors.js";
import { describeMessage, type SaleMessage, type SendResult } from "../../drivers/register/index.js";
import { sampleBasket } from "./catalogue.js";
import type { ReferenceRegister } from "./reference-register.js";

/**
 * The scripted register: a few sales one after the other, printing what happens. Each sale:
 * basket → pay → wait for the final state; when none comes in time (e.g. nobody pays, or the
 * agent is register-monitor, which takes no payments) the cashier cancels. The last sale then
 * asks for its `status`, as a register does after a restart.
 */
export interface ScriptOptions {
  readonly sales: number;
  /** How long to wait for the customer to pay, milliseconds. */
  readonly waitMs: number;
  readonly currency: Currency;
  readonly print: (line: string) => void;
  /** Sale ids are `<prefix><n>`; unique per run by default so an agent's journal never mixes runs. */
  readonly salePrefix?: string;
}

export interface SaleOutcome {
  readonly saleId: string;
  /** The final state, or undefined when the sale never got one. */
  readonly state: string | undefined;
  readonly reason?: string;
}

function answer(result: SendResult): string {
  return "acked" in result ? "acked" : `refused ${result.refused.code}: ${result.refused.message}`;
}

export async function runScript(
  register: ReferenceRegister,
  options: ScriptOptions,
): Promise<{ ok: boolean; outcomes: SaleOutcome[] }> {
  const { print } = options;
  const prefix = options.salePrefix ?? `R${Date.now().toString(36).toUpperCase()}-`;
  const outcomes: SaleOutcome[] = [];
  for (let i = 0; i < options.sales; i++) {
    const saleId = `${prefix}${i + 1}`;
    const basket = sampleBasket(i, saleId, options.currency);
    try {
      print(`▶ ${describeMessage({ type: "basket", ...basket })}`);
      const sold = await register.sell(basket);
      print(`  basket ${answer(sold)}`);
      if (!("acked" in sold)) {
        outcomes.push({ saleId, state: undefined });
        continue;
      }
      const paid = await register.pay(saleId);
      print(`  pay ${answer(paid)}`);
      if (!("acked" in paid)) {
        outcomes.push({ saleId, state: undefined });
        continue;
      }
      let final = await register.waitForSale(saleId, (m) => m.final, options.waitMs).catch(() => undefined);
      if (final === undefined) {
        print(`  no outcome after ${Math.round(options.waitMs / 1000)} s: the cashier cancels`);
        print(`  cancel ${answer(await register.cancel(saleId))}`);
        final = await register.waitForSale(saleId, (m) => m.final, 10_000).catch(() => undefined);
      }
      if (i === options.sales - 1 && final !== undefined) {
        // As after a restart: ask, and wait for the answer (a sale report of its own).
        const known = register.sale(saleId)?.reports.length ?? 0;
        const asked = await register.status(saleId);
        print(`  status ${answer(asked)}`);
        if ("acked" in asked) {
          const isNew = (m: SaleMessage): boolean =>
            (register.sale(saleId)?.reports.indexOf(m) ?? -1) >= known;
          await register.waitForSale(saleId, isNew, 10_000).catch(() => print("  no answer to status"));
        }
      }
      print(
        final === undefined
          ? `■ ${saleId}: no final state`
          : `■ ${saleId}: ${final.state}${final.reason === undefined ? "" : ` (${final.reason})`}`,
      );
      outcomes.push({
        saleId,
        state: final?.state,
        ...(final?.reason === undefined ? {} : { reason: final.reason }),
      });
    } catch (error) {
      print(`✗ ${saleId}: ${errorMessage(error)}`);
      outcomes.push({ saleId, state: undefined });
    }
  }
  return { ok: outcomes.every((o) => o.state !== undefined), outcomes };
}
