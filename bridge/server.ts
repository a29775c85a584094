import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { systemClock, type Clock } from "../lib/clock.js";
import { AgentError, errorMessage } from "../lib/errors.js";
import { createLogger, type Logger } from "../lib/log.js";
import { DEFAULT_TOPIC_PREFIX, bridgeStatusTopic } from "../lib/mqtt-contract/index.js";
import { connectPublisher } from "./broker-publisher.js";
import { PROMETHEUS_CONTENT_TYPE, type Histogram } from "../lib/prometheus.js";
import { createCounters, createPublishLatency, renderPrometheus, type BridgeCounters } from "./counters.js";
import {
  BRIDGE_DEFAULTS,
  defaultBridgeClientId,
  defaultBridgeName,
  type BridgeErrorCode,
  type BridgeMqttSettings,
  type BridgeSettings,
} from "./settings.js";
import { parseWebhookSecrets, type WebhookSecret } from "./webhook-secrets.js";
import { handleWebhook, internalError, type WebhookAnswer } from "./webhook-handler.js";

export interface BridgeOptions {
  /** The URL registered at Vipps (signed host and path). */
  readonly publicUrl: string;
  /** `<msn>:<secret>` (or a bare secret, valid for any MSN) as in VIPPS_WEBHOOK_SECRETS, or parsed. */
  readonly webhookSecrets: readonly (string | WebhookSecret)[];
  /** `url`: one broker; or `urls`: the nodes of one cluster (mqtt:// or mqtts://). */
  readonly mqtt: Partial<BridgeMqttSettings> & { readonly url?: string };
  /** Default 0 (a free port) — `serve` passes BRIDGE_PORT. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default: the public URL's path. */
  readonly webhookPath?: string;
  readonly topicPrefix?: string;
  /** This replica's heartbeat name (`<prefix>/_bridge/<name>/status`); default from the broker user or host. */
  readonly name?: string;
  readonly maxBodyBytes?: number;
  readonly publishTimeoutMs?: number;
  readonly shutdownTimeoutMs?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export interface RunningBridge {
  /** Where it listens, e.g. `http://127.0.0.1:41234` (the webhook is at `url + webhookPath`). */
  readonly url: string;
  readonly webhookPath: string;
  /** Live counters (read-only for callers). */
  readonly counters: Readonly<BridgeCounters>;
  /** Seconds from publish to PUBACK, as `/metrics` shows them. */
  readonly publishSeconds: Histogram;
  readonly brokerConnected: boolean;
  /** Graceful shutdown: stop accepting, finish in-flight publishes, disconnect. Idempotent. */
  close(): Promise<void>;
}

function settingsFromOptions(options: BridgeOptions): BridgeSettings {
  const parsed = parseWebhookSecrets(
    options.webhookSecrets.filter((s) => typeof s === "string"),
    "webhookSecrets",
  );
  const secrets = [...parsed.secrets, ...options.webhookSecrets.filter((s) => typeof s !== "string")];
  const { problems } = parsed;
  if (problems.length > 0)
    throw new AgentError<BridgeErrorCode>("BRIDGE_CONFIG_INVALID", problems.join("; "), {
      details: { problems },
    });
  const { url, urls, ...mqtt } = options.mqtt;
  const brokers = urls ?? (url === undefined ? [] : [url]);
  if (brokers.length === 0)
    throw new AgentError<BridgeErrorCode>("BRIDGE_CONFIG_INVALID", "the bridge needs mqtt.url or mqtt.urls");
  return {
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    publicUrl: options.publicUrl,
    webhookPath: options.webhookPath ?? new URL(options.publicUrl).pathname,
    webhookSecrets: secrets,
    topicPrefix: options.topicPrefix ?? DEFAULT_TOPIC_PREFIX,
    name: options.name ?? defaultBridgeName(mqtt.username),
    maxBodyBytes: options.maxBodyBytes ?? BRIDGE_DEFAULTS.maxBodyBytes,
    publishTimeoutMs: options.publishTimeoutMs ?? BRIDGE_DEFAULTS.publishTimeoutMs,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? BRIDGE_DEFAULTS.shutdownTimeoutMs,
    mqtt: {
      protocolVersion: BRIDGE_DEFAULTS.protocolVersion,
      clientId: defaultBridgeClientId(),
      rejectUnauthorized: true,
      ...mqtt,
      urls: brokers,
    },
  };
}

function send(res: ServerResponse, answer: WebhookAnswer, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const body = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    ...extraHeaders,
  });
  res.end(body);
}

