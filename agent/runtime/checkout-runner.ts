import type { Logger } from "../../lib/log.js";
import type { Clock, TimerHandle } from "../../lib/clock.js";
import { AgentError, errorMessage } from "../../lib/errors.js";
import type { Acceptance, Effect, Identification, Input, SaleUpdate, Transition } from "../checkout/io.js";
import { step } from "../checkout/machine.js";
import { needsResume, resumeEffects } from "../checkout/resume.js";
import { refundableAmount, type Sale } from "../checkout/sale.js";
import type { CheckoutSettings } from "../checkout/settings.js";
import type { TillState } from "../checkout/till.js";
import { saleUpdate } from "../checkout/wire.js";
import type { Journal } from "../journal/journal.js";
import type {
  LightsPort,
  LoyaltyPort,
  PaymentsPort,
  ReceiptsPort,
  RegisterPort,
  SaleEventsPort,
  ScreenPort,
} from "./ports.js";
import { viewOf, type View } from "./view.js";

/** How many open baskets the till keeps, and for how long (config checkout.maxOpenBaskets, …AgeHours). */
export interface OpenBasketLimits {
  readonly maxOpen: number;
  readonly maxAgeMs: number;
}

/** Open baskets dropped per journal transaction (a first start on a big pile drops many). */
const DROP_BATCH = 500;
/** How often open baskets are checked against their age limit. */
const BASKET_SWEEP_MS = 60_000;

export interface RunnerDeps {
  readonly settings: CheckoutSettings;
  readonly basketLimits: OpenBasketLimits;
  readonly journal: Journal;
  readonly payments: PaymentsPort;
  readonly register: RegisterPort;
  readonly receipts: ReceiptsPort;
  readonly screen: ScreenPort;
  readonly lights: LightsPort;
  readonly saleEvents: SaleEventsPort;
  /** Absent when loyalty is off. */
  readonly loyalty?: LoyaltyPort;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The till's QR text for the display; may arrive later (set-up). */
  qrContent?: string;
  /** Which identification a `pay` without a customer gets now (identification.ts); absent: callback. */
  readonly identification?: () => Identification;
  /** After every journalled transition: the till's state changed (the fleet's health message). */
  readonly onChange?: () => void;
}

export interface RunnerCounters {
  transitions: number;
  refused: number;
  captured: number;
  failed: number;
  cancelled: number;
  /** Open baskets dropped past the limits (not counted as cancelled sales). */
  basketsDropped: number;
  vippsCalls: number;
}

/**
 * Drives the pure checkout: every input goes through `step`, the transition is journalled
 * (fsynced) and only then are its effects performed; their results come back as new inputs.
 *
 * `apply` is synchronous and effects only ever resolve later, so inputs are applied one at a
 * time in arrival order without locks — the journal order is the order of events.
 */
export class CheckoutRunner {
  private till: TillState;
  private lastFinished: { sale: Sale; at: number } | undefined;
  private readonly timers = new Set<TimerHandle>();
  private viewTimer: TimerHandle | undefined;
  private shownView: string | undefined;
  private flushing = false;
  /** The last customer-display write failed (for status; the next one tries again). */
  displayFailed = false;
  private stopped = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Running enrollments, to abort when the sale moves on. */
  private readonly logins = new Map<string, AbortController>();
  /** First names for the member screen: personal data, so never journalled. */
  private readonly memberNames = new Map<string, string>();
  private readonly refundWaiters = new Map<string, (update: SaleUpdate) => void>();
  readonly counters: RunnerCounters = {
    transitions: 0,
    refused: 0,
    captured: 0,
    failed: 0,
    cancelled: 0,
    basketsDropped: 0,
    vippsCalls: 0,
  };
  private sweepTimer: TimerHandle | undefined;
  private lastIdentification: Identification | undefined;

  constructor(private readonly deps: RunnerDeps) {
    this.till = deps.journal.load();
  }

