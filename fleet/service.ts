import { systemClock, type Clock, type TimerHandle } from "../lib/clock.js";
import { errorMessage } from "../lib/errors.js";
import { createLogger, type Logger } from "../lib/log.js";
import { Alerter } from "./alerts/alerter.js";
import { AlertNotifier } from "./alerts/notifier.js";
import { WebhookCheck } from "./alerts/webhook-check.js";
import { startConsumer, type FleetConsumer } from "./ingest/consumer.js";
import type { FleetSettings } from "./settings.js";
import { FleetStore } from "./store/fleet-store.js";
import { Authenticator } from "./web/auth.js";
import { startWebServer } from "./web/server.js";

export interface RunningFleet {
  /** Where the web server listens, e.g. `http://127.0.0.1:8090`. */
  readonly url: string;
  readonly store: FleetStore;
  readonly consumer: FleetConsumer;
  /** Looks at the alert rules now (tests; the service does it every few seconds). */
  evaluateAlerts(): void;
  /** Stops everything; the MQTT session stays on the broker and queues for the next start. */
  close(): Promise<void>;
}

/** Housekeeping (retention, expired sessions) runs this often. */
const HOUSEKEEPING_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The fleet service's composition root (`pos-fleet serve`, or tests in-process): the store, the
 * broker consumer, the alert rules, the notifier, the Vipps webhook check and the web server.
 */
export async function startFleet(
  settings: FleetSettings,
  parts: { clock?: Clock; logger?: Logger; fetch?: typeof fetch } = {},
): Promise<RunningFleet> {
  const clock = parts.clock ?? systemClock;
  const logger = parts.logger ?? createLogger({ base: { service: "pos-fleet" } });
  const store = FleetStore.open(settings.databaseFile, settings.msn);
  const stops: (() => Promise<void> | void)[] = [() => store.close()];
  try {
    const notifier =
      settings.alerts.webhookUrl === undefined
        ? undefined
        : new AlertNotifier({
            store,
            url: settings.alerts.webhookUrl,
            clock,
            logger: logger.child({ module: "fleet-notifier" }),
            ...(parts.fetch === undefined ? {} : { fetch: parts.fetch }),
          });
    if (notifier !== undefined) stops.push(() => notifier.stop());
    const alerter = new Alerter({
      store,
      msn: settings.msn,
      thresholds: {
        offlineAfterMs: settings.alerts.offlineAfterSeconds * 1000,
        degradedAfterMs: settings.alerts.degradedAfterSeconds * 1000,
        unroutedQuietMs: settings.alerts.unroutedQuietSeconds * 1000,
      },
      clock,
      logger: logger.child({ module: "fleet-alerts" }),
      notify: notifier !== undefined,
      onQueued: () => notifier?.kick(),
    });
    stops.push(() => alerter.stop());
    const check =
      settings.webhookCheck === undefined
        ? undefined
        : new WebhookCheck({
            store,
            ...settings.webhookCheck,
            clock,
            logger: logger.child({ module: "fleet-webhook-check" }),
            ...(parts.fetch === undefined ? {} : { fetch: parts.fetch }),
            onChecked: () => alerter.evaluate(),
          });
    if (check !== undefined) stops.push(() => check.stop());
    const consumer = startConsumer({
      mqtt: settings.mqtt,
      prefix: settings.topicPrefix,
      msn: settings.msn,
      store,
      clock,
      logger,
    });
    stops.push(() => consumer.stop());
    const auth = new Authenticator({ store, ...settings.auth, clock });
    const web = await startWebServer(
      {
        settings,
        store,
        auth,
        clock,
        logger,
        brokerConnected: () => consumer.state === "connected",
        consumerCounters: () => consumer.counters,
        notificationsDelivered: () => notifier?.delivered ?? 0,
        webhookCheckFailures: () => check?.failures ?? 0,
      },
      settings.host,
      settings.port,
    );
    stops.push(() => web.close());

    const housekeeping = (): void => {
      try {
        const before = clock.now() - settings.retentionDays * DAY_MS;
        const removed = {
          sales: store.sales.prune(before),
          unrouted: store.unrouted.prune(before),
          alerts: store.alerts.prune(before),
          sessions: auth.prune(),
        };
        if (Object.values(removed).some((n) => n > 0)) logger.info(removed, "pruned data past retention");
      } catch (error) {
        logger.error({ err: errorMessage(error) }, "housekeeping failed");
      }
    };
    let housekeepingTimer: TimerHandle | undefined;
    const scheduleHousekeeping = (): void => {
      housekeepingTimer = clock.setTimeout(() => {
        housekeeping();
        scheduleHousekeeping();
      }, HOUSEKEEPING_MS);
    };
    stops.push(() => clock.clearTimeout(housekeepingTimer));

    housekeeping();
    scheduleHousekeeping();
    consumer.start();
    alerter.start();
    notifier?.kick();
    check?.start();
    logger.info(
      {
        url: web.url,
        msn: settings.msn,
        users: settings.auth.users.length,
        tokens: settings.auth.apiTokens.length,
        alertWebhook: notifier !== undefined,
        webhookCheck: check !== undefined,
      },
      "fleet service listening",
    );

    return {
      url: web.url,
      store,
      consumer,
      evaluateAlerts: () => alerter.evaluate(),
      async close() {
        for (const stop of stops.splice(0).reverse()) await stop();
        logger.info("fleet service stopped");
      },
    };
  } catch (error) {
    for (const stop of stops.splice(0).reverse()) await Promise.resolve(stop()).catch(() => undefined);
    throw error;
  }
}
