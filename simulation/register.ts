import { sleep } from "../lib/clock.js";
import {
  createRegisterSideLink,
  type LinkTransport,
  type RegisterCommand,
  type RegisterSideLink,
} from "../drivers/register/index.js";
import type { FaultPlan } from "./faults.js";
import type { RegisterView } from "./invariants.js";
import type { Prng } from "./prng.js";
import type { SimClock } from "./sim-clock.js";
import type { InProcessVipps } from "./vipps-world.js";

type Customer = "approve" | "decline" | "ignore" | "never scans";

/** How often the cashier looks whether the sale being paid has its final state. */
const LOOK_MS = 1_000;

/**
 * The cash register and the people at it: a register that follows the protocol (the reference
 * link layer: hello, acks, retransmissions; a command the link could not deliver is sent again),
 * a cashier who rings sales up one after another and sometimes cancels, and customers who
 * approve, decline or ignore, scan early, late or twice.
 */
export class SimRegister {
  private readonly link: RegisterSideLink;
  private readonly sales = new Map<
    string,
    { amount: number; finals: { state: string; capturedAmount?: number }[] }
  >();
  private starting = true;
  /** Called when a final arrives or the scenario ends (the cashier waiting for one, see cashierNotices). */
  private onNews: (() => void) | undefined;
  done = false;

  constructor(
    transport: LinkTransport,
    private readonly clock: SimClock,
    private readonly prng: Prng,
    private readonly plan: FaultPlan,
    private readonly vipps: InProcessVipps,
    private readonly log: (line: string) => void,
  ) {
    this.link = createRegisterSideLink({
      transport,
      clock,
      id: "SIM-REGISTER",
      software: "vopr-register/1",
      ackTimeoutMs: 1_000,
      maxRetransmits: 3,
      heartbeatIntervalMs: 0,
      randomBytes: (size) => prng.bytes(size),
      handler: (report) => {
        if (report.type === "sale" && report.final) {
          this.sales.get(report.saleId)?.finals.push({
            state: report.state,
            ...(report.capturedAmount === undefined ? {} : { capturedAmount: report.capturedAmount }),
          });
          log(
            `register: ${report.saleId} ${report.state}${report.reason === undefined ? "" : ` ${report.reason}`}`,
          );
          this.onNews?.();
        }
        return { ok: true };
      },
    });
  }

  start(): void {
    this.link.start();
    void this.run().finally(() => (this.done = true));
  }

  /** The scenario is over: no new sales (one being paid still finishes). */
  stopStarting(): void {
    this.starting = false;
    this.onNews?.();
  }

  views(): RegisterView[] {
    return [...this.sales].map(([saleId, s]) => ({ saleId, amount: s.amount, finals: s.finals }));
  }

  /** Sends until the agent answers: a command that did not get through is sent again, as registers do. */
  private async send(command: RegisterCommand): Promise<boolean> {
    for (let i = 0; i < 200 && this.starting; i++) {
      try {
        const answer = await this.link.send(command);
        if ("acked" in answer) return true;
        this.log(
          `register: ${command.type} ${"saleId" in command ? command.saleId : ""} refused ${answer.refused.code}`,
        );
        return false;
      } catch {
        await sleep(this.clock, 1_000);
      }
    }
    return false;
  }

  private async run(): Promise<void> {
    const unit = this.vipps.salesUnit;
    for (let n = 1; n <= this.plan.sales && this.starting; n++) {
      const saleId = `S${n}`;
      const amount = this.prng.int(1, 400) * 25;
      const customer: Customer = this.prng.pick([
        "approve",
        "approve",
        "approve",
        "decline",
        "ignore",
        "never scans",
      ]);
      const msisdn = `4790000${String(n).padStart(3, "0")}`;
      this.vipps.control.setCustomer(msisdn, {
        payment:
          customer === "approve" || customer === "decline"
            ? { action: customer, afterMs: this.prng.int(0, 20_000) }
            : { action: "ignore" },
      });
      const scan = (): void => {
        this.log(`customer ${n} scans`);
        this.vipps.control.scan({ msisdn, msn: unit.msn, merchantQrId: "kasse1" });
      };
      this.log(`sale ${saleId}: ${amount} øre, customer will ${customer}`);
      const basket: RegisterCommand = {
        type: "basket",
        saleId,
        currency: unit.currency,
        lines: [{ id: "sku", name: "Vare", quantity: "1", unitPrice: amount, total: amount, vatRate: 2500 }],
        total: amount,
      };
      if (!(await this.send(basket))) continue;
      if (customer !== "never scans" && this.prng.chance(0.3)) scan();
      await sleep(this.clock, this.prng.int(0, 5_000));
      this.sales.set(saleId, { amount, finals: [] });
      if (!(await this.send({ type: "pay", saleId, total: amount }))) {
        this.sales.delete(saleId);
        // A refused pay (e.g. an amount Vipps does not take) leaves the basket open: the cashier voids it.
        await this.send({ type: "cancel", saleId });
        continue;
      }
      if (customer !== "never scans") {
        this.clock.setTimeout(scan, this.prng.int(0, 30_000));
        if (this.prng.chance(0.15)) this.clock.setTimeout(scan, this.prng.int(0, 60_000));
      }
      if (this.prng.chance(0.15))
        this.clock.setTimeout(
          () => {
            if (this.sales.get(saleId)?.finals.length === 0) {
              this.log(`cashier cancels ${saleId}`);
              void this.send({ type: "cancel", saleId });
            }
          },
          this.prng.int(0, 60_000),
        );
      await this.cashierNotices(saleId);
    }
  }

  /**
   * The cashier looks at the register once a second until the sale has its final state (or the
   * scenario is over). Only the look that sees it matters, so instead of a timer every second
   * (half of a trial's timers, each a turn of the simulation's loop) one timer is set, when the
   * final arrives or the scenario ends, for the first whole second of looking at or after it:
   * the same instant the looking would have noticed it.
   */
  private async cashierNotices(saleId: string): Promise<void> {
    const since = this.clock.now();
    const noticed = (): boolean => this.sales.get(saleId)?.finals.length !== 0 || !this.starting;
    if (noticed()) return;
    await new Promise<void>((resolve) => {
      this.onNews = () => {
        if (!noticed()) return;
        this.onNews = undefined;
        const looks = Math.max(1, Math.ceil((this.clock.now() - since) / LOOK_MS));
        this.clock.setTimeout(resolve, since + looks * LOOK_MS - this.clock.now());
      };
    });
  }
}
