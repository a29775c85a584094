import { readFileSync } from "node:fs";
import mqtt, { type IClientOptions, type IClientPublishOptions, type MqttClient } from "mqtt";
import { AgentError } from "../lib/errors.js";
import { connectMqttNodes } from "../lib/mqtt-connect.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/log.js";
import { STATUS_OFFLINE, STATUS_ONLINE, TOPIC_QOS } from "../lib/mqtt-contract/index.js";
import type { BridgeErrorCode, BridgeMqttSettings } from "./settings.js";

/**
 * The bridge's side of the broker: one MQTT connection, QoS 1 publishes that resolve on PUBACK.
 * The bridge keeps no state of its own, so its session is clean and its client id unique per
 * process; durability lives in Vipps' retries (we answer 503 unless the broker acknowledged) and
 * in the tills' persistent sessions. With several broker URLs (the nodes of a cluster) every
 * reconnection goes to the next node, so a replica whose node died publishes through another
 * one a `RECONNECT_PERIOD_MS` later.
 */
export interface BrokerPublisher {
  readonly connected: boolean;
  /**
   * Resolves when the broker acknowledged. Rejects at once with `BRIDGE_BROKER_UNAVAILABLE` while
   * disconnected (nothing is queued in memory) or when the connection closed before the PUBACK,
   * with `BRIDGE_PUBLISH_TIMEOUT` when no PUBACK came in `timeoutMs`, and with
   * `BRIDGE_PUBLISH_REFUSED` on an MQTT 5 failure reason code.
   */
  publish(topic: string, payload: Buffer, options: IClientPublishOptions, timeoutMs: number): Promise<void>;
  /** Waits up to `timeoutMs` for outstanding acknowledgements, then disconnects. */
  close(timeoutMs: number): Promise<void>;
}

/** A fixed short period: the bridge runs in the cloud next to the broker, not on a fleet of tills. */
const RECONNECT_PERIOD_MS = 1_000;

function clientOptions(settings: BridgeMqttSettings): IClientOptions {
  return {
    clientId: settings.clientId,
    protocolVersion: settings.protocolVersion,
    clean: true,
    reconnectPeriod: RECONNECT_PERIOD_MS,
    connectTimeout: 5_000,
    keepalive: 30,
    queueQoSZero: false,
    rejectUnauthorized: settings.rejectUnauthorized,
    ...(settings.username === undefined ? {} : { username: settings.username }),
    ...(settings.password === undefined ? {} : { password: settings.password }),
    ...(settings.caFile === undefined ? {} : { ca: readFileSync(settings.caFile) }),
    ...(settings.certFile === undefined ? {} : { cert: readFileSync(settings.certFile) }),
    ...(settings.keyFile === undefined ? {} : { key: readFileSync(settings.keyFile) }),
  };
}

/**
 * The replica's heartbeat (docs/mqtt-contract.md §Bridge heartbeat): retained `online` on every
 * connect, retained `offline` as the Last Will — with MQTT 5 a will delay of 0, so the broker
 * publishes it as soon as it gives up on the connection (keepalive × 1.5 for a silent death) —
 * and on a clean stop. A till in `checkout.identification: auto` takes check-ins only while at
 * least one replica says `online`.
 */
export interface BridgeHeartbeat {
  readonly topic: string;
}

export function heartbeatOptions(settings: BridgeMqttSettings, heartbeat: BridgeHeartbeat): IClientOptions {
  return {
    ...clientOptions(settings),
    will: {
      topic: heartbeat.topic,
      payload: Buffer.from(STATUS_OFFLINE),
      qos: TOPIC_QOS.status.qos,
      retain: TOPIC_QOS.status.retain,
      ...(settings.protocolVersion === 5 ? { properties: { willDelayInterval: 0 } } : {}),
    },
  };
}

