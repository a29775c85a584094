import type { Clock, TimerHandle } from "../../lib/clock.js";
import { errorMessage } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import type { Effect, Input } from "../checkout/io.js";
import type { Sale } from "../checkout/sale.js";
import type { InFlight } from "./in-flight.js";
import type { LoyaltyAdapter } from "./loyalty-adapter.js";
import type { LightsPort, PaymentsPort, ReceiptsPort, RegisterPort } from "./ports.js";
import type { RegisterOutbox } from "./register-outbox.js";
import { sendOrderReceipt } from "./order-receipts.js";
import { callVipps } from "./vipps-effects.js";

export interface EffectStarterDeps {
  readonly payments: PaymentsPort;
  readonly register: RegisterPort;
  readonly receipts: ReceiptsPort;
  readonly lights: LightsPort;
  readonly outbox: RegisterOutbox;
  readonly loyalty: LoyaltyAdapter;
  readonly inFlight: InFlight;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The runner's queue: an effect's result comes back as a new input, in its turn. */
  readonly feed: (input: Input) => void;
  /** A sale as the runner knows it now (memory, else the journal). */
  readonly saleOf: (saleId: string) => Sale | undefined;
  /** Counts each Vipps request (`pos-agent status`). */
  readonly onVippsCall: () => void;
}

/**
 * Starts the I/O a journalled transition asks for (checkout/io.ts `Effect`). Never waits for
 * it: every answer comes back through `feed`, so starting effects never applies an input.
 */
export class EffectStarter {
  private readonly timers = new Set<TimerHandle>();

  constructor(private readonly deps: EffectStarterDeps) {}

  start(effects: readonly Effect[]): void {
    for (const effect of effects) {
      try {
        this.startOne(effect);
      } catch (error) {
        this.deps.logger.error({ effect: effect.type, err: errorMessage(error) }, "effect failed to start");
      }
    }
  }

  /** Cancels the checkout's timers (requests in flight are the InFlight's). */
  stop(): void {
    for (const t of this.timers) this.deps.clock.clearTimeout(t);
    this.timers.clear();
  }

  private startOne(effect: Effect): void {
    const { deps } = this;
    switch (effect.type) {
      case "vipps_create":
      case "vipps_get":
      case "vipps_capture":
      case "vipps_cancel":
      case "vipps_refund":
      case "vipps_lookup":
        deps.onVippsCall();
        deps.inFlight.track(callVipps(deps.payments, effect), deps.feed);
        return;
      case "vipps_order_receipt":
        deps.onVippsCall();
        deps.inFlight.track(sendOrderReceipt(deps.payments, effect, deps.logger), deps.feed);
        return;
      case "notify_register":
        if (effect.durable) deps.outbox.flush();
        else deps.register.sendUpdate(effect.update);
        return;
      case "print_receipt":
        this.printReceipt(effect);
        return;
      case "receipt_outcome":
        // Journalled with the transition (see Journal.record); delivered by the outbox.
        deps.outbox.flush();
        return;
      case "schedule": {
        const { saleId, reference, timer } = effect;
        const handle = deps.clock.setTimeout(() => {
          this.timers.delete(handle);
          deps.feed({ type: "timer", saleId, reference, timer });
        }, effect.delayMs);
        this.timers.add(handle);
        return;
      }
      case "sale_completed":
        // Written to the MQTT outbox inside the journal transaction (see CheckoutRunner.apply).
        return;
      case "paid_signal":
        deps.lights.beep();
        return;
      case "loyalty_identify":
      case "loyalty_enroll":
      case "loyalty_abort":
        deps.loyalty.perform(effect);
        return;
    }
  }

  private printReceipt(effect: Effect & { type: "print_receipt" }): void {
    const { receipts } = this.deps;
    const sale = this.deps.saleOf(effect.saleId);
    if (sale === undefined) return;
    if (!receipts.configured) {
      if (effect.kind === "sale")
        this.deps.feed({ type: "receipt_result", saleId: effect.saleId, printed: false, abandoned: true });
      return;
    }
    const jobId = [effect.saleId, effect.kind, effect.refundId].filter((x) => x !== undefined).join(":");
    receipts.enqueue({
      jobId,
      sale,
      kind: effect.kind,
      copy: effect.copy,
      ...(effect.refundId ? { refundId: effect.refundId } : {}),
    });
  }
}