  /** Resumes every unfinished sale from the journal (after a restart or a power cut). */
  start(): void {
    for (const sale of Object.values(this.till.sales)) {
      const effects = resumeEffects(sale, { includeReceipts: true });
      if (effects.length > 0)
        this.deps.logger.info(
          { saleId: sale.saleId, phase: sale.phase.kind, effects: effects.map((e) => e.type) },
          "resuming sale",
        );
      this.perform(effects);
    }
    this.dropStaleBaskets();
    this.flushRegisterOutbox();
    this.refreshView();
  }

  /** Stops timers and waits (bounded by the callers' own timeouts) for requests in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const login of this.logins.values()) login.abort(new Error("agent stopping"));
    for (const t of this.timers) this.deps.clock.clearTimeout(t);
    this.timers.clear();
    this.deps.clock.clearTimeout(this.viewTimer);
    this.deps.clock.clearTimeout(this.sweepTimer);
    await Promise.allSettled([...this.inFlight]);
  }

  get state(): TillState {
    return this.till;
  }

  /** A register command: journalled before this returns, so the ack that follows is truthful. */
  handleRegisterCommand(input: Input & { type: "basket" | "pay" | "cancel" | "refund" }): Acceptance {
    const saleId = input.type === "basket" ? input.basket.saleId : input.saleId;
    this.ensureLoaded(saleId);
    const lastSaleNo = this.till.lastSaleNo;
    const identification = this.deps.identification?.();
    const t = this.apply(
      input.type === "pay" && input.customer === undefined && identification !== undefined
        ? { ...input, identification }
        : input,
    );
    // A new basket may be one too many: dropped right after this ack, not before it.
    if (this.till.lastSaleNo > lastSaleNo) this.sweepBaskets(0);
    return t?.acceptance ?? { ok: false, code: "BAD_FIELD", message: "not applied" };
  }

  /** The register asks for a sale's state (after its own restart). */
  statusOf(saleId: string): SaleUpdate | undefined {
    const sale = this.till.sales[saleId] ?? this.deps.journal.getSale(saleId);
    return sale === undefined ? undefined : saleUpdate(sale);
  }

  /**
   * Inputs from the MQTT link (check-ins, webhooks): journalled before this returns, so the link
   * may acknowledge the event to the broker. Throws once stopping (nothing is journalled any
   * more): the link must then not acknowledge, and the broker delivers the event again.
   */
  handle(input: Input): void {
    if (this.stopped) throw new AgentError("AGENT_STOPPING", "the checkout is stopping; not journalled");
    this.apply(input);
  }

  /** The register link completed a hello: re-send every final state it has not acked. */
  onRegisterUp(): void {
    this.flushRegisterOutbox();
    this.refreshView();
  }

  /** The till's identification may have changed (auto: the MQTT link went or came). */
  identificationChanged(): void {
    const identification = this.deps.identification?.();
    if (identification === undefined || identification === this.lastIdentification) return;
    this.lastIdentification = identification;
    this.apply({ type: "identification", identification });
  }

  onRegisterDown(): void {
    this.refreshView();
  }

  setQrContent(qrContent: string): void {
    this.deps.qrContent = qrContent;
    this.refreshView();
  }

  /** Brings sales from the journal into memory (open baskets and settled sales live only there). */
  private ensureLoaded(...saleIds: readonly string[]): void {
    let sales: Record<string, Sale> | undefined;
    for (const saleId of saleIds) {
      if (this.till.sales[saleId] !== undefined) continue;
      const stored = this.deps.journal.getSale(saleId);
      if (stored !== undefined) (sales ??= { ...this.till.sales })[saleId] = stored;
    }
    if (sales !== undefined) this.till = { ...this.till, sales };
  }

  /** Runs dropStaleBaskets after `delayMs`, then every BASKET_SWEEP_MS. */
  private sweepBaskets(delayMs: number): void {
    this.deps.clock.clearTimeout(this.sweepTimer);
    if (this.stopped) return;
    this.sweepTimer = this.deps.clock.setTimeout(() => {
      this.sweepTimer = undefined;
      this.dropStaleBaskets();
    }, delayMs);
  }

