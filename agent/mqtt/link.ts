import type { IPublishPacket, MqttClient } from "mqtt";
import { mqttBrokerUrls, type MqttIdentityConfig } from "../../config/load.js";
import type { Config } from "../../config/schema.js";
import type { Secrets } from "../../config/secrets.js";
import { systemClock, type Clock, type TimerHandle } from "../../lib/clock.js";
import { AgentError } from "../../lib/errors.js";
import { silentLogger, type Logger } from "../../lib/log.js";
import { VERSION } from "../../lib/version.js";
import {
  MAX_MQTT_PACKET_BYTES,
  SALE_EVENT_VERSION,
  STATUS_OFFLINE,
  STATUS_ONLINE,
  TOPIC_QOS,
  bridgeStatusFilter,
  HEARTBEAT_SUBSCRIBE_QOS,
  parseBridgeStatusTopic,
  saleEventSchema,
  tillTopic,
  type SaleEvent,
  type SaleEventMessage,
} from "../../lib/mqtt-contract/index.js";
import { CHECKIN_CLOCK_SKEW_MS } from "../checkout/settings.js";
import type { Db } from "../store/database.js";
import { BridgeHeartbeats } from "./bridge-heartbeats.js";
import { linkClientOptions } from "./client-options.js";
import { ReconnectingConnection, publishAcked } from "./connection.js";
import { DEFAULT_DEDUPE_CAPACITY, DedupeMemory } from "./dedupe-memory.js";
import { healthMessage, type AgentHealthReport } from "./health.js";
import { createInboundDelivery, zeroInboundCounters, type InboundHandler } from "./inbound-delivery.js";
import { OutboxDrainer } from "./outbox-drainer.js";
import { SaleOutbox } from "./sale-outbox.js";
import type {
  CheckIn,
  InboundRejection,
  MqttErrorCode,
  MqttLinkCounters,
  MqttLinkState,
  PaymentEvent,
} from "./types.js";

/**
 * The part of the till's config the link reads: the broker settings and the till's identity,
 * the webhook URL it reports in its health message and how old a check-in may be.
 */
interface MqttLinkConfig extends MqttIdentityConfig {
  readonly vipps: Pick<Config["vipps"], "msn" | "webhookUrl">;
  readonly checkout: Pick<Config["checkout"], "checkinMaxAgeSeconds">;
}

export interface MqttLinkOptions {
  readonly config: MqttLinkConfig;
  readonly secrets: Secrets;
  /** The agent's SQLite store (agent/store/database.ts); the link keeps its tables there. */
  readonly db: Db;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** The agent's other links, degraded reasons and sale in progress for the health message. */
  readonly health?: () => AgentHealthReport;
  /** Jitter source for the reconnect backoff (tests make it deterministic). */
  readonly random?: () => number;
  /** How many event identities the de-duplication memory keeps. Default 10 000. */
  readonly dedupeCapacity?: number;
}

export interface MqttLink {
  /** Connects in the background and keeps reconnecting until `stop()`. Returns at once. */
  start(): void;
  /** Publishes retained `offline`, disconnects cleanly (the session stays on the broker). */
  stop(): Promise<void>;
  /**
   * The handler must journal the check-in durably before it resolves: resolving acknowledges it
   * to the broker. `remember` writes the link's record of the event (its de-duplication
   * identity): call it inside the transaction that journals the event, so one disk write holds
   * both; when the handler journals nothing, the link writes it itself after the handler.
   */
  onCheckIn(handler: InboundHandler<CheckIn>): void;
  /** Same contract as `onCheckIn`. */
  onPaymentEvent(handler: InboundHandler<PaymentEvent>): void;
  /**
   * Queues a sale event durably (SQLite, before this returns) for the back office; it is
   * published QoS 1 in order and removed only after the PUBACK, re-sent after reconnects and
   * restarts. Re-queuing an `eventId` still waiting is a no-op. Throws `MQTT_BAD_SALE_EVENT`
   * (nothing queued) when the event fails the schema.
   */
  publishSaleEvent(event: SaleEvent): void;
  readonly state: MqttLinkState;
  /** The URL of the broker (cluster node) connected to; undefined while not connected. */
  readonly broker: string | undefined;
  /** Returns an unsubscribe function. */
  onStateChange(listener: (state: MqttLinkState) => void): () => void;
  /**
   * The bridge replicas whose retained heartbeat says `online` (bridge-heartbeats.ts); empty
   * while the link is down or the broker refused the heartbeat subscription.
   */
  readonly bridgesOnline: readonly string[];
  /** Called when `bridgesOnline` changes. Returns an unsubscribe function. */
  onBridgesChange(listener: () => void): () => void;
  counters(): MqttLinkCounters;
  /**
   * The till's state changed (a sale moved on, a device failed): publish a fresh health message
   * soon, so a monitor shows the sale in progress without waiting for the next period. Calls
   * within HEALTH_MIN_GAP_MS of the last message are coalesced into one.
   */
  healthChanged(): void;
}