export async function startBridge(options: BridgeOptions): Promise<RunningBridge> {
  const settings = settingsFromOptions(options);
  const clock = options.clock ?? systemClock;
  const log = (options.logger ?? createLogger({ base: { service: "pos-bridge" } })).child({
    module: "bridge",
  });
  const counters = createCounters();
  const publishSeconds = createPublishLatency();
  const publisher = connectPublisher(settings.mqtt, clock, log, {
    topic: bridgeStatusTopic(settings.topicPrefix, settings.name),
  });
  const inFlight = new Set<Promise<void>>();
  let closing: Promise<void> | undefined;

  const deps = {
    publicUrl: settings.publicUrl,
    secrets: settings.webhookSecrets,
    topicPrefix: settings.topicPrefix,
    maxBodyBytes: settings.maxBodyBytes,
    publishTimeoutMs: settings.publishTimeoutMs,
    protocolVersion: settings.mqtt.protocolVersion,
    publisher,
    counters,
    publishSeconds,
    clock,
    log,
  };

  const onWebhook = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let answer: WebhookAnswer;
    try {
      answer = await handleWebhook(req, deps);
    } catch (error) {
      log.error({ err: errorMessage(error) }, "webhook handling failed");
      answer = internalError(error);
    }
    if (answer.status === 413) {
      // Do not read the rest of an oversized body; close the connection once answered.
      send(res, answer, { connection: "close" });
      res.once("finish", () => req.destroy());
      return;
    }
    send(res, answer);
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://bridge").pathname;
    if (path === settings.webhookPath) {
      if (req.method !== "POST") {
        send(
          res,
          { status: 405, body: { error: "METHOD_NOT_ALLOWED", message: "POST only" } },
          { allow: "POST" },
        );
        return;
      }
      if (closing !== undefined) {
        send(
          res,
          { status: 503, body: { error: "BRIDGE_SHUTTING_DOWN", message: "shutting down, retry later" } },
          { connection: "close" },
        );
        return;
      }
      const work = onWebhook(req, res);
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
      return;
    }
    if (req.method === "GET" && path === "/healthz") {
      const up = publisher.connected && closing === undefined;
      send(res, {
        status: up ? 200 : 503,
        body: {
          status: up ? "ok" : "unavailable",
          broker: publisher.connected ? "connected" : "disconnected",
          counters,
        },
      });
      return;
    }
    if (req.method === "GET" && path === "/metrics") {
      if ((req.headers.accept ?? "").includes("application/json")) {
        send(res, {
          status: 200,
          body: {
            ...counters,
            brokerConnected: publisher.connected,
            publishSeconds: {
              count: publishSeconds.count,
              sum: publishSeconds.sum,
              buckets: publishSeconds
                .cumulative()
                .map(({ le, count }) => ({ le: Number.isFinite(le) ? le : "+Inf", count })),
            },
          },
        });
        return;
      }
      const text = renderPrometheus(counters, publisher.connected, publishSeconds);
      res.writeHead(200, {
        "content-type": PROMETHEUS_CONTENT_TYPE,
        "content-length": Buffer.byteLength(text),
      });
      res.end(text);
      return;
    }
    send(res, { status: 404, body: { error: "NOT_FOUND", message: "no such endpoint" } });
  });
  // Vipps waits 10 s for an answer; nobody legitimate needs longer to send a few kilobytes.
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, settings.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log.info(
    {
      url,
      webhookPath: settings.webhookPath,
      publicUrl: settings.publicUrl,
      topicPrefix: settings.topicPrefix,
      secrets: settings.webhookSecrets.length,
    },
    "bridge listening",
  );
  const unbound = settings.webhookSecrets.filter((s) => s.msn === undefined).length;
  if (unbound > 0)
    log.warn(
      { unbound },
      "webhook secrets without an MSN verify webhooks of ANY sales unit: write each as <msn>:<secret> (docs/mqtt-contract.md, Running the bridge)",
    );

  const shutdown = async (): Promise<void> => {
    log.info({ inFlight: inFlight.size }, "shutting down: no new webhooks, finishing in-flight publishes");
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: ReturnType<Clock["setTimeout"]> | undefined;
    await Promise.race([
      Promise.allSettled([...inFlight]),
      new Promise<void>((resolve) => {
        timer = clock.setTimeout(resolve, settings.shutdownTimeoutMs);
      }),
    ]);
    clock.clearTimeout(timer);
    server.closeAllConnections();
    await closed;
    await publisher.close(settings.shutdownTimeoutMs);
    log.info({ counters }, "bridge stopped");
  };

  return {
    url,
    webhookPath: settings.webhookPath,
    counters,
    publishSeconds,
    get brokerConnected() {
      return publisher.connected;
    },
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