  /** Drops the open baskets past the limits (checkout/open-baskets.ts), in batches; then every minute. */
  private dropStaleBaskets(): void {
    const { maxOpen, maxAgeMs } = this.deps.basketLimits;
    let dropped = 0;
    for (;;) {
      const saleIds = this.deps.journal.openBasketsBeyond(
        maxOpen,
        this.deps.clock.now() - maxAgeMs,
        DROP_BATCH,
      );
      if (saleIds.length === 0) break;
      this.ensureLoaded(...saleIds);
      const changed = this.apply({ type: "drop_baskets", saleIds })?.changed.length ?? 0;
      dropped += changed;
      if (changed === 0) break;
    }
    if (dropped > 0)
      this.deps.logger.info(
        { dropped, maxOpenBaskets: maxOpen, maxAgeHours: maxAgeMs / 3_600_000 },
        "open baskets past the limits dropped; the register hears each cancelled (BASKET_DROPPED)",
      );
    this.sweepBaskets(BASKET_SWEEP_MS);
  }

  private apply(input: Input): Transition | undefined {
    if (this.stopped) return undefined;
    const now = this.deps.clock.now();
    const t = step(this.till, input, now, this.deps.settings);
    if (t.acceptance !== undefined && !t.acceptance.ok) {
      this.counters.refused++;
      this.deps.logger.info({ input: input.type, code: t.acceptance.code }, "register command refused");
      return t;
    }
    const completed = t.effects.filter(
      (e): e is Effect & { type: "sale_completed" } => e.type === "sale_completed",
    );
    this.deps.journal.record(input, t, now, () => {
      for (const e of completed) this.deps.saleEvents.publishSaleCompleted(e.sale, now);
    });
    this.counters.transitions++;
    this.till = t.till;
    this.noteFinished(t, now);
    if (input.type === "refund_result") {
      const update = t.effects.find(
        (e) => e.type === "notify_register" && e.update.refundId === input.refundId,
      );
      // Only a definite answer settles the waiter; "Vipps unavailable" is retried in the background.
      if (update?.type === "notify_register") {
        this.refundWaiters.get(input.refundId)?.(update.update);
        this.refundWaiters.delete(input.refundId);
      }
    }
    this.perform(t.effects);
    this.evictSettled();
    this.refreshView();
    this.deps.onChange?.();
    return t;
  }

  private noteFinished(t: Transition, now: number): void {
    for (const saleId of t.changed) {
      const sale = t.till.sales[saleId];
      if (sale?.phase.kind !== "final") continue;
      if (!t.effects.some((e) => e.type === "notify_register" && e.durable && e.update.saleId === saleId))
        continue;
      if (sale.refunds.length > 0) continue;
      const outcome = sale.phase.outcome;
      if (outcome.state === "cancelled" && outcome.reason === "BASKET_DROPPED") {
        this.counters.basketsDropped++;
        continue;
      }
      this.lastFinished = { sale, at: now };
      this.memberNames.delete(saleId);
      const state = outcome.state;
      this.counters[state === "captured" ? "captured" : state === "failed" ? "failed" : "cancelled"]++;
      this.deps.logger.info({ saleId, outcome: state, reference: outcome.reference }, "sale finished");
    }
  }

  /**
   * Sales with nothing left to do — settled, or open baskets waiting for the register — leave
   * memory; the journal keeps them. So the work per input does not grow with how many exist.
   */
  private evictSettled(): void {
    let sales: Record<string, Sale> | undefined;
    for (const sale of Object.values(this.till.sales)) {
      if (!needsResume(sale)) {
        sales ??= { ...this.till.sales };
        delete sales[sale.saleId];
      }
    }
    if (sales !== undefined) this.till = { ...this.till, sales };
  }

  private perform(effects: readonly Effect[]): void {
    for (const effect of effects) {
      try {
        this.performOne(effect);
      } catch (error) {
        this.deps.logger.error({ effect: effect.type, err: errorMessage(error) }, "effect failed to start");
      }
    }
  }

  private track<T>(promise: Promise<T>, then: (value: T) => void): void {
    const p = promise.then(
      (value) => {
        this.inFlight.delete(p);
        if (!this.stopped) then(value);
      },
      (error: unknown) => {
        this.inFlight.delete(p);
        this.deps.logger.error({ err: errorMessage(error) }, "effect rejected");
      },
    );
    this.inFlight.add(p);
  }

