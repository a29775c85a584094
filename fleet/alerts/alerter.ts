import type { Clock, TimerHandle } from "../../lib/clock.js";
import { errorMessage } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import type { AlertRecord } from "../store/alerts.js";
import type { FleetStore } from "../store/fleet-store.js";
import { fleetViews } from "../view/fleet-view.js";
import { alertPayload } from "./payload.js";
import { activeConditions, resolution, type AlertThresholds, type Condition } from "./rules.js";
import { readWebhookState } from "./webhook-state.js";

/** How often the rules are looked at: the thresholds are minutes, this adds at most seconds. */
const EVALUATE_EVERY_MS = 5_000;

/**
 * Fires each alert once when its condition starts to hold and resolves it once when it stops:
 * the open alerts live in the store, so a restart neither repeats nor forgets one. Each change
 * is logged, and — when an alert webhook is configured — queued for the notifier in the same
 * transaction.
 */
export class Alerter {
  private timer: TimerHandle | undefined;
  private running = false;

  constructor(
    private readonly o: {
      readonly store: FleetStore;
      readonly msn: string;
      readonly thresholds: AlertThresholds;
      readonly clock: Clock;
      readonly logger: Logger;
      /** Queue notifications (an alert webhook is configured). */
      readonly notify: boolean;
      /** Something was queued: the notifier should look. */
      readonly onQueued?: () => void;
    },
  ) {}

  start(): void {
    this.running = true;
    this.tick();
  }

  stop(): void {
    this.running = false;
    this.o.clock.clearTimeout(this.timer);
  }

  private tick(): void {
    try {
      this.evaluate();
    } catch (error) {
      this.o.logger.error({ err: errorMessage(error) }, "alert evaluation failed");
    }
    if (this.running) this.timer = this.o.clock.setTimeout(() => this.tick(), EVALUATE_EVERY_MS);
  }

  /** Looks at the rules once: fires what started, resolves what ended. */
  evaluate(): void {
    const { store, clock, thresholds, msn } = this.o;
    const now = clock.now();
    const conditions = activeConditions({
      msn,
      tills: fleetViews(store, now),
      unrouted: store.unrouted.since(now - thresholds.unroutedQuietMs),
      webhook: readWebhookState(store),
      now,
      thresholds,
    });
    const open = new Map(store.alerts.open().map((a) => [a.key, a]));
    const active = new Set(conditions.map((c) => c.key));
    let queued = false;
    for (const condition of conditions)
      if (!open.has(condition.key)) queued = this.fire(condition, now) || queued;
    for (const alert of open.values())
      if (!active.has(alert.key)) queued = this.resolve(alert, now) || queued;
    if (queued) this.o.onQueued?.();
  }

  private notification(): ((stored: AlertRecord) => string) | undefined {
    return this.o.notify ? (stored) => alertPayload(this.o.msn, stored) : undefined;
  }

  private fire(condition: Condition, now: number): boolean {
    const alert = this.o.store.alerts.fire({ ...condition, firedAt: now }, this.notification());
    this.o.logger.warn(
      {
        alert: alert.kind,
        alertId: alert.id,
        tillId: alert.tillId,
        since: new Date(alert.since).toISOString(),
      },
      `alert: ${alert.summary}`,
    );
    return this.o.notify;
  }

  private resolve(alert: AlertRecord, now: number): boolean {
    const text = resolution(alert.kind, alert.tillId, alert.since, now);
    const resolved = this.o.store.alerts.resolve(alert.id, now, text, this.notification());
    if (resolved === undefined) return false;
    this.o.logger.info({ alert: alert.kind, alertId: alert.id, tillId: alert.tillId }, `resolved: ${text}`);
    return this.o.notify;
  }
}
