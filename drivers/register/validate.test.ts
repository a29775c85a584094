import { describe, expect, it } from "vitest";
import { validateAgentMessage } from "./validate-agent.js";
import { validateRegisterMessage } from "./validate-register.js";

const line = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: "sku-1",
  name: "Kaffe",
  quantity: "2",
  unitPrice: 2450,
  discount: 0,
  total: 4900,
  vatRate: 2500,
  unit: "PCS",
  ...over,
});
const basket = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  v: 1,
  seq: 2,
  type: "basket",
  saleId: "S-1001",
  currency: "NOK",
  lines: [
    line(),
    line({
      id: "sku-2",
      name: "Bolle",
      quantity: "0.455",
      unitPrice: 10000,
      discount: 50,
      total: 4500,
      vatRate: 1500,
    }),
  ],
  total: 9400,
  ...over,
});

describe("validateRegisterMessage", () => {
  it("accepts the catalogue's messages, ignoring unknown extra fields", () => {
    for (const message of [
      basket(),
      basket({ lines: [], total: 0 }),
      basket({ lines: [line({ discount: undefined, unit: undefined })], total: 4900, extra: "ignored" }),
      { v: 1, seq: 3, type: "pay", saleId: "S-1001", total: 9400 },
      { v: 1, seq: 4, type: "cancel", saleId: "S-1001" },
      { v: 1, seq: 3, type: "pay", saleId: "S-1001", total: 9400, hold: true },
      { v: 1, seq: 4, type: "capture", saleId: "S-1001", total: 9000 },
      { v: 1, seq: 4, type: "release", saleId: "S-1001" },
      { v: 1, seq: 5, type: "refund", saleId: "S-1001", refundId: "R-1", amount: 100 },
      {
        v: 1,
        seq: 5,
        type: "refund",
        saleId: "R-9",
        refundId: "R-9-1",
        amount: 100,
        reference: "kasse2-mf3k0a1b-1",
      },
      { v: 1, seq: 6, type: "status", saleId: "S-1001" },
      { v: 1, seq: 7, type: "ping" },
      { v: 1, seq: 8, type: "pong" },
      { v: 1, seq: 1, type: "hello", protocol: 1, role: "register", id: "kasse-1", software: "pos/2.1" },
      {
        v: 1,
        seq: 1,
        type: "hello",
        protocol: 1,
        role: "register",
        id: "kasse-1",
        software: "pos/2.1",
        session: "0f3c9a71d2e84b56",
      },
    ]) {
      expect(validateRegisterMessage(message)).toEqual({ ok: true, message });
    }
  });

  it.each([
    [
      "a total that is not the sum of the lines",
      basket({ total: 9401 }),
      "BASKET_TOTAL_MISMATCH",
      /total 9401 .*9400/,
    ],
    ["an unknown currency", basket({ currency: "SEK" }), "BAD_CURRENCY", /currency/],
    ["a missing currency", basket({ currency: undefined }), "BAD_CURRENCY", /currency/],
    [
      "a negative line amount",
      basket({ lines: [line({ unitPrice: -1 })], total: 4900 }),
      "BAD_FIELD",
      /^lines\[0\]\.unitPrice: /,
    ],
    [
      "a fractional line total",
      basket({ lines: [line({ total: 49.5 })], total: 49.5 }),
      "BAD_FIELD",
      /^lines\[0\]\.total: /,
    ],
    ["a fractional basket total", basket({ total: 9400.5 }), "BAD_FIELD", /^total: /],
    ["a negative basket total", basket({ lines: [], total: -1 }), "BAD_FIELD", /^total: /],
    [
      "an unsafe integer",
      basket({ lines: [line({ total: 2 ** 53 })], total: 2 ** 53 }),
      "BAD_FIELD",
      /^lines\[0\]\.total: /,
    ],
    [
      "201 lines",
      basket({ lines: Array.from({ length: 201 }, () => line({ total: 1 })), total: 201 }),
      "BAD_FIELD",
      /^lines: at most 200/,
    ],
    [
      "a float quantity",
      basket({ lines: [line({ quantity: 2 })], total: 4900 }),
      "BAD_FIELD",
      /^lines\[0\]\.quantity: /,
    ],
    [
      "a zero quantity",
      basket({ lines: [line({ quantity: "0.000" })], total: 4900 }),
      "BAD_FIELD",
      /^lines\[0\]\.quantity: /,
    ],
    [
      "an exponent quantity",
      basket({ lines: [line({ quantity: "1e3" })], total: 4900 }),
      "BAD_FIELD",
      /quantity/,
    ],
    [
      "a VAT rate over 100 %",
      basket({ lines: [line({ vatRate: 10001 })], total: 4900 }),
      "BAD_FIELD",
      /^lines\[0\]\.vatRate: /,
    ],
    [
      "a fractional VAT rate",
      basket({ lines: [line({ vatRate: 25.5 })], total: 4900 }),
      "BAD_FIELD",
      /vatRate/,
    ],
    [
      "a negative discount",
      basket({ lines: [line({ discount: -5 })], total: 4900 }),
      "BAD_FIELD",
      /^lines\[0\]\.discount: /,
    ],
    ["a line that is not an object", basket({ lines: ["x"], total: 0 }), "BAD_FIELD", /^lines\[0\]: /],
    ["lines that are not an array", basket({ lines: {}, total: 0 }), "BAD_FIELD", /^lines: /],
    [
      "an empty name",
      basket({ lines: [line({ name: "" })], total: 4900 }),
      "BAD_FIELD",
      /^lines\[0\]\.name: /,
    ],
    ["a saleId with a space", basket({ saleId: "S 1" }), "BAD_FIELD", /^saleId: /],
    ["a saleId of 33 characters", basket({ saleId: "A".repeat(33) }), "BAD_FIELD", /^saleId: /],
    ["a pay without a total", { v: 1, seq: 3, type: "pay", saleId: "S-1" }, "BAD_FIELD", /^total: /],
    [
      "a refund of 0",
      { v: 1, seq: 3, type: "refund", saleId: "S-1", refundId: "R1", amount: 0 },
      "BAD_FIELD",
      /^amount: /,
    ],
    [
      "a refund without refundId",
      { v: 1, seq: 3, type: "refund", saleId: "S-1", amount: 5 },
      "BAD_FIELD",
      /^refundId: /,
    ],
    ...["short-1", "x".repeat(51), "kasse2/../x-1", 12345678].map(
      (reference): [string, Record<string, unknown>, string, RegExp] => [
        `a refund with the reference ${JSON.stringify(reference).slice(0, 20)}`,
        { v: 1, seq: 3, type: "refund", saleId: "R-1", refundId: "R1", amount: 5, reference },
        "BAD_FIELD",
        /^reference: /,
      ],
    ),
    ["an unknown type", { v: 1, seq: 3, type: "explode" }, "UNKNOWN_TYPE", /explode/],
    [
      "an agent's type",
      { v: 1, seq: 3, type: "sale", saleId: "S-1", state: "open", final: false },
      "UNKNOWN_TYPE",
      /sale/,
    ],
    ["a type that is not a string", { v: 1, seq: 3, type: 7 }, "BAD_FIELD", /^type: /],
    [
      "a hello of protocol 2",
      { v: 1, seq: 1, type: "hello", protocol: 2, role: "register", id: "a", software: "b" },
      "BAD_FIELD",
      /^protocol: /,
    ],
    [
      "a hello claiming to be the agent",
      { v: 1, seq: 1, type: "hello", protocol: 1, role: "agent", id: "a", software: "b", till: "t" },
      "BAD_FIELD",
      /^role: /,
    ],
    [
      "a hello with a numeric session",
      { v: 1, seq: 1, type: "hello", protocol: 1, role: "register", id: "a", software: "b", session: 7 },
      "BAD_FIELD",
      /^session: /,
    ],
    [
      "a hello with an empty session",
      { v: 1, seq: 1, type: "hello", protocol: 1, role: "register", id: "a", software: "b", session: "" },
      "BAD_FIELD",
      /^session: /,
    ],
    [
      "a hello with a session of 65 characters",
      {
        v: 1,
        seq: 1,
        type: "hello",
        protocol: 1,
        role: "register",
        id: "a",
        software: "b",
        session: "x".repeat(65),
      },
      "BAD_FIELD",
      /^session: /,
    ],
  ])("refuses %s", (_what, message, code, text) => {
    const result = validateRegisterMessage(message);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(code);
    expect(result.message).toMatch(text);
  });
});

