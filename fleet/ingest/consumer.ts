import { readFileSync } from "node:fs";
import type { IClientOptions, IPublishPacket, ISubscriptionMap } from "mqtt";
import { ReconnectingConnection } from "../../agent/mqtt/connection.js";
import type { MqttLinkState } from "../../agent/mqtt/index.js";
import type { Clock } from "../../lib/clock.js";
import { AgentError } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import { MAX_MQTT_PACKET_BYTES, TOPIC_QOS, UNROUTED_LEVEL } from "../../lib/mqtt-contract/index.js";
import type { MqttEnvSettings } from "../../lib/mqtt-env.js";
import { FLEET_REJECTIONS, type FleetRejection } from "../errors.js";
import type { FleetStore } from "../store/fleet-store.js";
import { parseFleetMessage, type FleetMessage } from "./messages.js";

/**
 * The fleet's read-only view of one MSN on the broker: status, health, sales and unrouted
 * topics — exactly what the documented back-office ACL grants (docs/mqtt-contract.md), never a
 * till's webhook topic, which carries customer tokens. A fixed client id and a persistent
 * session (clean: false, MQTT 5 session expiry) make the broker queue QoS 1 status and sale
 * messages while the service is down; each is written to the store before its PUBACK
 * (ReconnectingConnection's `handleMessage`), so neither a restart nor a crash loses one.
 */
export function fleetSubscriptions(prefix: string, msn: string): Record<string, { qos: 0 | 1 }> {
  return {
    [`${prefix}/${msn}/+/status`]: { qos: TOPIC_QOS.status.qos },
    [`${prefix}/${msn}/+/health`]: { qos: TOPIC_QOS.health.qos },
    [`${prefix}/${msn}/+/sales`]: { qos: TOPIC_QOS.sales.qos },
    [`${prefix}/${msn}/${UNROUTED_LEVEL}`]: { qos: TOPIC_QOS.unrouted.qos },
  };
}

export interface ConsumerCounters {
  /** Messages stored, by kind. */
  readonly received: Record<FleetMessage["kind"], number>;
  /** Messages dropped, by reason. */
  readonly rejected: Record<FleetRejection, number>;
  /** Sale events that were already stored (at-least-once delivery). */
  duplicateSales: number;
}

export interface FleetConsumer {
  start(): void;
  stop(): Promise<void>;
  readonly state: MqttLinkState;
  readonly counters: ConsumerCounters;
}

