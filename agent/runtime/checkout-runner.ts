import type { Clock } from "../../lib/clock.js";
import { AgentError, errorMessage } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import type { Acceptance, Effect, Identification, Input, SaleUpdate } from "../checkout/io.js";
import { step } from "../checkout/machine.js";
import { resumeEffects } from "../checkout/resume.js";
import type { CheckoutSettings } from "../checkout/settings.js";
import { EMPTY_TILL, type TillState } from "../checkout/till.js";
import { saleUpdate } from "../checkout/wire.js";
import type { Journal } from "../journal/journal.js";
import { BasketSweep, type OpenBasketLimits } from "./basket-sweep.js";
import { HoldSweep } from "./hold-sweep.js";
import { InFlight } from "./in-flight.js";
import { InputQueue } from "./input-queue.js";
import type { LoyaltyPort } from "../loyalty/port.js";
import { LoyaltyAdapter } from "./loyalty-adapter.js";
import type {
  LightsPort,
  PaymentsPort,
  ReceiptsPort,
  RegisterPort,
  SaleEventsPort,
  ScreenPort,
} from "./ports.js";
import { RegisterOutbox } from "./register-outbox.js";
import { SaleCounters, type RunnerCounters } from "./sale-counters.js";
import { TechnicianActions, type Applied } from "./technician-actions.js";
import { withLoaded, withoutSettled } from "./till-memory.js";
import { ViewPresenter } from "./view-presenter.js";
import { EffectStarter } from "./effect-starter.js";

export type { OpenBasketLimits } from "./basket-sweep.js";
export type { RunnerCounters } from "./sale-counters.js";

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
  /** The till's QR text for the display, if known at start (later: `view.setQrContent`). */
  readonly qrContent?: string;
  /** Which identification a `pay` without a customer gets now (identification.ts); absent: callback. */
  readonly identification?: () => Identification;
  /** After every journalled transition: the till's state changed (the fleet's health message). */
  readonly onChange?: () => void;
}

/** The answer to a register command, or the refusal of a runner that is stopping. */
export type RegisterAnswer =
  Acceptance | { readonly ok: false; readonly code: "AGENT_STOPPING"; readonly message: string };

const STOPPING: RegisterAnswer = {
  ok: false,
  code: "AGENT_STOPPING",
  message:
    "the checkout is not running (the agent is stopping); nothing was done: send it again after the next hello",
};

/**
 * Drives the pure checkout: every input goes through `step`, the transition is journalled
 * (fsynced) and only then are its effects started; their results come back as new inputs.
 *
 * Inputs are applied one at a time, in arrival order, through a run-to-completion queue: one
 * that arrives while another is being applied or its effects started (a port answering
 * synchronously) waits its turn. So the journal order is the order of events, and the same
 * inputs at the same clock readings give the same journal. Every source of time and I/O is a
 * dependency. The display, the register outbox, loyalty and the technician's actions are
 * separate parts (view-presenter, register-outbox, loyalty-adapter, technician-actions).
 */
export class CheckoutRunner {
  private till: TillState = EMPTY_TILL;
  private phase: "new" | "running" | "stopped" = "new";
  /** clock.monotonic() of the last checkpoint between customers. */
  private checkpointedAt = Number.NEGATIVE_INFINITY;
  private readonly queue: InputQueue;
  private readonly inFlight: InFlight;
  private readonly effects: EffectStarter;
  private readonly outbox: RegisterOutbox;
  private readonly loyalty: LoyaltyAdapter;
  private readonly sweep: BasketSweep;
  private readonly holds: HoldSweep;
  private readonly sales: SaleCounters;
  /** The customer display and the status lights. */
  readonly view: ViewPresenter;
  /** Reprint, refund and cancel for the technician and the till's button. */
  readonly technician: TechnicianActions;
  /** The identification last given to the checkout (identificationChanged). */
  private lastIdentification: Identification | undefined;

