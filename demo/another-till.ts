import { randomBytes } from "node:crypto";
import { VippsClient } from "../agent/vipps/index.js";
import type { SalesUnit, VippsSimulator } from "../sim/vipps/index.js";

/**
 * Another till of the same merchant (same sales unit, same credentials) taking a payment at
 * the Vipps simulator over HTTP, through the ePayment API like any till: create, the customer
 * approves in the app, capture. What a customer later brings back to *this* till for a refund
 * from any till (docs/register-protocol.md §7.11) — the demo's `refund-elsewhere` and the e2e
 * tests use it. Returns the payment's reference, which is all this till learns of it.
 */
export async function payAtAnotherTill(
  sim: VippsSimulator,
  unit: SalesUnit,
  sale: { readonly tillId: string; readonly amount: number; readonly msisdn: string },
): Promise<string> {
  const client = new VippsClient({
    baseUrl: sim.url,
    clientId: unit.clientId,
    clientSecret: unit.clientSecret,
    subscriptionKey: unit.subscriptionKey,
    msn: unit.msn,
    system: { name: "another-till", version: "1.0.0" },
    timeoutMs: 5_000,
    maxRetries: 2,
  });
  try {
    const reference = `${sale.tillId}-${randomBytes(6).toString("hex")}-1`;
    const amount = { currency: unit.currency, value: sale.amount };
    await client.epayment.create(
      {
        amount,
        paymentMethod: { type: "WALLET" },
        reference,
        userFlow: "WEB_REDIRECT",
        returnUrl: "https://example.com/another-till",
        paymentDescription: `Purchase at ${sale.tillId}`,
      },
      `${reference}-create`,
    );
    sim.control.approvePayment(reference, { msn: unit.msn, msisdn: sale.msisdn });
    await client.epayment.capture(reference, amount, `${reference}-capture`);
    return reference;
  } finally {
    client.close();
  }
}