export function startConsumer(p: {
  mqtt: MqttEnvSettings & { readonly sessionExpirySeconds: number };
  prefix: string;
  msn: string;
  store: FleetStore;
  clock: Clock;
  logger: Logger;
  /** After a message was stored (the alert rules look again). */
  onStored?: (message: FleetMessage) => void;
}): FleetConsumer {
  const log = p.logger.child({ module: "fleet-mqtt" });
  const counters: ConsumerCounters = {
    received: { status: 0, health: 0, sale: 0, unrouted: 0 },
    rejected: Object.fromEntries(FLEET_REJECTIONS.map((r) => [r, 0])) as Record<FleetRejection, number>,
    duplicateSales: 0,
  };
  const subscriptions = fleetSubscriptions(p.prefix, p.msn);

  const store = (message: FleetMessage, now: number): void => {
    switch (message.kind) {
      case "status":
        if (p.store.tills.status(message.tillId, message.status, now, message.retained))
          log.info(
            { tillId: message.tillId, status: message.status, retained: message.retained },
            "till status changed",
          );
        return;
      case "health":
        p.store.tills.health(message.health, now);
        return;
      case "sale":
        p.store.transaction(() => {
          if (!p.store.sales.add(message.event, now)) counters.duplicateSales += 1;
          p.store.tills.seen(message.tillId, now);
        });
        return;
      case "unrouted":
        p.store.unrouted.add({
          receivedAt: now,
          ...(message.event === undefined ? {} : { event: message.event }),
          ...(message.reason === undefined ? {} : { reason: message.reason }),
        });
        log.warn({ event: message.event, reason: message.reason }, "a webhook of this MSN reached no till");
    }
  };

  const onMessage = (packet: IPublishPacket): Promise<void> => {
    const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload, "utf8") : packet.payload;
    const parsed = parseFleetMessage({
      prefix: p.prefix,
      msn: p.msn,
      topic: packet.topic,
      payload,
      retained: packet.retain,
    });
    if (!parsed.ok) {
      counters.rejected[parsed.error.code] += 1;
      // Acknowledged and dropped: a bad message would come back forever otherwise. Never its payload in the log.
      log.warn({ err: parsed.error.toJSON(), topic: packet.topic }, "broker message dropped");
      return Promise.resolve();
    }
    // A store failure (disk full) throws: no PUBACK, the connection drops, the broker redelivers.
    store(parsed.message, p.clock.now());
    counters.received[parsed.message.kind] += 1;
    p.onStored?.(parsed.message);
    return Promise.resolve();
  };

  const clientOptions = (): IClientOptions => {
    const m = p.mqtt;
    return {
      clientId: m.clientId,
      protocolVersion: m.protocolVersion,
      clean: false,
      ...(m.protocolVersion === 5
        ? {
            properties: {
              sessionExpiryInterval: m.sessionExpirySeconds,
              maximumPacketSize: MAX_MQTT_PACKET_BYTES,
            },
          }
        : {}),
      keepalive: 30,
      connectTimeout: 15_000,
      reconnectPeriod: 0,
      resubscribe: false,
      queueQoSZero: false,
      writeCache: false,
      rejectUnauthorized: m.rejectUnauthorized,
      ...(m.username === undefined ? {} : { username: m.username }),
      ...(m.password === undefined ? {} : { password: m.password }),
      ...(m.caFile === undefined ? {} : { ca: readFileSync(m.caFile) }),
      ...(m.certFile === undefined ? {} : { cert: readFileSync(m.certFile) }),
      ...(m.keyFile === undefined ? {} : { key: readFileSync(m.keyFile) }),
    };
  };

  const connection = new ReconnectingConnection({
    urls: p.mqtt.urls,
    clientOptions,
    // The contract's limit, which every legitimate message fits (an unrouted envelope with the
    // largest webhook body included): MQTT 5 brokers drop larger ones for us, and on MQTT 3.1.1
    // they are skipped unread as they stream past (agent/mqtt/packet-size-guard.ts).
    incoming: {
      maxPacketBytes: MAX_MQTT_PACKET_BYTES,
      onRefused: (packet) => {
        counters.rejected.FLEET_TOO_LARGE += 1;
        log.warn(
          { code: "FLEET_TOO_LARGE", bytes: packet.bytes, limit: MAX_MQTT_PACKET_BYTES },
          "broker message over the size limit skipped unread",
        );
      },
    },
    backoff: { baseMs: 500, maxMs: 30_000 },
    clock: p.clock,
    random: Math.random,
    logger: log,
    handlers: {
      async onConnected(client) {
        // MQTT 5: retained statuses only for a new subscription; a resumed session already has them.
        const options = p.mqtt.protocolVersion === 5 ? { rh: 1 as const } : {};
        const map: ISubscriptionMap = {};
        for (const [topic, o] of Object.entries(subscriptions)) map[topic] = { ...o, ...options };
        const granted = await client.subscribeAsync(map);
        const refused = granted.filter((g) => g.qos > 2).map((g) => g.topic);
        if (refused.length > 0)
          throw new AgentError(
            "FLEET_BAD_TOPIC",
            "the broker refused a subscription (check the back-office ACL)",
            {
              details: { refused },
            },
          );
        log.info({ topics: Object.keys(subscriptions) }, "subscribed");
      },
      onMessage,
      onState: (state) => log.info({ state }, "broker link"),
      onClosed: () => undefined,
    },
  });

  return {
    start: () => connection.start(),
    stop: () => connection.stop(() => Promise.resolve()),
    get state() {
      return connection.state;
    },
    counters,
  };
}
