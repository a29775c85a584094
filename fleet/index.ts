/**
 * The fleet at a glance (docs/fleet.md): one service per MSN beside the bridge that reads the
 * tills' status, health and sale topics (never their webhooks) with the back-office broker user,
 * keeps what it needs in its own SQLite, and serves a web page, a JSON API and Prometheus
 * metrics behind a login, with alerts to a webhook and the log.
 *
 *   const fleet = await startFleet(fleetSettingsFromEnv(process.env), { logger? });
 *   fleet.url;            // the web server
 *   await fleet.close();  // the broker session stays and queues for the next start
 */
export { startFleet, type RunningFleet } from "./service.js";
export { parseFleetEnv, fleetSettingsFromEnv, FLEET_DEFAULTS, type FleetSettings } from "./settings.js";
export type { FleetErrorCode } from "./errors.js";
