import { describe, expect, it } from "vitest";
import { encodeEnvelope } from "../../lib/mqtt-contract/index.js";
import {
  TEST_MSN,
  TEST_WEBHOOK_SECRET,
  TEST_WEBHOOK_URL,
  webhookEnvelope,
} from "../../test/helpers/mqtt-link-fixtures.js";
import { checkInPayload, paymentPayload } from "../../test/helpers/vipps-webhooks.js";
import { checkInbound, type InboundContext } from "./inbound.js";

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const ctx: InboundContext = {
  secrets: ["older-secret", TEST_WEBHOOK_SECRET],
  registeredUrl: TEST_WEBHOOK_URL,
  msn: TEST_MSN,
  tillId: "kasse1",
  checkinMaxAgeMs: 900_000,
  maxClockSkewMs: 30_000,
  now: NOW,
};
const freshCheckIn = (over: Record<string, unknown> = {}) => ({
  ...checkInPayload({
    tillId: "kasse1",
    msn: TEST_MSN,
    customerToken: "tok-1",
    initiatedAt: new Date(NOW - 60_000),
  }),
  ...over,
});

function codeOf(payload: Buffer, c: InboundContext = ctx): string {
  const result = checkInbound(payload, c);
  return result.ok ? "OK" : result.error.code;
}

