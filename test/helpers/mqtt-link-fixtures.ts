import { configSchema, type Config, type ConfigInput } from "../../config/schema.js";
import type { Secrets } from "../../config/secrets.js";
import { encodeEnvelope, routeWebhook } from "../../lib/mqtt-contract/index.js";
import { signedWebhook } from "./vipps-webhooks.js";

/**
 * Config, secrets and envelopes for tests of the till's MQTT link (agent/mqtt) — also handy for
 * end-to-end tests that run a link against a real broker.
 */
export const TEST_MSN = "123456";
export const TEST_WEBHOOK_URL = "https://bridge.example.com/vipps/webhook";
export const TEST_WEBHOOK_SECRET = "test-webhook-secret-A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIc=";

export interface LinkConfigInput {
  readonly mqttUrl: string;
  /** Instead of `mqttUrl`: the nodes of a broker cluster (`mqtt.urls`). */
  readonly mqttUrls?: readonly string[];
  readonly tillId?: string;
  readonly msn?: string;
  readonly protocolVersion?: 4 | 5;
  readonly webhookUrl?: string;
  /** Fast reconnects for tests (config minimum 100 ms). */
  readonly reconnectMinMs?: number;
  readonly reconnectMaxMs?: number;
  readonly healthIntervalSeconds?: number;
  readonly checkinMaxAgeSeconds?: number;
  readonly username?: string;
  readonly clientId?: string;
  readonly topicPrefix?: string;
  readonly tls?: { caFile?: string; certFile?: string; keyFile?: string; rejectUnauthorized?: boolean };
}

export function linkConfig(p: LinkConfigInput): Config {
  const input: ConfigInput = {
    vipps: {
      clientId: "test-client",
      msn: p.msn ?? TEST_MSN,
      currency: "NOK",
      webhookUrl: p.webhookUrl ?? TEST_WEBHOOK_URL,
    },
    till: { id: p.tillId ?? "kasse1", locationDescription: "Kasse 1" },
    mqtt: {
      ...(p.mqttUrls === undefined ? { url: p.mqttUrl } : { urls: [...p.mqttUrls] }),
      protocolVersion: p.protocolVersion ?? 5,
      reconnectMinMs: p.reconnectMinMs ?? 100,
      reconnectMaxMs: p.reconnectMaxMs ?? 1_000,
      healthIntervalSeconds: p.healthIntervalSeconds ?? 60,
      ...(p.username === undefined ? {} : { username: p.username }),
      ...(p.clientId === undefined ? {} : { clientId: p.clientId }),
      ...(p.topicPrefix === undefined ? {} : { topicPrefix: p.topicPrefix }),
      ...(p.tls === undefined ? {} : { tls: p.tls }),
    },
    checkout: { checkinMaxAgeSeconds: p.checkinMaxAgeSeconds ?? 900 },
  };
  return configSchema.parse(input);
}

export function linkSecrets(p: { webhookSecrets?: readonly string[]; mqttPassword?: string } = {}): Secrets {
  return {
    clientSecret: "test-client-secret",
    subscriptionKey: "test-subscription-key",
    webhookSecrets: p.webhookSecrets ?? [TEST_WEBHOOK_SECRET],
    ...(p.mqttPassword === undefined ? {} : { mqttPassword: p.mqttPassword }),
  };
}

/** The envelope bytes the bridge would publish for `payload`, signed with `secret` for `url`. */
export function webhookEnvelope(
  payload: unknown,
  p: { secret?: string; url?: string; date?: Date } = {},
): Buffer {
  const url = p.url ?? TEST_WEBHOOK_URL;
  const webhook = signedWebhook(p.secret ?? TEST_WEBHOOK_SECRET, url, payload, p.date);
  const route = routeWebhook(payload);
  return encodeEnvelope({
    receivedAt: new Date(),
    registeredUrl: url,
    headers: {
      "x-ms-date": webhook.headers["x-ms-date"] ?? "",
      "x-ms-content-sha256": webhook.headers["x-ms-content-sha256"] ?? "",
      authorization: webhook.headers.authorization ?? "",
    },
    rawBody: webhook.body,
    route: route.routed
      ? { msn: route.msn, tillId: route.tillId, event: route.event }
      : { reason: route.reason },
  });
}