  private performOne(effect: Effect): void {
    const { payments, register } = this.deps;
    switch (effect.type) {
      case "vipps_create":
        this.counters.vippsCalls++;
        this.track(payments.create(effect.body, effect.idempotencyKey), (result) =>
          this.apply({ type: "create_result", saleId: effect.saleId, reference: effect.reference, result }),
        );
        return;
      case "vipps_get":
        this.counters.vippsCalls++;
        this.track(payments.get(effect.reference), (result) =>
          this.apply({
            type: "poll_result",
            saleId: effect.saleId,
            reference: effect.reference,
            result,
            ...(effect.confirmsEvent ? { confirmsEvent: true as const } : {}),
          }),
        );
        return;
      case "vipps_capture":
        this.counters.vippsCalls++;
        this.track(payments.capture(effect.reference, effect.amount, effect.idempotencyKey), (result) =>
          this.apply({ type: "capture_result", saleId: effect.saleId, reference: effect.reference, result }),
        );
        return;
      case "vipps_cancel":
        this.counters.vippsCalls++;
        this.track(
          payments.cancel(effect.reference, effect.transactionOnly, effect.idempotencyKey),
          (result) =>
            this.apply(
              effect.cleanup
                ? {
                    type: "cleanup_result",
                    saleId: effect.saleId,
                    reference: effect.reference,
                    result: result.ok ? { ok: true, value: undefined } : result,
                  }
                : {
                    type: "cancel_result",
                    saleId: effect.saleId,
                    reference: effect.reference,
                    transactionOnly: effect.transactionOnly,
                    result,
                  },
            ),
        );
        return;
      case "vipps_refund":
        this.counters.vippsCalls++;
        this.track(payments.refund(effect.reference, effect.amount, effect.idempotencyKey), (result) =>
          this.apply({ type: "refund_result", saleId: effect.saleId, refundId: effect.refundId, result }),
        );
        return;
      case "notify_register":
        if (effect.durable) this.flushRegisterOutbox();
        else register.sendUpdate(effect.update);
        return;
      case "print_receipt":
        this.printReceipt(effect);
        return;
      case "receipt_outcome":
        // Journalled with the transition (see Journal.record); delivered by the outbox.
        this.flushRegisterOutbox();
        return;
      case "schedule": {
        const handle = this.deps.clock.setTimeout(() => {
          this.timers.delete(handle);
          this.apply({
            type: "timer",
            saleId: effect.saleId,
            reference: effect.reference,
            timer: effect.timer,
          });
        }, effect.delayMs);
        this.timers.add(handle);
        return;
      }
      case "sale_completed":
        // Written to the MQTT outbox inside the journal transaction (see apply).
        return;
      case "paid_signal":
        this.deps.lights.beep();
        return;
      case "loyalty_identify":
      case "loyalty_enroll":
      case "loyalty_abort":
        this.performLoyalty(effect);
        return;
    }
  }

  private performLoyalty(
    effect: Effect & { type: "loyalty_identify" | "loyalty_enroll" | "loyalty_abort" },
  ): void {
    const loyalty = this.deps.loyalty;
    const saleId = effect.saleId;
    if (effect.type === "loyalty_abort") {
      this.logins.get(saleId)?.abort(new Error("sale moved on"));
      this.logins.delete(saleId);
      return;
    }
    if (loyalty === undefined) {
      // Loyalty switched off since the sale started (config change + restart): skip it.
      this.apply(
        effect.type === "loyalty_identify"
          ? { type: "loyalty_identified", saleId, result: { kind: "unavailable" } }
          : { type: "loyalty_enrolled", saleId },
      );
      return;
    }
    if (effect.type === "loyalty_identify") {
      this.track(loyalty.identify(effect.customerToken), (result) => {
        if (result.kind === "member") {
          this.rememberName(saleId, result.member.displayName);
          this.apply({
            type: "loyalty_identified",
            saleId,
            result: { kind: "member", member: memberOf(result.member) },
          });
        } else if (result.kind === "not_member") {
          this.apply({
            type: "loyalty_identified",
            saleId,
            result: { kind: "not_member", candidate: result.candidate.handle },
          });
        } else {
          this.deps.logger.info(
            { saleId, reason: result.reason },
            "loyalty unavailable; the sale goes on without it",
          );
          this.apply({ type: "loyalty_identified", saleId, result: { kind: "unavailable" } });
        }
      });
      return;
    }
    const controller = new AbortController();
    this.logins.set(saleId, controller);
    const onBinding = (bindingMessage: string): void => {
      if (!controller.signal.aborted) this.apply({ type: "loyalty_binding", saleId, bindingMessage });
    };
    this.track(loyalty.enroll({ handle: effect.candidate }, onBinding, controller.signal), (result) => {
      this.logins.delete(saleId);
      if (result.kind === "enrolled" && "member" in result) {
        this.rememberName(saleId, result.member.displayName);
        this.apply({ type: "loyalty_enrolled", saleId, member: memberOf(result.member) });
      } else {
        this.deps.logger.info({ saleId, result: result.kind }, "enrollment ended without a new member");
        this.apply({ type: "loyalty_enrolled", saleId });
      }
    });
  }

