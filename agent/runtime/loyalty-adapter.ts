import type { Logger } from "../../lib/log.js";
import type { Effect, Input, Member } from "../checkout/io.js";
import type { InFlight } from "./in-flight.js";
import type { LoyaltyPort } from "../loyalty/port.js";

export type LoyaltyEffect = Effect & { type: "loyalty_identify" | "loyalty_enroll" | "loyalty_abort" };

export interface LoyaltyAdapterDeps {
  /** Absent when loyalty is off. */
  readonly loyalty?: LoyaltyPort;
  /** The runner's input queue: every answer comes back through it. */
  readonly submit: (input: Input) => void;
  /** Where a member's first name goes (the display; personal data, never journalled). */
  readonly rememberName: (saleId: string, name: string | undefined) => void;
  readonly inFlight: InFlight;
  readonly logger: Logger;
}

/**
 * Turns the checkout's loyalty effects into calls of the loyalty port (agent/loyalty) and its
 * answers into checkout inputs: the checkout sees member ids and an opaque candidate handle,
 * never a phone number or a name. Keeps the enrollments running, to abort them.
 */
export class LoyaltyAdapter {
  private readonly logins = new Map<string, AbortController>();

  constructor(private readonly deps: LoyaltyAdapterDeps) {}

  perform(effect: LoyaltyEffect): void {
    const { loyalty, submit } = this.deps;
    const saleId = effect.saleId;
    if (effect.type === "loyalty_abort") {
      this.logins.get(saleId)?.abort(new Error("sale moved on"));
      this.logins.delete(saleId);
      return;
    }
    if (loyalty === undefined) {
      // Loyalty switched off since the sale started (config change + restart): skip it.
      submit(
        effect.type === "loyalty_identify"
          ? { type: "loyalty_identified", saleId, result: { kind: "unavailable" } }
          : { type: "loyalty_enrolled", saleId },
      );
      return;
    }
    if (effect.type === "loyalty_identify") this.identify(loyalty, saleId, effect.customerToken);
    else this.enroll(loyalty, saleId, effect.candidate);
  }

  /** Aborts every enrollment (the agent is stopping). */
  stop(): void {
    for (const login of this.logins.values()) login.abort(new Error("agent stopping"));
    this.logins.clear();
  }

  private identify(loyalty: LoyaltyPort, saleId: string, customerToken: string): void {
    const { submit, logger } = this.deps;
    this.deps.inFlight.track(loyalty.identify(customerToken), (result) => {
      if (result.kind === "member") {
        this.deps.rememberName(saleId, result.member.displayName);
        submit({
          type: "loyalty_identified",
          saleId,
          result: { kind: "member", member: memberOf(result.member) },
        });
      } else if (result.kind === "not_member") {
        submit({
          type: "loyalty_identified",
          saleId,
          result: { kind: "not_member", candidate: result.candidate.handle },
        });
      } else {
        logger.info({ saleId, reason: result.reason }, "loyalty unavailable; the sale goes on without it");
        submit({ type: "loyalty_identified", saleId, result: { kind: "unavailable" } });
      }
    });
  }

  private enroll(loyalty: LoyaltyPort, saleId: string, candidate: string): void {
    const { submit, logger } = this.deps;
    const controller = new AbortController();
    this.logins.set(saleId, controller);
    const onBinding = (bindingMessage: string): void => {
      if (!controller.signal.aborted) submit({ type: "loyalty_binding", saleId, bindingMessage });
    };
    this.deps.inFlight.track(
      loyalty.enroll({ handle: candidate }, onBinding, controller.signal),
      (result) => {
        this.logins.delete(saleId);
        if (result.kind === "enrolled") {
          this.deps.rememberName(saleId, result.member.displayName);
          submit({ type: "loyalty_enrolled", saleId, member: memberOf(result.member) });
        } else {
          logger.info({ saleId, result: result.kind }, "enrollment ended without a new member");
          submit({ type: "loyalty_enrolled", saleId });
        }
      },
    );
  }
}

/** Only the id and tier reach the checkout and the register (no personal data). */
function memberOf(m: { id: string; tier?: string }): Member {
  return m.tier === undefined ? { id: m.id } : { id: m.id, tier: m.tier };
}
