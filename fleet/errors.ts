/**
 * Error codes of the fleet service (`AgentError<FleetErrorCode>`, lib/errors.ts). Messages from
 * the broker that fail a check are counted and logged under their code, never stored.
 */
export type FleetErrorCode =
  /** An environment variable is missing or invalid; every problem is listed (exit 78). */
  | "FLEET_CONFIG_INVALID"
  /** The users file has a line that is not `name:scrypt$N$r$p$salt$hash`. */
  | "FLEET_USERS_FILE_INVALID"
  /** The database belongs to another MSN: one fleet service and store per sales unit. */
  | "FLEET_STORE_OTHER_MSN"
  /** A message on a topic this service does not read (never a till's webhook topic: never stored). */
  | "FLEET_BAD_TOPIC"
  /** A status payload other than `online` / `offline`. */
  | "FLEET_BAD_STATUS"
  /** A health message that is not JSON, fails the contract, or names another till. */
  | "FLEET_BAD_HEALTH"
  /** A sale event that is not JSON, fails the contract, names another till, or has an impossible amount. */
  | "FLEET_BAD_SALE_EVENT"
  /** An `_unrouted` message that is not a webhook envelope. */
  | "FLEET_BAD_UNROUTED"
  /** A packet over the contract's 2 MiB limit, skipped unread (lib/mqtt-contract/limits.ts). */
  | "FLEET_TOO_LARGE"
  /** No valid session, token or password. */
  | "FLEET_UNAUTHORIZED"
  /** Too many requests, or too many failed logins, from one address. */
  | "FLEET_RATE_LIMITED"
  | "FLEET_NOT_FOUND"
  | "FLEET_BAD_REQUEST"
  /** The alert webhook did not answer 2xx; the notification is kept and retried. */
  | "FLEET_ALERT_NOT_DELIVERED";

/** The reasons a broker message is dropped, each counted on /metrics. */
export type FleetRejection = Extract<
  FleetErrorCode,
  | "FLEET_BAD_TOPIC"
  | "FLEET_BAD_STATUS"
  | "FLEET_BAD_HEALTH"
  | "FLEET_BAD_SALE_EVENT"
  | "FLEET_BAD_UNROUTED"
  | "FLEET_TOO_LARGE"
>;

export const FLEET_REJECTIONS: readonly FleetRejection[] = [
  "FLEET_BAD_TOPIC",
  "FLEET_BAD_STATUS",
  "FLEET_BAD_HEALTH",
  "FLEET_BAD_SALE_EVENT",
  "FLEET_BAD_UNROUTED",
  "FLEET_TOO_LARGE",
];
