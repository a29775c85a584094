import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { AgentError } from "../lib/errors.js";
import { envReader } from "../lib/env-reader.js";
import { readMqttEnv, type MqttEnvSettings } from "../lib/mqtt-env.js";
import {
  DEFAULT_TOPIC_PREFIX,
  MAX_WEBHOOK_BODY_BYTES,
  isBridgeName,
  isTopicPrefix,
} from "../lib/mqtt-contract/index.js";
import { parseWebhookSecrets, type WebhookSecret } from "./webhook-secrets.js";

/** The broker connection: the MQTT_* variables every cloud service reads alike (lib/mqtt-env.ts). */
export type BridgeMqttSettings = MqttEnvSettings;

/**
 * The bridge's settings, from the environment (12-factor). Every variable, its default and its
 * range is listed in docs/mqtt-contract.md §Running the bridge; `parseBridgeEnv` reports every
 * problem at once so an operator fixes them in one pass.
 */
export interface BridgeSettings {
  readonly host: string;
  readonly port: number;
  /** The URL registered at Vipps; its host and path+query are part of every signature. */
  readonly publicUrl: string;
  /** The path this server answers webhooks on; defaults to the public URL's path. */
  readonly webhookPath: string;
  /** Each bound to its sales unit (`<msn>:<secret>`), or unbound (legacy): webhook-secrets.ts. */
  readonly webhookSecrets: readonly WebhookSecret[];
  readonly topicPrefix: string;
  /** This replica's name in its heartbeat topic `<prefix>/_bridge/<name>/status`. */
  readonly name: string;
  /** Largest accepted body, bytes. */
  readonly maxBodyBytes: number;
  /** How long to wait for the broker's PUBACK before answering 503, milliseconds. */
  readonly publishTimeoutMs: number;
  /** How long a graceful shutdown waits for in-flight publishes, milliseconds. */
  readonly shutdownTimeoutMs: number;
  readonly mqtt: BridgeMqttSettings;
}

export const BRIDGE_DEFAULTS = {
  host: "0.0.0.0",
  port: 8080,
  topicPrefix: DEFAULT_TOPIC_PREFIX,
  maxBodyBytes: 64 * 1024,
  /** Vipps gives up on an answer after 10 s; 5 s leaves room for the network. */
  publishTimeoutMs: 5_000,
  shutdownTimeoutMs: 10_000,
  protocolVersion: 5,
} as const;

export type BridgeErrorCode =
  | "BRIDGE_CONFIG_INVALID"
  | "BRIDGE_BAD_SIGNATURE"
  | "BRIDGE_BAD_DATE"
  | "BRIDGE_WRONG_MSN"
  | "BRIDGE_BODY_TOO_LARGE"
  | "BRIDGE_BAD_JSON"
  | "BRIDGE_BROKER_UNAVAILABLE"
  | "BRIDGE_PUBLISH_TIMEOUT"
  | "BRIDGE_PUBLISH_REFUSED"
  | "BRIDGE_SHUTTING_DOWN";

/** Splits a secrets list: commas or newlines; blank lines and `#` comments ignored. */
export function splitSecrets(text: string): string[] {
  return text
    .split(/[,\r\n]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "" && !s.startsWith("#"));
}

/**
 * A replica's default name: what follows `pos-bridge-` in its broker user (deploy/mosquitto's
 * broker-user.sh gives each replica its own, and its ACL lets it write only its own heartbeat),
 * else the host name — stable across restarts, so a restarted replica overwrites its own heartbeat.
 */
export function defaultBridgeName(username: string | undefined): string {
  const fromUser = username?.startsWith("pos-bridge-") === true ? username.slice("pos-bridge-".length) : "";
  if (isBridgeName(fromUser)) return fromUser;
  const host = hostname()
    .replace(/[^A-Za-z0-9_-]/g, "")
    .replace(/^[_-]+/, "")
    .slice(0, 32);
  return isBridgeName(host) ? host : "bridge";
}

/** A fresh client id per process: replicas must never share one (the broker would kick one off). */
export function defaultBridgeClientId(): string {
  return `pos-bridge-${hostname()
    .replace(/[^A-Za-z0-9_-]/g, "")
    .slice(0, 40)}-${randomBytes(4).toString("hex")}`;
}