/** At most one change-driven health message per second: a busy till must not flood the broker. */
export const HEALTH_MIN_GAP_MS = 1_000;

type MutableCounters = { -readonly [K in keyof MqttLinkCounters]: MqttLinkCounters[K] } & {
  rejectedByReason: Record<InboundRejection, number>;
};

export function createMqttLink(options: MqttLinkOptions): MqttLink {
  const { config, secrets, db } = options;
  const clock = options.clock ?? systemClock;
  const log = (options.logger ?? silentLogger()).child({ module: "mqtt-link" });
  const { topicPrefix: prefix } = config.mqtt;
  const msn = config.vipps.msn;
  const tillId = config.till.id;
  const topics = {
    webhook: tillTopic(prefix, msn, tillId, "webhook"),
    status: tillTopic(prefix, msn, tillId, "status"),
    health: tillTopic(prefix, msn, tillId, "health"),
    sales: tillTopic(prefix, msn, tillId, "sales"),
  };
  const backoff = { baseMs: config.mqtt.reconnectMinMs, maxMs: config.mqtt.reconnectMaxMs };
  const random = options.random ?? Math.random;
  const dedupe = new DedupeMemory(db, options.dedupeCapacity ?? DEFAULT_DEDUPE_CAPACITY);
  const outbox = new SaleOutbox(db);
  const counters: MutableCounters = {
    ...zeroInboundCounters(),
    connects: 0,
    salesPublished: 0,
    outboxPending: 0,
  };
  const snapshot = (): MqttLinkCounters => ({
    ...counters,
    rejectedByReason: { ...counters.rejectedByReason },
    outboxPending: outbox.pending,
  });
  const listeners = new Set<(state: MqttLinkState) => void>();
  const bridgeListeners = new Set<() => void>();
  const heartbeats = new BridgeHeartbeats();
  const bridgesChanged = (): void => {
    for (const listener of bridgeListeners) listener();
  };
  let checkInHandler: InboundHandler<CheckIn> | undefined;
  let paymentHandler: InboundHandler<PaymentEvent> | undefined;
  let healthTimer: TimerHandle | undefined;
  let changeTimer: TimerHandle | undefined;
  let lastHealthAt = -Infinity;
  const deliverInbound = createInboundDelivery({
    context: {
      secrets: secrets.webhookSecrets,
      registeredUrl: config.vipps.webhookUrl,
      msn,
      tillId,
      checkinMaxAgeMs: config.checkout.checkinMaxAgeSeconds * 1000,
      maxClockSkewMs: CHECKIN_CLOCK_SKEW_MS,
    },
    dedupe,
    counters,
    clock,
    log,
    handlers: () => ({ checkIn: checkInHandler, payment: paymentHandler }),
  });

  const onMessage = async (packet: IPublishPacket): Promise<void> => {
    const bridge = parseBridgeStatusTopic(prefix, packet.topic);
    if (bridge !== undefined) {
      const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload;
      if (heartbeats.record(bridge, payload)) {
        log.info({ bridge, online: heartbeats.names() }, "bridge heartbeat changed");
        bridgesChanged();
      }
      return;
    }
    if (packet.topic !== topics.webhook) {
      log.warn({ topic: packet.topic }, "message on an unexpected topic ignored");
      return;
    }
    const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload, "utf8") : packet.payload;
    await deliverInbound(payload);
  };

  const publishHealth = (): void => {
    const client = connection.connectedClient;
    if (client === undefined) return;
    lastHealthAt = clock.monotonic();
    const message = healthMessage({
      tillId,
      msn,
      version: VERSION,
      now: clock.now(),
      uptimeSeconds: process.uptime(),
      memory: process.memoryUsage(),
      mqttState: connection.state,
      report: options.health,
      counters: snapshot(),
    });
    client.publish(topics.health, JSON.stringify(message), TOPIC_QOS.health);
  };
  const scheduleHealth = (): void => {
    clock.clearTimeout(healthTimer);
    healthTimer = clock.setTimeout(() => {
      publishHealth();
      scheduleHealth();
    }, config.mqtt.healthIntervalSeconds * 1000);
  };

  const onConnected = async (client: MqttClient): Promise<void> => {
    // Every connect: the broker may have lost the session (restart without persistence,
    // session expiry) — subscribing again is harmless when it did not.
    const granted = await client.subscribeAsync(topics.webhook, { qos: TOPIC_QOS.webhook.qos });
    if (granted.some((g) => g.qos > 2)) {
      throw new AgentError<MqttErrorCode>(
        "MQTT_REFUSED",
        "the broker refused the webhook subscription (check its ACL)",
        { details: { topic: topics.webhook } },
      );
    }
    // The bridges' heartbeats tell `checkout.identification: auto` whether a check-in can reach
    // us. A broker whose ACL predates them refuses this: the till then sees no bridge and keeps
    // selling by per-sale QR, so it is logged, not a reason to drop the connection.
    const heartbeatFilter = bridgeStatusFilter(prefix);
    const heard = await client.subscribeAsync(heartbeatFilter, { qos: HEARTBEAT_SUBSCRIBE_QOS });
    if (heard.some((g) => g.qos > 2))
      log.error(
        { code: "MQTT_REFUSED", topic: heartbeatFilter },
        "the broker refused the bridge heartbeat subscription (check its ACL): no bridge counts as online",
      );
    await publishAcked(client, topics.status, STATUS_ONLINE, TOPIC_QOS.status);
    // Counted once subscribed and announced: from here on the broker queues this till's webhooks.
    counters.connects += 1;
    publishHealth();
    scheduleHealth();
    outboxDrainer.drain();
  };

  const connection: ReconnectingConnection = new ReconnectingConnection({
    urls: mqttBrokerUrls(config),
    clientOptions: () => linkClientOptions(config, secrets, topics.status),
    incoming: {
      maxPacketBytes: MAX_MQTT_PACKET_BYTES,
      onRefused: (packet) => {
        counters.received += 1;
        counters.rejected += 1;
        counters.rejectedByReason.MQTT_TOO_LARGE += 1;
        log.warn(
          { code: "MQTT_TOO_LARGE", bytes: packet.bytes, limit: MAX_MQTT_PACKET_BYTES },
          "inbound message over the size limit skipped unread and acknowledged",
        );
      },
    },
    backoff,
    clock,
    random,
    logger: log,
    handlers: {
      onConnected,
      onMessage,
      onState: (state) => {
        for (const listener of listeners) listener(state);
      },
      onClosed: () => {
        if (heartbeats.clear()) bridgesChanged();
        clock.clearTimeout(healthTimer);
        clock.clearTimeout(changeTimer);
        changeTimer = undefined;
        outboxDrainer.cancel();
      },
    },
  });

  const outboxDrainer = new OutboxDrainer({
    outbox,
    topic: topics.sales,
    connectedClient: () => connection.connectedClient,
    clock,
    backoff,
    random,
    logger: log,
    onPublished: () => {
      counters.salesPublished += 1;
    },
  });

  return {
    start() {
      connection.start();
    },
    async stop() {
      clock.clearTimeout(healthTimer);
      clock.clearTimeout(changeTimer);
      changeTimer = undefined;
      outboxDrainer.cancel();
      await connection.stop((client) =>
        publishAcked(client, topics.status, STATUS_OFFLINE, TOPIC_QOS.status),
      );
      if (heartbeats.clear()) bridgesChanged();
    },
    onCheckIn(handler) {
      checkInHandler = handler;
    },
    onPaymentEvent(handler) {
      paymentHandler = handler;
    },
    publishSaleEvent(event) {
      const parsed = saleEventSchema.safeParse(event);
      if (!parsed.success) {
        const problems = parsed.error.issues.map(
          (i) => `${i.path.map(String).join(".") || "(event)"}: ${i.message}`,
        );
        throw new AgentError<MqttErrorCode>(
          "MQTT_BAD_SALE_EVENT",
          `invalid sale event: ${problems.join("; ")}`,
          { details: { problems } },
        );
      }
      const message: SaleEventMessage = { v: SALE_EVENT_VERSION, msn, tillId, ...parsed.data };
      if (!outbox.add(parsed.data.eventId, JSON.stringify(message), clock.now())) {
        log.info({ eventId: parsed.data.eventId }, "sale event already queued");
      }
      outboxDrainer.drain();
    },
    get state() {
      return connection.state;
    },
    get broker() {
      return connection.broker;
    },
    onStateChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get bridgesOnline() {
      return heartbeats.names();
    },
    onBridgesChange(listener) {
      bridgeListeners.add(listener);
      return () => bridgeListeners.delete(listener);
    },
    counters: snapshot,
    healthChanged() {
      if (changeTimer !== undefined || connection.connectedClient === undefined) return;
      const wait = Math.max(0, lastHealthAt + HEALTH_MIN_GAP_MS - clock.monotonic());
      changeTimer = clock.setTimeout(() => {
        changeTimer = undefined;
        publishHealth();
      }, wait);
    },
  };
}
