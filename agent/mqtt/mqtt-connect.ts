import type { IClientOptions, MqttClient } from "mqtt";
import { connectMqttBroker } from "../../lib/mqtt-connect.js";
import { guardIncomingPackets, type IncomingPacketLimit } from "./guarded-stream.js";

/**
 * `mqtt.connect(url, options)` for the till (lib/mqtt-connect.ts: plain TCP and TLS without the
 * rest of mqtt.js), with every incoming packet over `limit` kept from mqtt.js's parser
 * (guarded-stream.ts), on every transport.
 */
export function connectMqtt(url: string, options: IClientOptions, limit: IncomingPacketLimit): MqttClient {
  return connectMqttBroker(url, options, (socket) => guardIncomingPackets(socket, limit));
}