export function connectPublisher(
  settings: BridgeMqttSettings,
  clock: Clock,
  logger: Logger,
  heartbeat?: BridgeHeartbeat,
): BrokerPublisher {
  const log = logger.child({ module: "bridge-mqtt" });
  const [single] = settings.urls;
  let broker = single ?? "";
  const options = heartbeat === undefined ? clientOptions(settings) : heartbeatOptions(settings, heartbeat);
  const client: MqttClient =
    settings.urls.length === 1
      ? mqtt.connect(broker, options)
      : connectMqttNodes(settings.urls, options, (url) => {
          broker = url;
        });
  let wasConnected = false;
  client.on("connect", () => {
    wasConnected = true;
    log.info({ broker, clientId: settings.clientId }, "connected to broker");
    if (heartbeat !== undefined)
      client.publish(heartbeat.topic, STATUS_ONLINE, TOPIC_QOS.status, (error) => {
        if (error !== undefined && error !== null)
          log.error(
            { topic: heartbeat.topic, err: error.message },
            "the broker refused the bridge heartbeat",
          );
      });
  });
  client.on("close", () => {
    if (wasConnected) log.warn({ broker }, "broker connection lost; answering 503 until it is back");
    wasConnected = false;
  });
  client.on("error", (error) => log.warn({ broker, err: error.message }, "broker connection error"));

  const fail = (code: BridgeErrorCode, message: string, cause?: unknown): AgentError<BridgeErrorCode> =>
    new AgentError<BridgeErrorCode>(code, message, cause === undefined ? {} : { cause });
  const outstanding = (): number => Object.keys(client.outgoing).length;

  return {
    get connected() {
      return client.connected;
    },
    publish(topic, payload, options, timeoutMs) {
      if (!client.connected)
        return Promise.reject(fail("BRIDGE_BROKER_UNAVAILABLE", "not connected to the MQTT broker"));
      return new Promise((resolve, reject) => {
        const timer = clock.setTimeout(
          () => reject(fail("BRIDGE_PUBLISH_TIMEOUT", `no PUBACK within ${timeoutMs} ms`)),
          timeoutMs,
        );
        client.publish(topic, payload, options, (error) => {
          clock.clearTimeout(timer);
          if (error === undefined || error === null) resolve();
          else reject(publishFailure(error));
        });
      });
    },
    async close(timeoutMs) {
      // A clean DISCONNECT discards the will: say `offline` ourselves first (bounded by timeoutMs).
      if (heartbeat !== undefined && client.connected) {
        let timer: ReturnType<Clock["setTimeout"]> | undefined;
        await new Promise<void>((resolve) => {
          timer = clock.setTimeout(resolve, timeoutMs);
          client.publish(heartbeat.topic, STATUS_OFFLINE, TOPIC_QOS.status, () => resolve());
        });
        clock.clearTimeout(timer);
      }
      // end(false) would wait for acknowledgements without a bound, and a later end(true) is
      // ignored once it started: wait (bounded) ourselves, then end gracefully or by force.
      if (outstanding() > 0 && client.connected) {
        let timer: ReturnType<Clock["setTimeout"]> | undefined;
        await new Promise<void>((resolve) => {
          timer = clock.setTimeout(resolve, timeoutMs);
          client.once("outgoingEmpty", () => resolve());
        });
        clock.clearTimeout(timer);
      }
      await client.endAsync(!client.connected || outstanding() > 0);
    },
  };
}

/**
 * Why a publish's callback failed: mqtt.js passes an error with a numeric `code` for an MQTT 5
 * PUBACK with a failure reason code (the broker refused it: ACL, quota); any other error is
 * its own — the connection closed before the PUBACK ("Connection closed" when a reconnect's
 * replay of unacknowledged publishes is cut short again, as when a cluster node dies).
 */
export function publishFailure(error: Error): AgentError<BridgeErrorCode> {
  const code: unknown = (error as Error & { code?: unknown }).code;
  return typeof code === "number"
    ? new AgentError<BridgeErrorCode>(
        "BRIDGE_PUBLISH_REFUSED",
        `broker refused the publish: ${error.message}`,
        {
          cause: error,
          details: { reasonCode: code },
        },
      )
    : new AgentError<BridgeErrorCode>(
        "BRIDGE_BROKER_UNAVAILABLE",
        `connection to the broker lost before the PUBACK: ${error.message}`,
        { cause: error },
      );
}
