import { describe, expect, it } from "vitest";
import { healthMessage } from "./health.js";
import type { MqttLinkCounters } from "./types.js";

const counters: MqttLinkCounters = {
  received: 3,
  delivered: 2,
  duplicates: 1,
  rejected: 0,
  rejectedByReason: {
    MQTT_BAD_ENVELOPE: 0,
    MQTT_BAD_SIGNATURE: 0,
    MQTT_BAD_PAYLOAD: 0,
    MQTT_OTHER_TILL: 0,
    MQTT_STALE_CHECKIN: 0,
    MQTT_TOO_LARGE: 0,
  },
  unhandled: 0,
  handlerFailures: 0,
  connects: 1,
  salesPublished: 0,
  outboxPending: 0,
};
const base = {
  tillId: "kasse1",
  msn: "123456",
  now: Date.UTC(2026, 7, 21, 10, 46),
  uptimeSeconds: 86_400.4,
  memory: { rss: 1000, heapUsed: 500 },
  mqttState: "connected" as const,
  counters,
};

describe("healthMessage", () => {
  it("reports the agent's links next to the link's own state and counters", () => {
    expect(healthMessage({ ...base, report: () => ({ register: "up", mqtt: "spoofed" }) })).toEqual({
      v: 1,
      tillId: "kasse1",
      msn: "123456",
      at: "2026-08-21T10:46:00.000Z",
      uptimeSeconds: 86_400,
      memory: { rssBytes: 1000, heapUsedBytes: 500 },
      links: { register: "up", mqtt: "connected" },
      counters,
    });
  });

  it("survives a report callback that throws", () => {
    const message = healthMessage({
      ...base,
      report: () => {
        throw new Error("printer driver gone");
      },
    });
    expect(message.links).toEqual({ healthReportError: "printer driver gone", mqtt: "connected" });
    expect(healthMessage({ ...base, report: undefined }).links).toEqual({ mqtt: "connected" });
  });
});