describe("validateAgentMessage", () => {
  it("accepts sale and receipt reports, pong and the agent's hello", () => {
    for (const message of [
      { type: "sale", saleId: "S-1", state: "waiting_for_customer", final: false, amount: 100 },
      {
        type: "sale",
        saleId: "S-1",
        state: "captured",
        final: true,
        amount: 100,
        capturedAmount: 100,
        reference: "kasse1-S-1-1",
        pspReference: "abc",
        member: { id: "M1", tier: "gold" },
      },
      { type: "sale", saleId: "S-1", state: "failed", final: true, reason: "SOMETHING_NEW" },
      { type: "receipt", saleId: "S-1", printed: false, copy: false, error: "PAPER_OUT" },
      { type: "pong" },
      { type: "ping" },
      {
        type: "hello",
        protocol: 1,
        role: "agent",
        id: "pos-agent-kasse1",
        software: "vipps-pos-agent/0.1.0",
        till: "kasse1",
      },
      {
        type: "hello",
        protocol: 1,
        role: "agent",
        id: "pos-agent-kasse1",
        software: "vipps-pos-agent/0.1.0",
        till: "kasse1",
        session: "9b1e04c7a3f25d68",
      },
    ]) {
      expect(validateAgentMessage(message)).toEqual({ ok: true, message });
    }
  });

  it.each([
    [
      "final false on a final state",
      { type: "sale", saleId: "S-1", state: "captured", final: false },
      /^final: /,
    ],
    ["final true on an open sale", { type: "sale", saleId: "S-1", state: "open", final: true }, /^final: /],
    ["an unknown state", { type: "sale", saleId: "S-1", state: "paid", final: true }, /^state: /],
    [
      "a negative captured amount",
      { type: "sale", saleId: "S-1", state: "captured", final: true, capturedAmount: -1 },
      /^capturedAmount: /,
    ],
    [
      "a reason that is not a code",
      { type: "sale", saleId: "S-1", state: "failed", final: true, reason: "oops" },
      /^reason: /,
    ],
    [
      "a member without id",
      { type: "sale", saleId: "S-1", state: "customer_identified", final: false, member: {} },
      /^member\.id: /,
    ],
    ["a receipt without copy", { type: "receipt", saleId: "S-1", printed: true }, /^copy: /],
    [
      "an agent hello without till",
      { type: "hello", protocol: 1, role: "agent", id: "a", software: "b" },
      /^till: /,
    ],
  ])("refuses %s", (_what, message, text) => {
    const result = validateAgentMessage(message);
    expect(result).toMatchObject({ ok: false, code: "BAD_FIELD" });
    if (!result.ok) expect(result.message).toMatch(text);
  });
});

