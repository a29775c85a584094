import { backoffDelay } from "../../lib/backoff.js";
import type { Clock, TimerHandle } from "../../lib/clock.js";
import { errorMessage } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import type { FleetStore } from "../store/fleet-store.js";

/** A receiver has this long to answer each POST. */
const POST_TIMEOUT_MS = 10_000;
/** Retries back off from 1 s to 5 min (full jitter): a receiver that is down is not hammered. */
const RETRY = { baseMs: 1_000, maxMs: 300_000 };

/**
 * Delivers queued alert notifications to FLEET_ALERT_WEBHOOK_URL, oldest first, one at a time:
 * POST application/json, and only a 2xx removes it from the store's outbox. Anything else is
 * logged (never the URL: chat webhooks carry their key in it) and retried with backoff, so a
 * notification survives a receiver outage and a restart of this service.
 */
export class AlertNotifier {
  private timer: TimerHandle | undefined;
  private busy = false;
  private stopped = false;
  private failures = 0;
  /** Notifications delivered since start, for /metrics. */
  delivered = 0;

  constructor(
    private readonly o: {
      readonly store: FleetStore;
      readonly url: string;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly fetch?: typeof fetch;
    },
  ) {}

  /** Something was queued (or the service started): deliver what waits, unless already doing so. */
  kick(): void {
    if (this.busy || this.stopped || this.timer !== undefined) return;
    void this.drain();
  }

  stop(): void {
    this.stopped = true;
    this.o.clock.clearTimeout(this.timer);
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      for (let next = this.o.store.alerts.nextNotification(); next !== undefined && !this.stopped;) {
        const ok = await this.post(next.payload);
        if (this.stopped) return;
        if (!ok) {
          this.o.store.alerts.failed(next.seq);
          const delay = backoffDelay(RETRY, this.failures++);
          this.o.logger.warn(
            { alertId: next.alertId, state: next.state, retryInMs: delay },
            "alert notification not delivered; retrying",
          );
          this.timer = this.o.clock.setTimeout(() => {
            this.timer = undefined;
            this.kick();
          }, delay);
          return;
        }
        this.failures = 0;
        this.delivered += 1;
        this.o.store.alerts.delivered(next.seq);
        this.o.logger.info({ alertId: next.alertId, state: next.state }, "alert notification delivered");
        next = this.o.store.alerts.nextNotification();
      }
    } catch (error) {
      this.o.logger.error({ err: errorMessage(error) }, "alert notifier failed");
    } finally {
      this.busy = false;
    }
  }

  private async post(payload: string): Promise<boolean> {
    const abort = new AbortController();
    const timer = this.o.clock.setTimeout(() => abort.abort(new Error("no answer in time")), POST_TIMEOUT_MS);
    try {
      const answer = await (this.o.fetch ?? fetch)(this.o.url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "pos-fleet" },
        body: payload,
        redirect: "error",
        signal: abort.signal,
      });
      await answer.body?.cancel();
      if (answer.ok) return true;
      this.o.logger.warn({ status: answer.status }, "the alert webhook refused a notification");
      return false;
    } catch (error) {
      this.o.logger.warn({ err: errorMessage(error) }, "the alert webhook did not answer");
      return false;
    } finally {
      this.o.clock.clearTimeout(timer);
    }
  }
}