  constructor(private readonly deps: RunnerDeps) {
    const { journal, register, clock, logger } = deps;
    this.queue = new InputQueue();
    this.inFlight = new InFlight(logger);
    this.outbox = new RegisterOutbox({
      journal,
      register,
      clock,
      logger,
      inFlight: this.inFlight,
      onDrained: () => this.checkpointBetweenCustomers(),
    });
    this.view = new ViewPresenter({
      screen: deps.screen,
      lights: deps.lights,
      clock,
      logger,
      till: () => this.till,
      registerUp: () => register.isUp,
      ...(deps.qrContent === undefined ? {} : { qrContent: deps.qrContent }),
      ...(deps.identification === undefined ? {} : { identification: deps.identification }),
    });
    this.loyalty = new LoyaltyAdapter({
      ...(deps.loyalty === undefined ? {} : { loyalty: deps.loyalty }),
      submit: (input) => this.feed(input),
      rememberName: (saleId, name) => this.view.rememberMemberName(saleId, name),
      inFlight: this.inFlight,
      logger,
    });
    this.sweep = new BasketSweep({
      limits: deps.basketLimits,
      journal,
      clock,
      logger,
      drop: (saleIds) => {
        this.till = withLoaded(this.till, saleIds, (id) => journal.getSale(id));
        return this.apply({ type: "drop_baskets", saleIds })?.changed.length ?? 0;
      },
      enqueue: (sweep) => void this.queue.run(sweep),
    });
    this.holds = new HoldSweep({
      settings: deps.settings,
      journal,
      clock,
      logger,
      due: (saleIds) => {
        this.till = withLoaded(this.till, saleIds, (id) => journal.getSale(id));
        this.apply({ type: "hold_deadline", saleIds });
      },
      enqueue: (sweep) => void this.queue.run(sweep),
    });
    this.sales = new SaleCounters(logger);
    this.effects = new EffectStarter({
      payments: deps.payments,
      register,
      receipts: deps.receipts,
      lights: deps.lights,
      outbox: this.outbox,
      loyalty: this.loyalty,
      inFlight: this.inFlight,
      clock,
      logger,
      feed: (input) => this.feed(input),
      saleOf: (saleId) => this.till.sales[saleId] ?? journal.getSale(saleId),
      onVippsCall: () => this.sales.vippsCall(),
    });
    this.technician = new TechnicianActions({
      checkout: this,
      journal,
      receipts: deps.receipts,
      clock,
    });
  }

  /**
   * Reads the journal and resumes every unfinished sale (after a restart or a power cut), drops
   * open baskets past the limits and sends the register what it has not acked. Call once.
   */
  start(): void {
    if (this.phase !== "new") throw new Error(`the checkout runner was already ${this.phase}`);
    void this.queue.run(() => {
      this.till = this.deps.journal.load();
      this.phase = "running";
      for (const sale of Object.values(this.till.sales)) {
        const effects = resumeEffects(sale, { includeReceipts: true });
        if (effects.length > 0)
          this.deps.logger.info(
            { saleId: sale.saleId, phase: sale.phase.kind, effects: effects.map((e) => e.type) },
            "resuming sale",
          );
        this.effects.start(effects);
      }
      this.sweep.sweep();
      this.holds.sweep();
      this.outbox.flush();
      this.view.present();
    });
  }

  /** Stops timers and waits (bounded by the callers' own timeouts) for requests in flight. */
  async stop(): Promise<void> {
    this.phase = "stopped";
    this.loyalty.stop();
    this.effects.stop();
    this.view.stop();
    this.sweep.stop();
    this.holds.stop();
    await this.inFlight.stop();
  }

  get state(): TillState {
    return this.till;
  }

  get counters(): Readonly<RunnerCounters> {
    return this.sales.snapshot();
  }

  /**
   * A register command: journalled before the answer, so the ack that follows is truthful.
   * Answered at once, unless another input is being applied (then once it is its turn). A
   * stopping runner refuses with AGENT_STOPPING (docs/register-protocol.md).
   */
  handleRegisterCommand(
    input: Input & { type: "basket" | "pay" | "capture" | "release" | "cancel" | "refund" },
  ): RegisterAnswer | Promise<RegisterAnswer> {
    const saleId = input.type === "basket" ? input.basket.saleId : input.saleId;
    return this.queue.run(() => {
      if (this.phase !== "running") return STOPPING;
      const lastSaleNo = this.till.lastSaleNo;
      // A refund from elsewhere: a record here of the same payment must be seen (refund-elsewhere.ts).
      const known =
        input.type === "refund" && input.reference !== undefined
          ? this.deps.journal.getSaleByReference(input.reference)?.saleId
          : undefined;
      // Decided when the pay is applied and journalled with it, so a replay is exact.
      const identification = this.deps.identification?.();
      const t = this.applyLoaded(
        input.type === "pay" && input.customer === undefined && identification !== undefined
          ? { ...input, identification }
          : input,
        known === undefined ? [saleId] : [saleId, known],
      );
      if (t === undefined) return STOPPING;
      // A new basket may be one too many: dropped right after this ack, not before it.
      if (this.till.lastSaleNo > lastSaleNo) this.sweep.soon();
      return t.acceptance ?? { ok: false, code: "BAD_FIELD", message: "not applied" };
    });
  }

  /** The register asks for a sale's state (after its own restart). */
  statusOf(saleId: string): SaleUpdate | undefined {
    const sale = this.till.sales[saleId] ?? this.deps.journal.getSale(saleId);
    return sale === undefined ? undefined : saleUpdate(sale);
  }

