import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import * as ajvFormats from "ajv-formats";
import type { Plugin } from "ajv";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../test/helpers/cli.js";
import { TEST_MSN, webhookEnvelope } from "../../test/helpers/mqtt-link-fixtures.js";
import { checkInPayload, paymentPayload } from "../../test/helpers/vipps-webhooks.js";
import {
  MAX_WEBHOOK_BODY_BYTES,
  SALE_EVENT_TYPES,
  TOPIC_QOS,
  decodeEnvelope,
  saleEventMessageSchema,
} from "./index.js";

/**
 * docs/mqtt-contract.md is a contract: its schemas must be the ones that work (its broker set-up
 * and ACL: test/deploy/mosquitto-setup.test.ts).
 */
const DOC = readFileSync(join(REPO_ROOT, "docs/mqtt-contract.md"), "utf8");

function block(marker: string): string {
  const match = new RegExp(`<!-- contract:${marker} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\\n\`\`\``).exec(DOC);
  if (match?.[1] === undefined) throw new Error(`docs/mqtt-contract.md has no ${marker} block`);
  return match[1];
}

function compile(marker: string) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  (ajvFormats.default as unknown as Plugin<unknown>)(ajv);
  return ajv.compile(JSON.parse(block(marker)) as object);
}

describe("docs/mqtt-contract.md — envelope schema", () => {
  const validate = compile("envelope-schema");
  const genuine = (): Record<string, unknown> =>
    JSON.parse(
      webhookEnvelope(checkInPayload({ tillId: "kasse1", msn: TEST_MSN })).toString("utf8"),
    ) as Record<string, unknown>;

  it("accepts what the bridge publishes, and agrees with the till's decoder on good and bad envelopes", () => {
    const cases: [string, Record<string, unknown> | unknown[], boolean][] = [
      ["genuine", genuine(), true],
      [
        "payment event",
        JSON.parse(
          webhookEnvelope(paymentPayload({ reference: "kasse1-1", msn: TEST_MSN })).toString("utf8"),
        ) as Record<string, unknown>,
        true,
      ],
      ["unknown extra field", { ...genuine(), extra: true }, true],
      ["version 2", { ...genuine(), v: 2 }, false],
      ["missing body", { ...genuine(), body: undefined }, false],
      ["non-base64 body", { ...genuine(), body: "%%%%" }, false],
      ["unpadded base64", { ...genuine(), body: "aGVsbG8" }, false],
      [
        "missing signature header",
        { ...genuine(), headers: { "x-ms-date": "d", "x-ms-content-sha256": "h" } },
        false,
      ],
      [
        "empty header",
        { ...genuine(), headers: { "x-ms-date": "", "x-ms-content-sha256": "h", authorization: "a" } },
        false,
      ],
      ["not a URL", { ...genuine(), registeredUrl: "bridge" }, false],
      ["local time", { ...genuine(), receivedAt: "2026-01-01T12:00:00+01:00" }, false],
      ["no route", { ...genuine(), route: undefined }, false],
      ["array", [], false],
    ];
    for (const [name, envelope, ok] of cases) {
      const json = JSON.stringify(envelope);
      expect({ name, doc: validate(JSON.parse(json)) }).toEqual({ name, doc: ok });
      expect({ name, code: decodeEnvelope(Buffer.from(json)).ok }).toEqual({ name, code: ok });
    }
  });

  it("states the same body limit as the code", () => {
    const schema = JSON.parse(block("envelope-schema")) as { properties: { body: { maxLength: number } } };
    expect(schema.properties.body.maxLength).toBe(Math.ceil(MAX_WEBHOOK_BODY_BYTES / 3) * 4);
  });
});

describe("docs/mqtt-contract.md — sale event schema", () => {
  const validate = compile("sale-event-schema");
  const good = {
    v: 1,
    msn: TEST_MSN,
    tillId: "kasse1",
    eventId: "kasse1-000042-captured",
    type: "sale.captured",
    saleId: "000042",
    reference: "kasse1-000042",
    pspReference: "psp-1",
    amount: { currency: "NOK", value: 4900 },
    occurredAt: "2026-08-21T10:47:00.000+02:00",
    receiptNumber: "000042",
    lines: [
      { id: "sku-1", name: "Kaffe", quantity: "2", totalAmount: 4900, totalTaxAmount: 980, taxRate: 2500 },
    ],
    vat: [{ taxRate: 2500, totalAmount: 4900, totalAmountExcludingTax: 3920, totalTaxAmount: 980 }],
  };

  it("agrees with the code on good and bad events", () => {
    const cases: [string, unknown, boolean][] = [
      ["complete", good, true],
      [
        "minimal",
        {
          v: 1,
          msn: TEST_MSN,
          tillId: "kasse1",
          eventId: "e",
          type: "sale.failed",
          saleId: "s",
          amount: { currency: "DKK", value: 0 },
          occurredAt: "2026-08-21T08:47:00Z",
          reason: "ABORTED",
        },
        true,
      ],
      ["fractional amount", { ...good, amount: { currency: "NOK", value: 49.5 } }, false],
      ["negative amount", { ...good, amount: { currency: "NOK", value: -1 } }, false],
      ["unknown currency", { ...good, amount: { currency: "SEK", value: 1 } }, false],
      ["unknown type", { ...good, type: "sale.paid" }, false],
      ["extra field", { ...good, customerToken: "x" }, false],
      ["bad time", { ...good, occurredAt: "yesterday" }, false],
      [
        "bad line",
        { ...good, lines: [{ name: "x", quantity: "1,5", totalAmount: 1, taxRate: 2500 }] },
        false,
      ],
      ["bad till", { ...good, tillId: "kasse-1" }, false],
      [
        "a line without its VAT (as before it was sent)",
        { ...good, lines: [{ name: "x", quantity: "1", totalAmount: 1, taxRate: 2500 }] },
        true,
      ],
      [
        "negative VAT",
        { ...good, vat: [{ taxRate: 2500, totalAmount: 1, totalAmountExcludingTax: 2, totalTaxAmount: -1 }] },
        false,
      ],
      [
        "a VAT row without its rate",
        { ...good, vat: [{ totalAmount: 1, totalAmountExcludingTax: 1, totalTaxAmount: 0 }] },
        false,
      ],
    ];
    for (const [name, event, ok] of cases) {
      expect({ name, doc: validate(event) }).toEqual({ name, doc: ok });
      expect({ name, code: saleEventMessageSchema.safeParse(event).success }).toEqual({ name, code: ok });
    }
    const schema = JSON.parse(block("sale-event-schema")) as { properties: { type: { enum: string[] } } };
    expect(schema.properties.type.enum).toEqual([...SALE_EVENT_TYPES]);
  });
});

describe("docs/mqtt-contract.md — topics table", () => {
  it("lists each topic with the QoS and retain flag the code uses", () => {
    for (const [kind, { qos, retain }] of Object.entries(TOPIC_QOS)) {
      const topic =
        kind === "unrouted" ? "`<prefix>/<msn>/_unrouted`" : `\`<prefix>/<msn>/<tillId>/${kind}\``;
      const row = DOC.split("\n").find((line) => line.startsWith(`| ${topic} |`));
      expect(row, topic).toBeDefined();
      const cells = (row ?? "").split("|").map((c) => c.trim());
      expect({ topic, qos: cells[3], retain: cells[4]?.replaceAll("*", "") }).toEqual({
        topic,
        qos: String(qos),
        retain: retain ? "yes" : "no",
      });
    }
  });
});