describe("checkInbound", () => {
  it("accepts a genuine check-in for this till and types it", () => {
    const result = checkInbound(webhookEnvelope(freshCheckIn()), ctx);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.event).toEqual({
      kind: "check-in",
      checkIn: { merchantQrId: "kasse1", customerToken: "tok-1", msn: TEST_MSN, initiatedAt: NOW - 60_000 },
    });
    expect(result.dedupeKey).toMatch(/^[0-9a-f]{64}$/);
    expect(result.dedupeKey).not.toContain("tok-1");
  });

  it("accepts a genuine ePayment event for this till", () => {
    const payload = paymentPayload({
      reference: "kasse1-000042",
      msn: TEST_MSN,
      name: "AUTHORIZED",
      pspReference: "psp-9",
    });
    const result = checkInbound(webhookEnvelope(payload), ctx);
    expect(result.ok && result.event).toMatchObject({
      kind: "payment",
      payment: { reference: "kasse1-000042", name: "AUTHORIZED", pspReference: "psp-9" },
    });
  });

  it("gives the same identity to the same event, whatever the delivery", () => {
    const payload = paymentPayload({ reference: "kasse1-000042", msn: TEST_MSN, pspReference: "psp-9" });
    const a = checkInbound(webhookEnvelope(payload), ctx);
    const b = checkInbound(webhookEnvelope(payload, { date: new Date(NOW + 5_000) }), ctx);
    const other = checkInbound(webhookEnvelope({ ...payload, name: "CAPTURED" }), ctx);
    expect(a.ok && b.ok && other.ok).toBe(true);
    if (!a.ok || !b.ok || !other.ok) return;
    expect(a.dedupeKey).toBe(b.dedupeKey);
    expect(other.dedupeKey).not.toBe(a.dedupeKey);
  });

  it("refuses forged, re-targeted and tampered envelopes", () => {
    expect(codeOf(webhookEnvelope(freshCheckIn(), { secret: "attacker-secret" }))).toBe("MQTT_BAD_SIGNATURE");
    // Signed for another registered URL (another merchant's bridge): does not verify for us.
    expect(codeOf(webhookEnvelope(freshCheckIn(), { url: "https://other.example.com/vipps/webhook" }))).toBe(
      "MQTT_BAD_SIGNATURE",
    );
    const genuine = JSON.parse(webhookEnvelope(freshCheckIn()).toString("utf8")) as Record<string, unknown>;
    const tampered = {
      ...genuine,
      body: Buffer.from(JSON.stringify(freshCheckIn({ customerToken: "tok-2" }))).toString("base64"),
    };
    expect(codeOf(Buffer.from(JSON.stringify(tampered)))).toBe("MQTT_BAD_SIGNATURE");
    // The envelope's own registeredUrl is not trusted: pointing it elsewhere changes nothing.
    expect(
      codeOf(Buffer.from(JSON.stringify({ ...genuine, registeredUrl: "https://other.example.com/x" }))),
    ).toBe("OK");
  });

  it("refuses malformed envelopes and unusable payloads", () => {
    expect(codeOf(Buffer.from("not json"))).toBe("MQTT_BAD_ENVELOPE");
    expect(codeOf(Buffer.from(JSON.stringify({ v: 1 })))).toBe("MQTT_BAD_ENVELOPE");
    expect(codeOf(webhookEnvelope("{not json"))).toBe("MQTT_BAD_PAYLOAD");
    expect(
      codeOf(webhookEnvelope(paymentPayload({ reference: "kasse1-1", msn: TEST_MSN, value: 10.5 }))),
    ).toBe("MQTT_BAD_PAYLOAD");
    const result = checkInbound(Buffer.from(JSON.stringify({ v: 1 })), ctx);
    expect(!result.ok && result.error.details.problem).toMatch(/^receivedAt:/);
  });

  it("drops events for another till or sales unit", () => {
    expect(codeOf(webhookEnvelope(freshCheckIn({ merchantQrId: "kasse2" })))).toBe("MQTT_OTHER_TILL");
    expect(codeOf(webhookEnvelope(freshCheckIn({ msn: "654321" })))).toBe("MQTT_OTHER_TILL");
    expect(codeOf(webhookEnvelope(paymentPayload({ reference: "kasse2-000042", msn: TEST_MSN })))).toBe(
      "MQTT_OTHER_TILL",
    );
    expect(codeOf(webhookEnvelope(paymentPayload({ reference: "kasse10-000042", msn: TEST_MSN })))).toBe(
      "MQTT_OTHER_TILL",
    );
    expect(codeOf(webhookEnvelope(paymentPayload({ reference: "kasse1-000042", msn: "654321" })))).toBe(
      "MQTT_OTHER_TILL",
    );
  });

  it("drops check-ins older than the configured age, at the boundary", () => {
    const at = (ageMs: number): Buffer =>
      webhookEnvelope(
        freshCheckIn({ initiatedAt: new Date(NOW - ageMs).toISOString().replace("Z", "0000Z") }),
      );
    expect(codeOf(at(900_000))).toBe("OK");
    expect(codeOf(at(900_001))).toBe("MQTT_STALE_CHECKIN");
    expect(codeOf(at(120_000), { ...ctx, checkinMaxAgeMs: 60_000 })).toBe("MQTT_STALE_CHECKIN");
    // ePayment events have no age limit: Vipps retries them for days.
    expect(
      codeOf(
        webhookEnvelope({
          ...paymentPayload({ reference: "kasse1-1", msn: TEST_MSN }),
          timestamp: "2025-01-01T00:00:00Z",
        }),
      ),
    ).toBe("OK");
  });

  it("drops check-ins dated in the future beyond the clock skew, at the boundary", () => {
    const at = (aheadMs: number): Buffer =>
      webhookEnvelope(
        freshCheckIn({ initiatedAt: new Date(NOW + aheadMs).toISOString().replace("Z", "0000Z") }),
      );
    expect(codeOf(at(30_000))).toBe("OK");
    const result = checkInbound(at(30_001), ctx);
    expect(!result.ok && result.error.code).toBe("MQTT_STALE_CHECKIN");
    expect(!result.ok && result.error.message).toBe("check-in dated in the future");
    // Years ahead: never "too old", and so it would have been held for any later sale.
    expect(codeOf(webhookEnvelope(freshCheckIn({ initiatedAt: "2099-01-01T00:00:00Z" })))).toBe(
      "MQTT_STALE_CHECKIN",
    );
  });

  it("never puts the customer token into an error", () => {
    const result = checkInbound(
      webhookEnvelope(freshCheckIn({ merchantQrId: "kasse2", customerToken: "SECRET-TOKEN" })),
      ctx,
    );
    expect(JSON.stringify(!result.ok && result.error.toJSON())).not.toContain("SECRET-TOKEN");
    const stale = checkInbound(
      webhookEnvelope(freshCheckIn({ customerToken: "SECRET-TOKEN", initiatedAt: "2020-01-01T00:00:00Z" })),
      ctx,
    );
    expect(JSON.stringify(!stale.ok && stale.error.toJSON())).not.toContain("SECRET-TOKEN");
  });

  it("does not depend on how the bridge routed it", () => {
    const payload = freshCheckIn();
    const bytes = encodeEnvelope({
      receivedAt: new Date(NOW),
      registeredUrl: TEST_WEBHOOK_URL,
      headers: (
        JSON.parse(webhookEnvelope(payload).toString("utf8")) as {
          headers: { "x-ms-date": string; "x-ms-content-sha256": string; authorization: string };
        }
      ).headers,
      rawBody: Buffer.from(JSON.stringify(payload)),
      route: { msn: "999999", tillId: "elsewhere", event: "made-up" },
    });
    expect(codeOf(bytes)).toBe("OK");
  });
});