describe("hold messages (§7.13)", () => {
  it("refuses a capture of nothing or of a non-integer, a hold that is not a boolean, a release without a sale", () => {
    for (const [message, path] of [
      [{ v: 1, seq: 4, type: "capture", saleId: "S-1", total: 0 }, "total"],
      [{ v: 1, seq: 4, type: "capture", saleId: "S-1", total: 12.5 }, "total"],
      [{ v: 1, seq: 4, type: "capture", saleId: "S-1" }, "total"],
      [{ v: 1, seq: 3, type: "pay", saleId: "S-1", total: 100, hold: "yes" }, "hold"],
      [{ v: 1, seq: 4, type: "release" }, "saleId"],
      [
        {
          v: 1,
          seq: 3,
          type: "pay",
          saleId: "S-1",
          total: 100,
          amount: 50,
          tenders: [{ kind: "cash", amount: 50 }],
          hold: true,
        },
        "hold",
      ],
    ] as const) {
      const result = validateRegisterMessage(message);
      expect(result.ok, JSON.stringify(message)).toBe(false);
      if (!result.ok) {
        expect(result.code).toBe("BAD_FIELD");
        expect(result.message.startsWith(path)).toBe(true);
      }
    }
  });

  it("accepts a held sale report with its authorized amount and deadline, and refuses a deadline that is not a UTC time", () => {
    const held = {
      v: 1,
      seq: 9,
      type: "sale",
      saleId: "S-1",
      state: "held",
      final: false,
      amount: 9400,
      authorizedAmount: 9400,
      holdUntil: "2026-09-01T07:53:44.812Z",
    };
    expect(validateAgentMessage(held).ok).toBe(true);
    expect(validateAgentMessage({ ...held, holdUntil: "next week" }).ok).toBe(false);
    expect(validateAgentMessage({ ...held, final: true }).ok).toBe(false);
  });
});
