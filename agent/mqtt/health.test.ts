import { describe, expect, it } from "vitest";
import { healthMessageSchema } from "../../lib/mqtt-contract/index.js";
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
  version: "0.1.0",
  counters,
};

describe("healthMessage", () => {
  it("reports the agent's links next to the link's own state, its degraded reasons, sale in progress and counters", () => {
    const currentSale = {
      saleId: "S-42",
      saleNo: 42,
      state: "payment_requested",
      amount: { currency: "NOK" as const, value: 6150 },
      reference: "kasse1-mwvq0nml-1",
      updatedAt: "2026-08-21T10:45:59.000Z",
    };
    const message = healthMessage({
      ...base,
      report: () => ({
        links: { register: "up", printer: "paper_out", mqtt: "spoofed" },
        degraded: ["printer paper out"],
        currentSale,
      }),
    });
    expect(message).toEqual({
      v: 1,
      tillId: "kasse1",
      msn: "123456",
      at: "2026-08-21T10:46:00.000Z",
      version: "0.1.0",
      uptimeSeconds: 86_400,
      memory: { rssBytes: 1000, heapUsedBytes: 500 },
      links: { register: "up", printer: "paper_out", mqtt: "connected" },
      degraded: ["printer paper out"],
      currentSale,
      counters,
    });
    // What the till sends is what the contract's schema (and so the fleet service) accepts.
    expect(healthMessageSchema.parse(JSON.parse(JSON.stringify(message)))).toEqual(message);
  });

  it("survives a report callback that throws, and still sends a message the contract accepts", () => {
    const message = healthMessage({
      ...base,
      report: () => {
        throw new Error(`printer driver gone ${"x".repeat(200)}`);
      },
    });
    expect(message.links).toEqual({ mqtt: "connected" });
    expect(message.degraded?.[0]).toMatch(/^health report failed: printer driver gone x+$/);
    expect(message.degraded?.[0]).toHaveLength(120);
    expect(healthMessageSchema.safeParse(message).success).toBe(true);
    const bare = healthMessage({ ...base, report: undefined });
    expect(bare.links).toEqual({ mqtt: "connected" });
    expect(bare.degraded).toEqual([]);
    expect(bare).not.toHaveProperty("currentSale");
  });

  it("is refused by the contract when a field is out of bounds", () => {
    const good = JSON.parse(JSON.stringify(healthMessage({ ...base, report: undefined }))) as Record<
      string,
      unknown
    >;
    const cases: [string, Record<string, unknown>][] = [
      ["till id with a dash", { ...good, tillId: "kasse-1" }],
      ["negative uptime", { ...good, uptimeSeconds: -1 }],
      [
        "fractional amount",
        {
          ...good,
          currentSale: {
            saleId: "S",
            saleNo: 1,
            state: "open",
            amount: { currency: "NOK", value: 1.5 },
            updatedAt: "2026-08-21T10:45:59.000Z",
          },
        },
      ],
      ["markup in a link state", { ...good, links: { printer: "<script>" } }],
      ["a degraded phrase too long", { ...good, degraded: ["x".repeat(121)] }],
      ["version 2", { ...good, v: 2 }],
    ];
    for (const [name, message] of cases)
      expect({ name, ok: healthMessageSchema.safeParse(message).success }).toEqual({ name, ok: false });
    // A key a plain object treats specially never reaches the consumer.
    const proto = healthMessageSchema.parse({
      ...good,
      links: JSON.parse('{"__proto__": "up", "register": "up"}') as unknown,
    });
    expect(Object.keys(proto.links)).toEqual(["register"]);
    expect(healthMessageSchema.safeParse({ ...good, links: { _register: "up" } }).success).toBe(false);
    // Unknown fields are ignored (stripped), not refused: consumers of version 1 stay compatible.
    expect(healthMessageSchema.parse({ ...good, extra: 1 })).not.toHaveProperty("extra");
  });
});
