import { readFileSync } from "node:fs";
import type { IClientOptions } from "mqtt";
import { mqttClientId, type MqttIdentityConfig } from "../../config/load.js";
import type { Secrets } from "../../config/secrets.js";
import { AgentError } from "../../lib/errors.js";
import { MAX_MQTT_PACKET_BYTES, STATUS_OFFLINE, TOPIC_QOS } from "../../lib/mqtt-contract/index.js";
import type { MqttErrorCode } from "./types.js";

/**
 * mqtt.js options for the till. A persistent session needs a fixed client id and `clean:false`;
 * with MQTT 5 the broker keeps it only for `sessionExpiryInterval` seconds (0 would discard it
 * at once, mqtt.js's default), so webhooks queue while the till is off. mqtt.js's own reconnect
 * (a fixed period) is off: the link reconnects with capped exponential backoff and jitter.
 *
 * Called before every connection attempt, so renewed TLS files are picked up without a restart.
 *
 * `writeCache: false`: mqtt.js would otherwise keep a pre-built 2-byte Buffer for each of the
 * 65,536 packet ids (≈ 6 MB of heap, built on the first CONNECT: ≈ 30 ms of garbage collection
 * at start-up with the unit's small young generation) to save one tiny allocation per packet.
 */
export function linkClientOptions(
  config: MqttIdentityConfig,
  secrets: Secrets,
  statusTopic: string,
): IClientOptions {
  const { mqtt } = config;
  const readPem = (path: string | undefined, what: string): Buffer | undefined => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path);
    } catch (error) {
      throw new AgentError<MqttErrorCode>("MQTT_TLS_UNREADABLE", `cannot read the MQTT TLS ${what} ${path}`, {
        cause: error,
        details: { file: path, errno: (error as NodeJS.ErrnoException).code },
      });
    }
  };
  const ca = readPem(mqtt.tls.caFile, "CA file");
  const cert = readPem(mqtt.tls.certFile, "certificate");
  const key = readPem(mqtt.tls.keyFile, "key");
  return {
    clientId: mqttClientId(config),
    protocolVersion: mqtt.protocolVersion,
    clean: false,
    // MQTT 5: the broker must not send more than this (MQTT 5 §3.1.2.11.4: it drops the message
    // instead). MQTT 3.1.1 has no such field; there the connection skips larger packets unread.
    ...(mqtt.protocolVersion === 5
      ? {
          properties: {
            sessionExpiryInterval: mqtt.sessionExpirySeconds,
            maximumPacketSize: MAX_MQTT_PACKET_BYTES,
          },
        }
      : {}),
    keepalive: mqtt.keepaliveSeconds,
    connectTimeout: 15_000,
    reconnectPeriod: 0,
    resubscribe: false,
    queueQoSZero: false,
    writeCache: false,
    will: {
      topic: statusTopic,
      payload: Buffer.from(STATUS_OFFLINE),
      qos: TOPIC_QOS.status.qos,
      retain: TOPIC_QOS.status.retain,
    },
    ...(mqtt.username === undefined ? {} : { username: mqtt.username }),
    ...(secrets.mqttPassword === undefined ? {} : { password: secrets.mqttPassword }),
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    rejectUnauthorized: mqtt.tls.rejectUnauthorized,
  };
}