  private rememberName(saleId: string, name: string | undefined): void {
    if (name !== undefined) this.memberNames.set(saleId, name);
  }

  private printReceipt(effect: Effect & { type: "print_receipt" }): void {
    const sale = this.till.sales[effect.saleId] ?? this.deps.journal.getSale(effect.saleId);
    if (sale === undefined) return;
    if (!this.deps.receipts.configured) {
      if (effect.kind === "sale")
        this.apply({ type: "receipt_result", saleId: effect.saleId, printed: false, abandoned: true });
      return;
    }
    const jobId = [effect.saleId, effect.kind, effect.refundId].filter((x) => x !== undefined).join(":");
    this.deps.receipts.enqueue({
      jobId,
      sale,
      kind: effect.kind,
      copy: effect.copy,
      ...(effect.refundId ? { refundId: effect.refundId } : {}),
    });
  }

  /**
   * Prints a sale's receipt again, marked COPY: by sale id, payment reference or sale number;
   * by default the last captured sale. For the technician (`pos-agent reprint`) and the button.
   */
  reprint(sale?: string): { saleId: string; jobId: string } {
    const found = this.findSale(sale);
    if (found === undefined)
      throw new AgentError("UNKNOWN_SALE", sale === undefined ? "no captured sale yet" : `no sale ${sale}`);
    if (found.phase.kind !== "final" || found.phase.outcome.state !== "captured")
      throw new AgentError("NOT_CAPTURED", `sale ${found.saleId} was not paid`);
    if (!this.deps.receipts.configured)
      throw new AgentError("NO_PRINTER", "no receipt printer is configured");
    const jobId = `${found.saleId}:copy:${this.deps.clock.now()}`;
    this.deps.receipts.enqueue({ jobId, sale: found, kind: "sale", copy: true });
    return { saleId: found.saleId, jobId };
  }

  /**
   * A refund asked for by the technician (`pos-agent refund`), not the register: same rules and
   * same journal; the register is told the outcome like any other. Resolves with the final state.
   */
  refund(reference: string, amount: number | undefined, timeoutMs: number): Promise<SaleUpdate> {
    const sale = this.findSale(reference);
    if (sale === undefined)
      return Promise.reject(new AgentError("UNKNOWN_SALE", `no sale with reference ${reference}`));
    this.ensureLoaded(sale.saleId);
    const loaded = this.till.sales[sale.saleId] ?? sale;
    const refundId = `T${this.deps.clock.now().toString(36)}`;
    const value = amount ?? refundableAmount(loaded);
    const t = this.apply({ type: "refund", saleId: sale.saleId, refundId, amount: value });
    if (t?.acceptance !== undefined && !t.acceptance.ok)
      return Promise.reject(new AgentError(t.acceptance.code, t.acceptance.message));
    return new Promise((resolve, reject) => {
      const timer = this.deps.clock.setTimeout(() => {
        this.refundWaiters.delete(refundId);
        reject(
          new AgentError(
            "TIMEOUT",
            `no answer from Vipps within ${timeoutMs} ms; the refund goes on in the background`,
          ),
        );
      }, timeoutMs);
      this.refundWaiters.set(refundId, (update) => {
        this.deps.clock.clearTimeout(timer);
        resolve(update);
      });
    });
  }

