import { VippsClient, isVippsError } from "../../agent/vipps/index.js";
import type { Clock, TimerHandle } from "../../lib/clock.js";
import { errorMessage } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import { CHECK_IN_EVENT } from "../../lib/mqtt-contract/index.js";
import { VERSION } from "../../lib/version.js";
import type { VippsCredentials } from "../../lib/vipps-env.js";
import type { FleetStore } from "../store/fleet-store.js";
import { readWebhookState, writeWebhookState, type WebhookCheckState } from "./webhook-state.js";

/**
 * Asks Vipps' Webhooks API (`GET /webhooks/v1/webhooks`, the sales unit's own keys) every
 * `intervalSeconds` whether the MSN still has its `user.checked-in.v1` registration — at the
 * bridge's URL when one is configured. Vipps deletes a registration after two weeks of failed
 * deliveries (https://developer.vippsmobilepay.com/docs/APIs/webhooks-api/api-guide/). The
 * answer goes to the store; the alerter turns "missing" into an alert. A failed look (Vipps
 * unreachable, keys refused) is logged and shown, and leaves the last definite answer standing.
 */
export class WebhookCheck {
  private timer: TimerHandle | undefined;
  private running = false;
  private stopped = false;
  private readonly client: VippsClient;
  /** Failed looks since start, for /metrics. */
  failures = 0;

  constructor(
    private readonly o: {
      readonly store: FleetStore;
      readonly credentials: VippsCredentials;
      readonly expectedUrl?: string;
      readonly intervalSeconds: number;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly fetch?: typeof fetch;
      /** A look finished: the alerter should look again. */
      readonly onChecked?: () => void;
    },
  ) {
    this.client = new VippsClient({
      ...o.credentials,
      system: { name: "pos-fleet", version: VERSION },
      timeoutMs: 10_000,
      maxRetries: 2,
      clock: o.clock,
      logger: o.logger.child({ module: "vipps" }),
      ...(o.fetch === undefined ? {} : { fetch: o.fetch }),
    });
  }

  start(): void {
    this.running = true;
    void this.tick();
  }

  stop(): void {
    this.running = false;
    this.stopped = true;
    this.o.clock.clearTimeout(this.timer);
  }

  private async tick(): Promise<void> {
    try {
      await this.check();
    } catch (error) {
      this.o.logger.error({ err: errorMessage(error) }, "webhook check failed");
    }
    if (this.running)
      this.timer = this.o.clock.setTimeout(() => void this.tick(), this.o.intervalSeconds * 1000);
  }

  /** One look at Vipps; resolves with what the store now holds. */
  async check(): Promise<WebhookCheckState> {
    const before = readWebhookState(this.o.store);
    const now = (): number => this.o.clock.now();
    let state: WebhookCheckState;
    try {
      const registrations = await this.client.webhooks.list();
      const wanted = this.o.expectedUrl === undefined ? undefined : normalise(this.o.expectedUrl);
      const registered = registrations.some(
        (r) => r.events.includes(CHECK_IN_EVENT) && (wanted === undefined || normalise(r.url) === wanted),
      );
      state = registered
        ? { checkedAt: now(), result: "present", registered }
        : {
            checkedAt: now(),
            result: "missing",
            registered,
            missingSince: before?.registered === false ? (before.missingSince ?? now()) : now(),
          };
      if (registered !== before?.registered)
        this.o.logger[registered ? "info" : "warn"](
          { registrations: registrations.length },
          registered
            ? "the check-in webhook registration is at Vipps"
            : "the check-in webhook registration is missing at Vipps",
        );
    } catch (error) {
      this.failures += 1;
      const code = isVippsError(error) ? error.code : "ERROR";
      this.o.logger.warn(
        { code, err: errorMessage(error) },
        "could not look up the webhook registrations at Vipps",
      );
      state = {
        ...(before ?? {}),
        checkedAt: now(),
        result: "failed",
        error: code,
      };
    }
    // Stopped while Vipps was answering: the store may be closed already.
    if (this.stopped) return state;
    writeWebhookState(this.o.store, state);
    this.o.onChecked?.();
    return state;
  }
}

function normalise(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}
