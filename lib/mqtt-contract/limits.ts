import { MAX_ENVELOPE_BYTES } from "./envelope.js";

/**
 * The largest MQTT packet (the whole packet, bytes) a till accepts and the documented broker
 * lets anyone send (deploy/mosquitto/pos-agent.conf `max_packet_size`): 2 MiB. MQTT 5 tills also
 * announce it in their CONNECT (Maximum Packet Size), so the broker drops a larger message for them
 * instead of sending it; MQTT 3.1.1 has no such field, so the till skips a larger packet unread
 * (agent/mqtt/packet-size-guard.ts). Either way its memory never holds more than this.
 *
 * Safe for every legitimate message: the largest is a webhook envelope, at most
 * MAX_ENVELOPE_BYTES (≈ 1.41 MB for a 1 MiB body), plus a topic of at most 65,535 bytes, a packet
 * id and MQTT 5 properties (`mqttPacketOverhead`).
 */
export const MAX_MQTT_PACKET_BYTES = 2 * 1024 * 1024;

/** Upper bound of a PUBLISH packet's size beyond its payload: fixed header, topic, packet id, properties. */
function mqttPacketOverhead(topicBytes: number, propertyBytes: number): number {
  const fixedHeader = 1 + 4;
  const topic = 2 + topicBytes;
  const packetId = 2;
  const properties = 4 + propertyBytes;
  return fixedHeader + topic + packetId + properties;
}

/** The largest legitimate webhook PUBLISH: the largest envelope on the longest possible topic. */
export const MAX_LEGITIMATE_PACKET_BYTES = MAX_ENVELOPE_BYTES + mqttPacketOverhead(65_535, 1_024);
