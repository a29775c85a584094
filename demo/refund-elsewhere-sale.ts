import { formatAmount } from "../lib/locale/index.js";
import type { SaleMessage } from "../drivers/register/index.js";
import type { createReferenceRegister } from "../sim/register/reference-register.js";
import { payAtAnotherTill } from "./another-till.js";
import type { startSystem } from "./system.js";

/**
 * The demo's `refund-elsewhere` scenario (docs/register-protocol.md §7.11): till kasse2 of the
 * same shop takes a payment at the Vipps simulator; the customer brings the purchase back to
 * this till, whose register refunds it by the reference on the customer's receipt. This till's
 * journal never saw the sale: the agent looks the payment up at Vipps, refunds it and prints a
 * refund receipt saying it was bought at another till. Returns what went wrong, if anything.
 */
export async function refundElsewhereSale(
  n: number,
  amount: number,
  customer: string,
  parts: {
    readonly system: Awaited<ReturnType<typeof startSystem>>;
    readonly register: ReturnType<typeof createReferenceRegister>;
    readonly say: (who: string, what: string) => void;
  },
): Promise<string | undefined> {
  const { system, register, say } = parts;
  const money = formatAmount({ currency: "NOK", value: amount }, "nb");
  const reference = await payAtAnotherTill(system.sim, system.salesUnit, {
    tillId: "kasse2",
    amount,
    msisdn: customer,
  });
  say("kasse2", `the customer paid ${money} at the next till (reference ${reference})`);
  const saleId = `DEMO-R-${Date.now().toString(36)}-${n + 1}`;
  say("register", `the customer brings it back here: refund ${money} of ${reference}`);
  const ack = await register.refund(saleId, `${saleId}-1`, amount, reference);
  if (!("acked" in ack)) return `${saleId}: refund refused (${JSON.stringify(ack)})`;
  let final: SaleMessage;
  try {
    final = await register.waitForSale(saleId, undefined, 60_000);
  } catch {
    return `${saleId}: no final state within 60 s`;
  }
  if (final.state !== "refunded" || final.refundedAmount !== amount)
    return `${saleId}: ended ${final.state}${final.reason ? ` (${final.reason})` : ""}, expected refunded ${amount}`;
  return undefined;
}
