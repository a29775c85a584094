import { describe, expect, it } from "vitest";
import { encodeEnvelope, MAX_ENVELOPE_BYTES, MAX_WEBHOOK_BODY_BYTES } from "./envelope.js";
import { MAX_LEGITIMATE_PACKET_BYTES, MAX_MQTT_PACKET_BYTES } from "./limits.js";

describe("the MQTT packet limit", () => {
  it("holds the largest envelope the bridge can publish, on the longest topic, with room to spare", () => {
    const header = "x".repeat(1024);
    const largest = encodeEnvelope({
      receivedAt: new Date(),
      registeredUrl: `https://bridge.example.com/${"p".repeat(2048)}`,
      headers: { "x-ms-date": header, "x-ms-content-sha256": header, authorization: header },
      rawBody: Buffer.alloc(MAX_WEBHOOK_BODY_BYTES, 0x7b),
      route: { msn: "1".repeat(64), tillId: "t".repeat(64), event: "e".repeat(128), reason: "r".repeat(256) },
    });
    expect(largest.length).toBeLessThanOrEqual(MAX_ENVELOPE_BYTES);
    expect(MAX_LEGITIMATE_PACKET_BYTES).toBeLessThan(MAX_MQTT_PACKET_BYTES);
    // …but not by so much that a till's memory would notice: one packet at a time, ≤ 2 MiB.
    expect(MAX_MQTT_PACKET_BYTES).toBeLessThanOrEqual(2 * 1024 * 1024);
  });
});
