import { maskPhone } from "../lib/log.js";
import { redirectUrlOf } from "../sim/vipps/epayment/redirect-url.js";
import type { ReferenceRegister } from "../sim/register/reference-register.js";
import type { RunningAgent } from "../agent/runtime/agent.js";
import type { RunningSystem } from "./system.js";

type Say = (who: string, what: string) => void;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** How long the demo waits for the till to notice the bridge going or coming (a few heartbeats). */
const SWITCH_WAIT_MS = 20_000;

/** Waits (up to SWITCH_WAIT_MS) until the till identifies customers `to`; false if it does not. */
export async function identificationBecomes(
  agent: RunningAgent,
  to: "per-sale" | "callback",
): Promise<boolean> {
  for (let waited = 0; waited < SWITCH_WAIT_MS; waited += 200) {
    if (agent.identification().current === to) return true;
    await pause(200);
  }
  return false;
}

/**
 * The `bridge-down` scenario around one sale: the bridge stops, the till sees its heartbeat go
 * (docs/architecture.md, "When the cloud is down") and the sale is paid by a per-sale QR; then
 * the bridge starts again and the till is back on its own QR before the next sale.
 */
export async function bridgeDown(
  { system, say, agent }: { system: RunningSystem; say: Say; agent: RunningAgent },
  sale: () => Promise<string | undefined>,
): Promise<string | undefined> {
  say("demo", "the cloud bridge stops: check-ins from the till's QR cannot reach the till");
  await system.stopBridge();
  try {
    if (!(await identificationBecomes(agent, "per-sale")))
      return `the till did not switch to a per-sale QR within ${SWITCH_WAIT_MS} ms`;
    say("agent", `identification per-sale: ${agent.identification().reason}`);
    const problem = await sale();
    if (problem !== undefined) return problem;
  } finally {
    say("demo", "the cloud bridge starts again");
    await system.startBridge();
  }
  if (!(await identificationBecomes(agent, "callback")))
    return `the till did not return to its own QR within ${SWITCH_WAIT_MS} ms`;
  say("agent", `identification callback: ${agent.identification().reason}`);
  return undefined;
}

/**
 * The customer scans the per-sale QR once the display shows it (the register hears
 * `payment_requested`): the URL Vipps answered the payment's create with, as the display draws it.
 */
export function scanPerSale(
  saleId: string,
  customer: string,
  { system, register, say }: { system: RunningSystem; register: ReferenceRegister; say: Say },
): void {
  void register
    .waitForSale(saleId, (m) => m.state === "payment_requested" || m.final, 30_000)
    .then((requested) => {
      if (requested.final || requested.reference === undefined) return;
      const payment = system.sim.control.payment(requested.reference);
      const url = redirectUrlOf(payment);
      if (payment.userFlow !== "QR" || url === undefined) return;
      say("customer", `scans the QR made for this sale with the app (${maskPhone(customer)})`);
      system.sim.control.scanPaymentQr({ qrContent: url, msisdn: customer });
    })
    // The sale then ends without a capture, which runSale reports.
    .catch(() => undefined);
}
