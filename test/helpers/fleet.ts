import { join } from "node:path";
import { parsePasswordHash, hashPassword } from "../../fleet/auth/password.js";
import { parseTokens } from "../../fleet/auth/api-tokens.js";
import { FLEET_DEFAULTS, type FleetSettings } from "../../fleet/settings.js";
import type { HealthMessage, SaleEventMessage } from "../../lib/mqtt-contract/index.js";
import { TEST_MSN } from "./mqtt-link-fixtures.js";

/**
 * Settings, credentials and messages for tests of the fleet service (fleet/). Passwords are
 * hashed with light scrypt parameters here so tests stay fast; the service verifies whatever
 * parameters a line carries (one test checks the real defaults).
 */
export const FLEET_USER = "ops";
export const FLEET_PASSWORD = "correct horse battery staple";
export const FLEET_TOKEN = "fleet-api-token-0123456789abcdefghijklmnopqrstuv";
export const METRICS_TOKEN = "metrics-token-0123456789abcdefghijklmnopqrstuvwxyz";

/** A users-file line for FLEET_USER with light parameters (N=1024). */
export async function usersFileLine(user = FLEET_USER, password = FLEET_PASSWORD): Promise<string> {
  return `${user}:${await hashPassword(password, { N: 1024, r: 8, p: 1 })}`;
}

export async function fleetSettings(p: {
  brokerUrl: string;
  dir: string;
  msn?: string;
  clientId?: string;
  protocolVersion?: 4 | 5;
  username?: string;
  password?: string;
  caFile?: string;
  overrides?: Partial<Omit<FleetSettings, "mqtt">>;
}): Promise<FleetSettings> {
  const line = await usersFileLine();
  const hash = parsePasswordHash(line.slice(line.indexOf(":") + 1));
  if (hash === undefined) throw new Error("test hash did not parse");
  const msn = p.msn ?? TEST_MSN;
  return {
    host: "127.0.0.1",
    port: 0,
    msn,
    topicPrefix: "vipps-pos",
    databaseFile: join(p.dir, "fleet.db"),
    mqtt: {
      urls: [p.brokerUrl],
      protocolVersion: p.protocolVersion ?? 5,
      clientId: p.clientId ?? `pos-fleet-${msn}-${process.pid}`,
      rejectUnauthorized: true,
      sessionExpirySeconds: 3_600,
      ...(p.username === undefined ? {} : { username: p.username }),
      ...(p.password === undefined ? {} : { password: p.password }),
      ...(p.caFile === undefined ? {} : { caFile: p.caFile }),
    },
    auth: {
      users: [{ name: FLEET_USER, password: hash }],
      apiTokens: parseTokens(FLEET_TOKEN, "test").tokens,
      sessionHours: 12,
      cookieSecure: false,
      trustProxy: false,
      requestsPerMinute: 10_000,
    },
    metricsAccess: "login",
    metricsTokens: parseTokens(METRICS_TOKEN, "test").tokens,
    healthzAccess: "open",
    alerts: {
      offlineAfterSeconds: FLEET_DEFAULTS.offlineAfterSeconds,
      degradedAfterSeconds: FLEET_DEFAULTS.degradedAfterSeconds,
      unroutedQuietSeconds: FLEET_DEFAULTS.unroutedQuietSeconds,
    },
    retentionDays: 90,
    refreshSeconds: 0,
    ...p.overrides,
  };
}

/** A health message as a till sends it (agent/mqtt/health.ts), with overrides. */
export function healthOf(tillId: string, p: Partial<HealthMessage> = {}, msn = TEST_MSN): HealthMessage {
  return {
    v: 1,
    tillId,
    msn,
    at: new Date().toISOString(),
    version: "0.1.0",
    uptimeSeconds: 3_600,
    memory: { rssBytes: 90_000_000, heapUsedBytes: 20_000_000 },
    links: {
      register: "up",
      printer: "online",
      vipps: "ok",
      display: "ok",
      gpio: "disabled",
      mqtt: "connected",
    },
    degraded: [],
    counters: { received: 0, delivered: 0 },
    ...p,
  };
}

/** A sale event message as the till's outbox publishes it. */
export function saleEventOf(
  tillId: string,
  p: Partial<SaleEventMessage> & { n: number },
  msn = TEST_MSN,
): SaleEventMessage {
  const { n, ...rest } = p;
  const reference = `${tillId}-ref${String(n).padStart(4, "0")}-1`;
  return {
    v: 1,
    msn,
    tillId,
    eventId: `${reference}-captured`,
    type: "sale.captured",
    saleId: `S-${n}`,
    reference,
    amount: { currency: "NOK", value: 6150 },
    occurredAt: new Date().toISOString(),
    receiptNumber: String(n).padStart(6, "0"),
    ...rest,
  };
}

/** Logs in through the form like a browser; returns the session cookie (`name=value`). */
export async function loginCookie(
  url: string,
  user = FLEET_USER,
  password = FLEET_PASSWORD,
): Promise<string> {
  const answer = await fetch(`${url}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ user, password, next: "/" }).toString(),
    redirect: "manual",
  });
  const cookie = answer.headers.get("set-cookie");
  if (answer.status !== 303 || cookie === null) throw new Error(`login failed: ${answer.status}`);
  return cookie.split(";")[0] ?? "";
}