export function parseBridgeEnv(env: NodeJS.ProcessEnv): { settings?: BridgeSettings; problems: string[] } {
  const reader = envReader(env);
  const { problems, get, secret, int, url } = reader;

  const port = int("BRIDGE_PORT", BRIDGE_DEFAULTS.port, 0, 65_535);
  const host = get("BRIDGE_HOST") ?? BRIDGE_DEFAULTS.host;
  const publicUrl = url("BRIDGE_PUBLIC_URL", /^https?:$/, "the https:// URL registered at Vipps");
  if (publicUrl !== undefined && publicUrl.hash !== "")
    problems.push("BRIDGE_PUBLIC_URL: must not have a #fragment");
  const webhookPath = get("BRIDGE_WEBHOOK_PATH") ?? publicUrl?.pathname ?? "/";
  if (!webhookPath.startsWith("/") || /[?#\s]/.test(webhookPath))
    problems.push(`BRIDGE_WEBHOOK_PATH: expected a path starting with /, got "${webhookPath}"`);
  const maxBodyBytes = int(
    "BRIDGE_MAX_BODY_BYTES",
    BRIDGE_DEFAULTS.maxBodyBytes,
    1_024,
    MAX_WEBHOOK_BODY_BYTES,
  );
  const publishTimeoutMs = int("BRIDGE_PUBLISH_TIMEOUT_MS", BRIDGE_DEFAULTS.publishTimeoutMs, 100, 9_000);
  const shutdownTimeoutMs = int("BRIDGE_SHUTDOWN_TIMEOUT_MS", BRIDGE_DEFAULTS.shutdownTimeoutMs, 0, 120_000);
  const topicPrefix = get("TOPIC_PREFIX") ?? BRIDGE_DEFAULTS.topicPrefix;
  if (!isTopicPrefix(topicPrefix))
    problems.push(`TOPIC_PREFIX: expected topic levels of letters, digits, _ or -, got "${topicPrefix}"`);

  const secretsText = secret("VIPPS_WEBHOOK_SECRETS");
  const parsedSecrets = parseWebhookSecrets(secretsText === undefined ? [] : splitSecrets(secretsText));
  problems.push(...parsedSecrets.problems);
  const webhookSecrets = parsedSecrets.secrets;
  if (webhookSecrets.length === 0 && !problems.some((p) => p.startsWith("VIPPS_WEBHOOK_SECRETS"))) {
    problems.push(
      "VIPPS_WEBHOOK_SECRETS: required (<msn>:<secret> for each secret `pos-bridge register-webhook` returned, comma- or newline-separated; or VIPPS_WEBHOOK_SECRETS_FILE)",
    );
  }

  const mqtt = readMqttEnv(reader, defaultBridgeClientId);
  const name = get("BRIDGE_NAME") ?? defaultBridgeName(mqtt?.username);
  if (!isBridgeName(name))
    problems.push(`BRIDGE_NAME: expected 1–32 of A–Z a–z 0–9 _ - (not starting with _ or -), got "${name}"`);

  if (problems.length > 0 || publicUrl === undefined || mqtt === undefined) return { problems };
  return {
    problems,
    settings: {
      host,
      port,
      publicUrl: publicUrl.href,
      webhookPath,
      webhookSecrets,
      topicPrefix,
      name,
      maxBodyBytes,
      publishTimeoutMs,
      shutdownTimeoutMs,
      mqtt,
    },
  };
}

/** `parseBridgeEnv` for callers that want an exception: `BRIDGE_CONFIG_INVALID` listing every problem. */
export function bridgeSettingsFromEnv(env: NodeJS.ProcessEnv): BridgeSettings {
  const { settings, problems } = parseBridgeEnv(env);
  if (settings === undefined) {
    throw new AgentError<BridgeErrorCode>(
      "BRIDGE_CONFIG_INVALID",
      `invalid environment:\n  ${problems.join("\n  ")}`,
      { details: { problems } },
    );
  }
  return settings;
}
