import type { Clock, TimerHandle } from "../../lib/clock.js";
import { errorMessage } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import type { Identification } from "../checkout/io.js";
import type { Sale } from "../checkout/sale.js";
import type { TillState } from "../checkout/till.js";
import type { LightsPort, ScreenPort } from "./ports.js";
import { viewOf } from "./view.js";

export interface ViewPresenterDeps {
  readonly screen: ScreenPort;
  readonly lights: LightsPort;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The till's state as the runner has it now. */
  readonly till: () => TillState;
  readonly registerUp: () => boolean;
  /** The till's QR text from the journal; absent until the till is set up (see setQrContent). */
  readonly qrContent?: string;
  /** How a `pay` identifies the customer now; absent: the till's QR (callback). */
  readonly identification?: () => Identification;
}

/**
 * Puts the view (view.ts, a pure function of the till) on the customer display and the status
 * lights: writes only what changed, and comes back by itself when a result screen times out.
 * Also keeps what the view needs and the journal must not hold: the sale that ended last and
 * members' first names (personal data, never journalled).
 */
export class ViewPresenter {
  private qrContent: string | undefined;
  private lastFinished: { sale: Sale; at: number } | undefined;
  private readonly memberNames = new Map<string, string>();
  private shown: string | undefined;
  private failed = false;
  private timer: TimerHandle | undefined;
  private stopped = false;
  /**
   * What the view on screen was computed from. Most inputs change none of it (a poll that finds
   * the payment still waiting, an acknowledgement): then the view is not computed again. Time
   * enters the view only through `refreshAt`, whose timer recomputes regardless.
   */
  private computedFrom: readonly unknown[] = [];

  constructor(private readonly deps: ViewPresenterDeps) {
    this.qrContent = deps.qrContent;
  }

  /** The last customer-display write failed (for status; the next one tries again). */
  get displayFailed(): boolean {
    return this.failed;
  }

  /** The till was set up (or set up again): the display shows the new QR. */
  setQrContent(qrContent: string): void {
    this.qrContent = qrContent;
    this.present();
  }

  /** A sale ended: "paid" / "not paid" shows for RESULT_SCREEN_MS; its member's name is forgotten. */
  saleFinished(sale: Sale, at: number): void {
    this.lastFinished = { sale, at };
    this.memberNames.delete(sale.saleId);
  }

  /** A member's first name for the member screen of this sale (loyalty found or enrolled them). */
  rememberMemberName(saleId: string, name: string | undefined): void {
    if (name !== undefined) this.memberNames.set(saleId, name);
  }

  /** Shows what the till's state says now. */
  present(): void {
    this.show(false);
  }

  private show(timeMoved: boolean): void {
    const { clock } = this.deps;
    const till = this.deps.till();
    const identification = this.deps.identification?.();
    const memberName = till.activeSaleId === undefined ? undefined : this.memberNames.get(till.activeSaleId);
    const registerUp = this.deps.registerUp();
    const from = [till, this.lastFinished, registerUp, this.qrContent, identification, memberName];
    if (!timeMoved && from.every((value, i) => value === this.computedFrom[i])) return;
    this.computedFrom = from;
    const view = viewOf({
      till,
      ...(this.lastFinished === undefined ? {} : { lastFinished: this.lastFinished }),
      registerUp,
      ...(this.qrContent === undefined ? {} : { qrContent: this.qrContent }),
      ...(identification === undefined ? {} : { identification }),
      ...(memberName === undefined ? {} : { memberName }),
      now: clock.now(),
    });
    const key = JSON.stringify(view.screen);
    if (key !== this.shown) {
      this.shown = key;
      this.deps.screen.show(view.screen).then(
        () => (this.failed = false),
        (error: unknown) => {
          this.failed = true;
          this.deps.logger.warn({ err: errorMessage(error) }, "customer display failed");
        },
      );
      this.deps.lights.show(view.lights);
    }
    clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (view.refreshAt !== undefined && !this.stopped)
      this.timer = clock.setTimeout(() => this.show(true), Math.max(0, view.refreshAt - clock.now()));
  }

  stop(): void {
    this.stopped = true;
    this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
