import { describe, expect, it } from "vitest";
import { healthOf, saleEventOf } from "../../test/helpers/fleet.js";
import { TEST_MSN, webhookEnvelope } from "../../test/helpers/mqtt-link-fixtures.js";
import { checkInPayload } from "../../test/helpers/vipps-webhooks.js";
import { parseFleetMessage } from "./messages.js";

const parse = (topic: string, payload: string | Buffer, retained = false) =>
  parseFleetMessage({ prefix: "vipps-pos", msn: TEST_MSN, topic, payload: Buffer.from(payload), retained });
const t = (till: string, kind: string): string => `vipps-pos/${TEST_MSN}/${till}/${kind}`;
const code = (result: ReturnType<typeof parse>): string => (result.ok ? "ok" : result.error.code);

describe("what a broker message means to the fleet", () => {
  it("reads status, health and sale events of the MSN's tills", () => {
    expect(parse(t("kasse1", "status"), "online", true)).toEqual({
      ok: true,
      message: { kind: "status", tillId: "kasse1", status: "online", retained: true },
    });
    const health = parse(t("kasse1", "health"), JSON.stringify({ ...healthOf("kasse1"), unknownField: 1 }));
    expect(health.ok && health.message.kind === "health" && health.message.health).not.toHaveProperty(
      "unknownField",
    );
    expect(code(parse(t("kasse1", "sales"), JSON.stringify(saleEventOf("kasse1", { n: 1 }))))).toBe("ok");
  });

  it("refuses topics it does not read: another MSN, a webhook topic, anything else", () => {
    const envelope = webhookEnvelope(checkInPayload({ tillId: "kasse1", msn: TEST_MSN }));
    expect(code(parse(t("kasse1", "webhook"), envelope))).toBe("FLEET_BAD_TOPIC");
    expect(code(parse("vipps-pos/654321/kasse1/status", "online"))).toBe("FLEET_BAD_TOPIC");
    expect(code(parse("other/123456/kasse1/status", "online"))).toBe("FLEET_BAD_TOPIC");
    expect(code(parse(t("kasse1", "status/extra"), "online"))).toBe("FLEET_BAD_TOPIC");
  });

  it("holds the payload to its topic's till and the contract's bounds", () => {
    const cases: [string, string, string][] = [
      ["status in capitals", t("kasse1", "status"), "ONLINE"],
      ["status with a newline", t("kasse1", "status"), "online\n"],
      ["health of another till", t("kasse1", "health"), JSON.stringify(healthOf("kasse2"))],
      ["health of another MSN", t("kasse1", "health"), JSON.stringify(healthOf("kasse1", {}, "654321"))],
      [
        "health too large",
        t("kasse1", "health"),
        JSON.stringify(healthOf("kasse1", { version: "x".repeat(300_000) })),
      ],
      ["sale of another till", t("kasse1", "sales"), JSON.stringify(saleEventOf("kasse2", { n: 1 }))],
      [
        "sale above any payment",
        t("kasse1", "sales"),
        JSON.stringify(saleEventOf("kasse1", { n: 1, amount: { currency: "NOK", value: 65_000_001 } })),
      ],
      [
        "sale with a token",
        t("kasse1", "sales"),
        JSON.stringify({ ...saleEventOf("kasse1", { n: 1 }), customerToken: "x" }),
      ],
      ["unrouted that is not an envelope", `vipps-pos/${TEST_MSN}/_unrouted`, "{}"],
    ];
    for (const [name, topic, payload] of cases)
      expect({ name, code: code(parse(topic, payload)) }).not.toEqual({ name, code: "ok" });
  });

  it("takes from an unrouted envelope the bridge's routing note only, never the body", () => {
    const token = "A-CUSTOMER-TOKEN";
    const envelope = webhookEnvelope(
      checkInPayload({ tillId: "x-uuid", msn: TEST_MSN, customerToken: token }),
    );
    const result = parse(`vipps-pos/${TEST_MSN}/_unrouted`, envelope);
    expect(result).toEqual({
      ok: true,
      message: { kind: "unrouted", reason: "merchantQrId is not a till id (2–20 letters or digits)" },
    });
    expect(JSON.stringify(result)).not.toContain(token);
  });
});
