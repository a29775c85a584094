/** The register messages a transition makes durable: a final `sale` or a `receipt`, kept until acked. */
import type { DurableRegisterMessage, Effect } from "../checkout/io.js";

/** A final `sale` or a `receipt` message waiting for the register's ack (re-sent after every hello). */
export interface PendingRegisterMessage {
  readonly id: number;
  readonly saleId: string;
  readonly message: DurableRegisterMessage;
}

/** The register messages of a transition that must survive a crash. */
export function durableMessages(effects: readonly Effect[]): DurableRegisterMessage[] {
  const messages: DurableRegisterMessage[] = [];
  for (const e of effects) {
    if (!isDurable(e)) continue;
    if (e.type === "notify_register") messages.push({ type: "sale", ...e.update });
    if (e.type === "receipt_outcome") {
      messages.push({
        type: "receipt",
        saleId: e.saleId,
        printed: e.printed,
        copy: e.copy,
        ...(e.printed ? {} : { error: "PRINTER_UNAVAILABLE" }),
      });
    }
  }
  return messages;
}

/** An effect that becomes a durable register message (see durableMessages). */
export function isDurable(e: Effect): boolean {
  return (e.type === "notify_register" && e.durable) || e.type === "receipt_outcome";
}
