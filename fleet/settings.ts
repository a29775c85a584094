import { readFileSync } from "node:fs";
import { join } from "node:path";
import { envReader, type EnvReader } from "../lib/env-reader.js";
import { readMqttEnv, type MqttEnvSettings } from "../lib/mqtt-env.js";
import { DEFAULT_TOPIC_PREFIX, isMsn, isTopicPrefix } from "../lib/mqtt-contract/index.js";
import { parseVippsEnv, type VippsCredentials } from "../lib/vipps-env.js";
import { parseTokens } from "./auth/api-tokens.js";
import { parseUsersFile, type FleetUser } from "./auth/users-file.js";

/**
 * The fleet service's settings, from the environment like the bridge's (12-factor). Every
 * variable, its default and range is in docs/fleet.md §Configuration; `parseFleetEnv` reports
 * every problem at once, naming the variable and never a secret's value.
 */
type Access = "login" | "token" | "open";

export interface FleetSettings {
  readonly host: string;
  readonly port: number;
  /** The one sales unit this service watches. */
  readonly msn: string;
  readonly topicPrefix: string;
  /** The SQLite file. */
  readonly databaseFile: string;
  readonly mqtt: MqttEnvSettings & { readonly sessionExpirySeconds: number };
  readonly auth: {
    readonly users: readonly FleetUser[];
    /** SHA-256 digests of the bearer tokens. */
    readonly apiTokens: readonly Buffer[];
    readonly sessionHours: number;
    readonly cookieSecure: boolean;
    /** Take the client address from X-Forwarded-For (behind one reverse proxy). */
    readonly trustProxy: boolean;
    /** Requests per minute and address before 429. */
    readonly requestsPerMinute: number;
  };
  /** Who may read /metrics: the page's users and tokens, its own token, or anyone. */
  readonly metricsAccess: Access;
  readonly metricsTokens: readonly Buffer[];
  readonly healthzAccess: "open" | "login";
  readonly alerts: {
    /** Where alerts are POSTed; a secret (chat webhooks carry their key in the URL). */
    readonly webhookUrl?: string;
    readonly offlineAfterSeconds: number;
    readonly degradedAfterSeconds: number;
    readonly unroutedQuietSeconds: number;
  };
  /** The periodic check of the check-in webhook registration at Vipps; absent without credentials. */
  readonly webhookCheck?: {
    readonly credentials: VippsCredentials;
    /** The URL the registration must point at (the bridge's BRIDGE_PUBLIC_URL); any URL when absent. */
    readonly expectedUrl?: string;
    readonly intervalSeconds: number;
  };
  readonly retentionDays: number;
  /** The page reloads itself this often (0 = never). */
  readonly refreshSeconds: number;
}

export const FLEET_DEFAULTS = {
  host: "127.0.0.1",
  port: 8090,
  sessionHours: 12,
  requestsPerMinute: 300,
  /** As long as Vipps retries a webhook: the fleet may be down that long and miss nothing. */
  sessionExpirySeconds: 604_800,
  offlineAfterSeconds: 300,
  degradedAfterSeconds: 600,
  unroutedQuietSeconds: 3_600,
  webhookCheckSeconds: 900,
  retentionDays: 90,
  refreshSeconds: 15,
} as const;

const WEEK_SECONDS = 7 * 86_400;

function bool(r: EnvReader, name: string, fallback: boolean): boolean {
  const text = r.get(name);
  if (text === undefined) return fallback;
  if (text === "true" || text === "false") return text === "true";
  r.problems.push(`${name}: expected true or false, got "${text}"`);
  return fallback;
}

function oneOf<T extends string>(r: EnvReader, name: string, values: readonly T[], fallback: T): T {
  const text = r.get(name);
  if (text === undefined) return fallback;
  if ((values as readonly string[]).includes(text)) return text as T;
  r.problems.push(`${name}: expected one of ${values.join(", ")}, got "${text}"`);
  return fallback;
}

