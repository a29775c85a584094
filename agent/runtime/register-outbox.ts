import type { Clock } from "../../lib/clock.js";
import { errorMessage } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import type { Journal } from "../journal/journal.js";
import type { InFlight } from "./in-flight.js";
import type { RegisterPort } from "./ports.js";

export interface RegisterOutboxDeps {
  readonly journal: Pick<Journal, "pendingRegisterMessages" | "registerMessageDone">;
  readonly register: RegisterPort;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The runner's requests in flight: once stopped, the outbox sends nothing more. */
  readonly inFlight: InFlight;
  /** The register has acked everything there was to send. */
  readonly onDrained?: () => void;
}

/**
 * The final states and receipt reports the register must hear (docs/register-protocol.md,
 * "final states are re-sent until acked"): they wait in the journal, written with the
 * transition that decided them, and leave it one at a time, oldest first, each only once the
 * register acked the one before (stop-and-wait on the cable).
 */
export class RegisterOutbox {
  private flushing = false;

  constructor(private readonly deps: RegisterOutboxDeps) {}

  /**
   * Sends what the register has not acked. Stops at the first failure (link down); the next
   * hello or final state starts it again. A flush already running picks up what is new.
   */
  flush(): void {
    const { journal, register, inFlight } = this.deps;
    if (this.flushing || inFlight.isStopped || !register.isUp) return;
    if (journal.pendingRegisterMessages().length === 0) return;
    this.flushing = true;
    inFlight.track(this.send(), () => undefined);
  }

  private async send(): Promise<void> {
    const { journal, register, clock, logger, inFlight } = this.deps;
    try {
      for (const message of journal.pendingRegisterMessages()) {
        if (inFlight.isStopped) return;
        const how = await register.deliver(message.message);
        journal.registerMessageDone(message.id, how, clock.now());
        if (how === "refused")
          logger.warn({ saleId: message.saleId, kind: message.message.type }, "register refused a report");
      }
    } catch (error) {
      logger.warn(
        { err: errorMessage(error) },
        "register did not ack a report; will re-send after the next hello",
      );
      return;
    } finally {
      this.flushing = false;
    }
    // Finals journalled while we were sending.
    if (journal.pendingRegisterMessages().length > 0) this.flush();
    else this.deps.onDrained?.();
  }
}
