import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/log.js";
import type { ConsumerCounters } from "../ingest/consumer.js";
import type { FleetSettings } from "../settings.js";
import type { FleetStore } from "../store/fleet-store.js";
import type { Authenticator } from "./auth.js";

/** What the web handlers read: the store and the live state of the service's other parts. */
export interface WebContext {
  readonly settings: Pick<
    FleetSettings,
    | "msn"
    | "auth"
    | "metricsAccess"
    | "metricsTokens"
    | "healthzAccess"
    | "refreshSeconds"
    | "alerts"
    | "webhookCheck"
  >;
  readonly store: FleetStore;
  readonly auth: Authenticator;
  readonly clock: Clock;
  readonly logger: Logger;
  brokerConnected(): boolean;
  consumerCounters(): ConsumerCounters;
  notificationsDelivered(): number;
  webhookCheckFailures(): number;
}