  /**
   * Inputs from the MQTT link (check-ins, webhooks): journalled before the link can send its
   * acknowledgement (queued behind another input, still within this same tick).
   * `alsoInTransaction` (the link's de-duplication record) is written in the same transaction
   * when the input is journalled; it is not called when nothing was. Throws AGENT_STOPPING once
   * stopping (nothing is journalled any more): the link must then not acknowledge, and the
   * broker delivers the event again.
   */
  handle(input: Input, alsoInTransaction?: () => void): void {
    if (this.phase !== "running")
      throw new AgentError("AGENT_STOPPING", "the checkout is stopping; not journalled");
    void this.queue.run(() => this.apply(input, alsoInTransaction));
  }

  /** Applies `input` in its turn (loading the sales `load` from the journal first). */
  submit(input: Input, load: readonly string[] = []): Applied | Promise<Applied> {
    return this.queue.run(() => this.applyLoaded(input, load));
  }

  /** The printer queue is about to send a sale receipt's bytes (journalled first, see resume.ts). */
  receiptStarting(saleId: string): void {
    void this.submit({ type: "receipt_started", saleId }, [saleId]);
  }

  receiptFinished(saleId: string, printed: boolean): void {
    void this.submit({ type: "receipt_result", saleId, printed }, [saleId]);
  }

  /** The register link completed a hello: re-send every final state it has not acked. */
  onRegisterUp(): void {
    this.outbox.flush();
    this.view.present();
  }

  /**
   * The till's identification may have changed (auto: the MQTT link or the bridges went or came).
   * Read in the input's turn, so it falls in order between the pays that read it too.
   */
  identificationChanged(): void {
    void this.queue.run(() => {
      if (this.phase !== "running") return;
      const identification = this.deps.identification?.();
      if (identification === undefined || identification === this.lastIdentification) return;
      this.lastIdentification = identification;
      this.apply({ type: "identification", identification });
    });
  }

  onRegisterDown(): void {
    this.view.present();
  }

  /**
   * An input whose caller does not wait for it (an effect's result, a timer). A journal that
   * fails to write rejects as it always did: the process exits, and the journal resumes it.
   */
  private feed(input: Input): void {
    void this.submit(input);
  }

  private applyLoaded(input: Input, load: readonly string[]): Applied {
    if (this.phase !== "running") return undefined;
    this.till = withLoaded(this.till, load, (saleId) => this.deps.journal.getSale(saleId));
    return this.apply(input);
  }

  /** One input, inside its queue job: step, journal, then start the effects. */
  private apply(input: Input, alsoInTransaction?: () => void): Applied {
    if (this.phase !== "running") return undefined;
    const { clock, journal, settings, logger } = this.deps;
    const now = clock.now();
    const t = step(this.till, input, now, settings);
    if (t.acceptance !== undefined && !t.acceptance.ok) {
      this.sales.refused();
      logger.info({ input: input.type, code: t.acceptance.code }, "register command refused");
      // A refused command changes nothing, but `applyLoaded` may have brought its sale in from
      // the journal: a settled one goes back out, or it would sit in memory (and in every scan
      // of the till's sales) until some other input is accepted.
      this.till = withoutSettled(this.till);
      return t;
    }
    const completed = t.effects.filter(
      (e): e is Effect & { type: "sale_completed" } => e.type === "sale_completed",
    );
    journal.record(input, t, now, () => {
      for (const e of completed) this.deps.saleEvents.publishSaleCompleted(e.sale, now);
      alsoInTransaction?.();
    });
    this.till = t.till;
    for (const sale of this.sales.transition(t)) this.view.saleFinished(sale, now);
    this.technician.applied(input, t);
    this.effects.start(t.effects);
    this.till = withoutSettled(this.till);
    this.view.present();
    this.deps.onChange?.();
    return t;
  }

  /**
   * The register has acked every outcome and no sale is being paid: the moment nobody waits, so
   * the journal's WAL is checkpointed now (Journal.checkpoint) rather than inside some sale's
   * commit. At most once a second: a till doing a sale a minute checkpoints after each one.
   */
  private checkpointBetweenCustomers(): void {
    const now = this.deps.clock.monotonic();
    if (this.phase !== "running" || this.till.activeSaleId !== undefined) return;
    if (now - this.checkpointedAt < 1_000) return;
    this.checkpointedAt = now;
    try {
      this.deps.journal.checkpoint();
    } catch (error) {
      this.deps.logger.warn({ err: errorMessage(error) }, "journal checkpoint failed; SQLite will do it");
    }
  }
}