function users(r: EnvReader): FleetUser[] {
  const file = r.get("FLEET_USERS_FILE");
  if (file === undefined) return [];
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    r.problems.push(
      `FLEET_USERS_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
    return [];
  }
  const parsed = parseUsersFile(text);
  for (const problem of parsed.problems) r.problems.push(`FLEET_USERS_FILE: ${problem}`);
  return parsed.users;
}

function tokens(r: EnvReader, name: string): Buffer[] {
  const text = r.secret(name);
  if (text === undefined) return [];
  const parsed = parseTokens(text, name);
  r.problems.push(...parsed.problems);
  return parsed.tokens;
}

function webhookCheck(
  r: EnvReader,
  env: NodeJS.ProcessEnv,
  msn: string | undefined,
): FleetSettings["webhookCheck"] {
  if (r.get("VIPPS_CLIENT_ID") === undefined) return undefined;
  if (r.get("VIPPS_MSN") !== undefined && r.get("VIPPS_MSN") !== msn) {
    r.problems.push("VIPPS_MSN: must equal FLEET_MSN (or be unset)");
    return undefined;
  }
  const vipps = parseVippsEnv({ ...env, VIPPS_MSN: msn ?? "" });
  // FLEET_MSN's own problem is already listed; Vipps takes 4–7 digits where topics take 4–10.
  r.problems.push(...vipps.problems.filter((p) => msn !== undefined || !p.startsWith("VIPPS_MSN")));
  const expected =
    r.get("BRIDGE_PUBLIC_URL") === undefined
      ? undefined
      : r.url("BRIDGE_PUBLIC_URL", /^https?:$/, "the URL registered at Vipps");
  const intervalSeconds = r.int("FLEET_WEBHOOK_CHECK_SECONDS", FLEET_DEFAULTS.webhookCheckSeconds, 1, 86_400);
  if (vipps.credentials === undefined) return undefined;
  return {
    credentials: vipps.credentials,
    intervalSeconds,
    ...(expected === undefined ? {} : { expectedUrl: expected.href }),
  };
}

export function parseFleetEnv(env: NodeJS.ProcessEnv): { settings?: FleetSettings; problems: string[] } {
  const r = envReader(env);
  const { problems, get, int } = r;

  const host = get("FLEET_HOST") ?? FLEET_DEFAULTS.host;
  const port = int("FLEET_PORT", FLEET_DEFAULTS.port, 0, 65_535);
  const msn = get("FLEET_MSN");
  if (msn === undefined || !isMsn(msn))
    problems.push(
      `FLEET_MSN: required, the sales unit's Merchant Serial Number (4–10 digits)${msn === undefined ? "" : `, got "${msn}"`}`,
    );
  const topicPrefix = get("TOPIC_PREFIX") ?? DEFAULT_TOPIC_PREFIX;
  if (!isTopicPrefix(topicPrefix))
    problems.push(`TOPIC_PREFIX: expected topic levels of letters, digits, _ or -, got "${topicPrefix}"`);
  const stateDirectory = get("STATE_DIRECTORY")?.split(":")[0];
  const databaseFile =
    get("FLEET_DATABASE") ?? (stateDirectory === undefined ? undefined : join(stateDirectory, "fleet.db"));
  if (databaseFile === undefined)
    problems.push("FLEET_DATABASE: required (the SQLite file), unless systemd sets STATE_DIRECTORY");

  // A broker that binds client ids to logins (deploy/mosquitto/) uses the user name anyway.
  const mqtt = readMqttEnv(r, () => get("MQTT_USERNAME") ?? `pos-fleet-${msn ?? "unknown"}`);
  const sessionExpirySeconds = int(
    "MQTT_SESSION_EXPIRY_SECONDS",
    FLEET_DEFAULTS.sessionExpirySeconds,
    60,
    4_294_967_294,
  );

  const userList = users(r);
  const apiTokens = tokens(r, "FLEET_API_TOKENS");
  if (
    userList.length === 0 &&
    apiTokens.length === 0 &&
    !problems.some((p) => p.startsWith("FLEET_USERS_FILE") || p.startsWith("FLEET_API_TOKENS"))
  )
    problems.push(
      "FLEET_USERS_FILE or FLEET_API_TOKENS(_FILE): at least one user or token is required; the page and the API are never open",
    );
  const metricsAccess = oneOf<Access>(r, "FLEET_METRICS_ACCESS", ["login", "token", "open"], "login");
  const metricsTokens = tokens(r, "FLEET_METRICS_TOKEN");
  if (
    metricsAccess === "token" &&
    metricsTokens.length === 0 &&
    !problems.some((p) => p.startsWith("FLEET_METRICS_TOKEN"))
  )
    problems.push("FLEET_METRICS_TOKEN(_FILE): required with FLEET_METRICS_ACCESS=token");

  const alertUrlText = r.secret("FLEET_ALERT_WEBHOOK_URL") || undefined;
  let webhookUrl: string | undefined;
  if (alertUrlText !== undefined) {
    try {
      const parsed = new URL(alertUrlText.trim());
      if (parsed.protocol === "https:" || parsed.protocol === "http:") webhookUrl = parsed.href;
    } catch {
      // reported below
    }
    // The URL may carry the receiver's key (chat webhooks do): never echo it.
    if (webhookUrl === undefined) problems.push("FLEET_ALERT_WEBHOOK_URL: expected an http(s) URL");
  }

  const settings = {
    host,
    port,
    topicPrefix,
    auth: {
      users: userList,
      apiTokens,
      sessionHours: int("FLEET_SESSION_HOURS", FLEET_DEFAULTS.sessionHours, 1, 720),
      cookieSecure: bool(r, "FLEET_COOKIE_SECURE", true),
      trustProxy: bool(r, "FLEET_TRUST_PROXY", false),
      requestsPerMinute: int("FLEET_RATE_LIMIT_PER_MINUTE", FLEET_DEFAULTS.requestsPerMinute, 10, 100_000),
    },
    metricsAccess,
    metricsTokens,
    healthzAccess: oneOf(r, "FLEET_HEALTHZ_ACCESS", ["open", "login"] as const, "open"),
    alerts: {
      ...(webhookUrl === undefined ? {} : { webhookUrl }),
      offlineAfterSeconds: int(
        "FLEET_ALERT_OFFLINE_SECONDS",
        FLEET_DEFAULTS.offlineAfterSeconds,
        1,
        WEEK_SECONDS,
      ),
      degradedAfterSeconds: int(
        "FLEET_ALERT_DEGRADED_SECONDS",
        FLEET_DEFAULTS.degradedAfterSeconds,
        1,
        WEEK_SECONDS,
      ),
      unroutedQuietSeconds: int(
        "FLEET_ALERT_UNROUTED_QUIET_SECONDS",
        FLEET_DEFAULTS.unroutedQuietSeconds,
        1,
        WEEK_SECONDS,
      ),
    },
    retentionDays: int("FLEET_RETENTION_DAYS", FLEET_DEFAULTS.retentionDays, 1, 3_650),
    refreshSeconds: int("FLEET_REFRESH_SECONDS", FLEET_DEFAULTS.refreshSeconds, 0, 3_600),
  };
  const check = webhookCheck(r, env, msn);

  if (problems.length > 0 || msn === undefined || mqtt === undefined || databaseFile === undefined)
    return { problems };
  return {
    problems,
    settings: {
      ...settings,
      msn,
      databaseFile,
      mqtt: { ...mqtt, sessionExpirySeconds },
      ...(check === undefined ? {} : { webhookCheck: check }),
    },
  };
}