  /** The till's button, when configured to cancel: cancels the sale being paid, as the register would. */
  cancelActive(): void {
    const saleId = this.till.activeSaleId;
    if (saleId !== undefined) this.apply({ type: "cancel", saleId });
  }

  private findSale(ref: string | undefined): Sale | undefined {
    const { journal } = this.deps;
    if (ref === undefined) {
      const last = journal.recentSales(50).find((r) => r.outcome === "captured");
      return last === undefined ? undefined : journal.getSale(last.saleId);
    }
    return (
      this.till.sales[ref] ??
      journal.getSale(ref) ??
      journal.getSaleByReference(ref) ??
      (/^\d+$/.test(ref) ? journal.getSaleByNo(Number(ref)) : undefined)
    );
  }

  /** The printer queue is about to send a sale receipt's bytes (journalled first, see resume.ts). */
  receiptStarting(saleId: string): void {
    this.ensureLoaded(saleId);
    this.apply({ type: "receipt_started", saleId });
  }

  receiptFinished(saleId: string, printed: boolean): void {
    this.ensureLoaded(saleId);
    this.apply({ type: "receipt_result", saleId, printed });
  }

  /**
   * Sends the journalled final states the register has not acked, oldest first, one at a time.
   * Stops at the first failure (link down); the next hello or final state starts it again.
   */
  private flushRegisterOutbox(): void {
    if (this.flushing || this.stopped || !this.deps.register.isUp) return;
    const pending = this.deps.journal.pendingRegisterMessages();
    if (pending.length === 0) return;
    this.flushing = true;
    const run = async (): Promise<void> => {
      try {
        for (const message of this.deps.journal.pendingRegisterMessages()) {
          if (this.stopped) return;
          const how = await this.deps.register.deliver(message.message);
          this.deps.journal.registerMessageDone(message.id, how, this.deps.clock.now());
          if (how === "refused")
            this.deps.logger.warn(
              { saleId: message.saleId, kind: message.message.type },
              "register refused a report",
            );
        }
      } catch (error) {
        this.deps.logger.warn(
          { err: errorMessage(error) },
          "register did not ack a report; will re-send after the next hello",
        );
        return;
      } finally {
        this.flushing = false;
      }
      // Finals journalled while we were sending.
      if (this.deps.journal.pendingRegisterMessages().length > 0) this.flushRegisterOutbox();
    };
    this.track(run(), () => undefined);
  }

  private activeMemberName(): string | undefined {
    return this.till.activeSaleId === undefined ? undefined : this.memberNames.get(this.till.activeSaleId);
  }

  private refreshView(): void {
    const view: View = viewOf({
      till: this.till,
      ...(this.lastFinished === undefined ? {} : { lastFinished: this.lastFinished }),
      registerUp: this.deps.register.isUp,
      ...(this.deps.qrContent === undefined ? {} : { qrContent: this.deps.qrContent }),
      ...(this.activeMemberName() === undefined ? {} : { memberName: this.activeMemberName() }),
      now: this.deps.clock.now(),
    });
    const key = JSON.stringify(view.screen);
    if (key !== this.shownView) {
      this.shownView = key;
      this.deps.screen.show(view.screen).then(
        () => (this.displayFailed = false),
        (error: unknown) => {
          this.displayFailed = true;
          this.deps.logger.warn({ err: errorMessage(error) }, "customer display failed");
        },
      );
      this.deps.lights.show(view.lights);
    }
    this.deps.clock.clearTimeout(this.viewTimer);
    this.viewTimer = undefined;
    if (view.refreshAt !== undefined && !this.stopped) {
      this.viewTimer = this.deps.clock.setTimeout(
        () => this.refreshView(),
        Math.max(0, view.refreshAt - this.deps.clock.now()),
      );
    }
  }
}

function memberOf(m: { id: string; tier?: string }): { id: string; tier?: string } {
  return m.tier === undefined ? { id: m.id } : { id: m.id, tier: m.tier };
}
