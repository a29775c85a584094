import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createBody,
  SimApi,
  startTestVippsSim,
  type ApiAnswer,
  type TestVippsSim,
} from "../../../test/helpers/vipps-sim.js";

let t: TestVippsSim;
let api: SimApi;
let dk: SimApi;
let key = 0;
beforeEach(async () => {
  t = await startTestVippsSim({
    customers: { "4700000001": { status: "unknown" }, "4700000002": { status: "blocked" } },
  });
  api = new SimApi(t.sim.url, t.unit);
  dk = new SimApi(t.sim.url, t.sim.salesUnits[1] ?? t.unit);
  await api.call("PUT", "/qr/v1/merchant-callback/kasse1", { body: { locationDescription: "Kasse 1" } });
});
afterEach(async () => {
  await t.close();
});

const phone = { phoneNumber: "4791234567" };
const create = (body: unknown, sim = api): Promise<ApiAnswer> =>
  sim.call("POST", "/epayment/v1/payments", { body, idempotencyKey: `key-${++key}` });
const errorCode = (a: ApiAnswer): string | undefined =>
  (a.body as { extraDetails?: { name: string; reason: string }[] }).extraDetails?.find(
    (d) => d.name === "ErrorCode",
  )?.reason;
const fields = (a: ApiAnswer): string[] =>
  ((a.body as { extraDetails?: { name: string }[] }).extraDetails ?? []).map((d) => d.name);
const body = (
  overrides: Record<string, unknown>,
  reference = "kasse1-create-01",
): Record<string, unknown> => ({ ...createBody(t.unit, reference, phone), ...overrides });

describe("create payment", () => {
  it("creates a PUSH_MESSAGE payment: 201 with only the reference, state CREATED", async () => {
    const a = await create(body({}));
    expect(a.status).toBe(201);
    expect(a.body).toEqual({ reference: "kasse1-create-01" });
    const get = await api.call("GET", "/epayment/v1/payments/kasse1-create-01");
    expect(get.body).toMatchObject({
      reference: "kasse1-create-01",
      state: "CREATED",
      amount: { currency: "NOK", value: 4900 },
      paymentMethod: { type: "WALLET" },
      profile: {},
      aggregate: {
        authorizedAmount: { currency: "NOK", value: 0 },
        capturedAmount: { currency: "NOK", value: 0 },
        refundedAmount: { currency: "NOK", value: 0 },
        cancelledAmount: { currency: "NOK", value: 0 },
      },
    });
  });

  it("accepts a customer token from a scan, a full receipt and metadata", async () => {
    const { customerToken } = t.sim.control.scan({
      msisdn: "4791234567",
      msn: t.unit.msn,
      merchantQrId: "kasse1",
    });
    const receipt = {
      orderLines: [
        {
          name: "Kaffe",
          id: "sku-1",
          totalAmount: 4900,
          totalAmountExcludingTax: 3920,
          totalTaxAmount: 980,
          taxRate: 2500,
          unitInfo: { unitPrice: 4900, quantity: "1", quantityUnit: "PCS" },
        },
      ],
      bottomLine: { currency: "NOK", posId: "kasse1", receiptNumber: "000042" },
    };
    const a = await create({
      ...createBody(t.unit, "kasse1-create-02", { customerToken }),
      receipt,
      metadata: { till: "kasse1" },
    });
    expect(a.status).toBe(201);
    expect(t.sim.control.payment("kasse1-create-02").customerMsisdn).toBe("4791234567");
    expect((await api.call("GET", "/epayment/v1/payments/kasse1-create-02")).body).toMatchObject({
      metadata: { till: "kasse1" },
    });
  });

  it("returns a redirectUrl for landing-page flows", async () => {
    const a = await create(
      body({ userFlow: "WEB_REDIRECT", returnUrl: "https://example.com/back", customer: undefined }),
    );
    expect(a.status).toBe(201);
    expect((a.body as { redirectUrl: string }).redirectUrl).toMatch(/^https:\/\//);
  });

  it.each([
    ["a missing reference", { reference: undefined }, "reference"],
    ["a 7-character reference", { reference: "abc-123" }, "reference"],
    ["a 51-character reference", { reference: "a".repeat(51) }, "reference"],
    ["a reference with an underscore", { reference: "kasse1_create" }, "reference"],
    ["a missing amount", { amount: undefined }, "amount"],
    ["a string amount", { amount: { currency: "NOK", value: "4900" } }, "amount.value"],
    ["an unknown currency", { amount: { currency: "SEK", value: 4900 } }, "amount.currency"],
    ["more than 65 000 000", { amount: { currency: "NOK", value: 65_000_001 } }, "amount.value"],
    ["a missing paymentMethod", { paymentMethod: undefined }, "paymentMethod.type"],
    ["a missing userFlow", { userFlow: undefined }, "userFlow"],
    ["an unknown customerInteraction", { customerInteraction: "IN_STORE" }, "customerInteraction"],
    ["a 2-character paymentDescription", { paymentDescription: "ab" }, "paymentDescription"],
    ["a 101-character paymentDescription", { paymentDescription: "x".repeat(101) }, "paymentDescription"],
    [
      "two customer identifiers",
      { customer: { phoneNumber: "4791234567", customerToken: "abc" } },
      "customer",
    ],
    ["an empty customer", { customer: {} }, "customer"],
    ["a non-string metadata value", { metadata: { n: 1 } }, "metadata"],
    [
      "a receipt without order lines",
      { receipt: { orderLines: [], bottomLine: { currency: "NOK" } } },
      "receipt.orderLines",
    ],
    [
      "an order line without tax rate",
      {
        receipt: {
          orderLines: [{ name: "a", id: "1", totalAmount: 1, totalAmountExcludingTax: 1, totalTaxAmount: 0 }],
          bottomLine: { currency: "NOK" },
        },
      },
      "receipt.orderLines[0].taxRate",
    ],
    [
      "a numeric quantity",
      {
        receipt: {
          orderLines: [
            {
              name: "a",
              id: "1",
              totalAmount: 1,
              totalAmountExcludingTax: 1,
              totalTaxAmount: 0,
              taxRate: 0,
              unitInfo: { unitPrice: 1, quantity: 1 },
            },
          ],
          bottomLine: { currency: "NOK" },
        },
      },
      "receipt.orderLines[0].unitInfo.quantity",
    ],
    [
      "a receipt in another currency",
      {
        receipt: {
          orderLines: [
            { name: "a", id: "1", totalAmount: 1, totalAmountExcludingTax: 1, totalTaxAmount: 0, taxRate: 0 },
          ],
          bottomLine: { currency: "DKK" },
        },
      },
      "receipt.bottomLine.currency",
    ],
  ])("refuses %s with 400 naming the field, and creates nothing", async (_name, overrides, field) => {
    const a = await create(body(overrides));
    expect(a.status).toBe(400);
    expect(a.headers.get("content-type")).toBe("application/problem+json");
    expect(fields(a)).toContain(field);
    expect(errorCode(a)).toBeUndefined();
    expect(t.sim.control.payments()).toEqual([]);
  });

  it.each([
    ["decimals", { amount: { currency: "NOK", value: 49.5 } }, "4040"],
    ["a negative amount", { amount: { currency: "NOK", value: -100 } }, "4040"],
    ["another market's currency", { amount: { currency: "DKK", value: 4900 } }, "5040"],
    ["less than NOK 1.00", { amount: { currency: "NOK", value: 99 } }, "6010"],
    ["PUSH_MESSAGE without a customer", { customer: undefined }, "4140"],
    ["WEB_REDIRECT without returnUrl", { userFlow: "WEB_REDIRECT", customer: undefined }, "4140"],
    ["an http returnUrl", { userFlow: "WEB_REDIRECT", returnUrl: "http://example.com/x" }, "4090"],
    ["a malformed phone number", { customer: { phoneNumber: "+4791234567" } }, "4070"],
    ["an unknown customer token", { customer: { customerToken: "bm9wZQ==" } }, "4050"],
    ["a malformed personal QR", { customer: { personalQr: "https://example.com/me" } }, "4060"],
    ["a number without a Vipps user", { customer: { phoneNumber: "4700000001" } }, "7010"],
    ["a blocked user", { customer: { phoneNumber: "4700000002" } }, "7010"],
    ["six metadata entries", { metadata: { a: "1", b: "2", c: "3", d: "4", e: "5", f: "6" } }, "4100"],
    ["a metadata key of 101 characters", { metadata: { ["k".repeat(101)]: "v" } }, "4120"],
    ["a metadata value of 501 characters", { metadata: { k: "v".repeat(501) } }, "4130"],
    ["an unknown profile scope", { profile: { scope: "name shoeSize" } }, "4080"],
    ["the nin scope", { profile: { scope: "nin" } }, "5030"],
    ["expiresAt (long-living payment)", { expiresAt: "2026-01-06T10:00:00Z" }, "5050"],
  ])("refuses %s with error code %s", async (_name, overrides, code) => {
    const a = await create(body(overrides));
    expect(a.status).toBe(400);
    expect(errorCode(a)).toBe(code);
    expect(t.sim.control.payments()).toEqual([]);
  });

  it("accepts the minimum per currency: NOK 100 øre, DKK 1 øre", async () => {
    expect((await create(body({ amount: { currency: "NOK", value: 100 } }))).status).toBe(201);
    const dkUnit = t.sim.salesUnits[1];
    if (dkUnit === undefined) throw new Error("no DKK unit");
    expect(
      (
        await create(
          { ...createBody(dkUnit, "kasse1-create-dk1", phone), amount: { currency: "DKK", value: 1 } },
          dk,
        )
      ).status,
    ).toBe(201);
    expect(
      (
        await create(
          { ...createBody(dkUnit, "kasse1-create-dk0", phone), amount: { currency: "DKK", value: 0 } },
          dk,
        )
      ).status,
    ).toBe(400);
  });

  it("accepts a personal QR with the number in it", async () => {
    const a = await create(
      body({ customer: { personalQr: "https://qr.vipps.no/28/2/01/031/4791234567?v=1" } }),
    );
    expect(a.status).toBe(201);
    expect(t.sim.control.payment("kasse1-create-01").customerMsisdn).toBe("4791234567");
  });

  it("refuses an expired customer token (4050), and one from another sales unit", async () => {
    const { customerToken } = t.sim.control.scan({
      msisdn: "4791234567",
      msn: t.unit.msn,
      merchantQrId: "kasse1",
    });
    const dkUnit = t.sim.salesUnits[1];
    if (dkUnit === undefined) throw new Error("no DKK unit");
    expect(errorCode(await create(createBody(dkUnit, "kasse1-create-dk2", { customerToken }), dk))).toBe(
      "4050",
    );
    t.clock.advance(15 * 60_000);
    expect(errorCode(await create(createBody(t.unit, "kasse1-create-03", { customerToken })))).toBe("4050");
  });

  it("refuses PUSH_MESSAGE on a sales unit not allowed to skip the landing page (5080)", async () => {
    await t.close();
    t = await startTestVippsSim({
      salesUnits: [{ msn: "345678", currency: "NOK", pushMessageAllowed: false }],
    });
    api = new SimApi(t.sim.url, t.unit);
    expect(errorCode(await create(body({})))).toBe("5080");
  });

  it("refuses a reused reference with 409 (4150), and leaves the first payment alone", async () => {
    expect(await create(body({}))).toMatchObject({ status: 201 });
    const again = await create(body({ amount: { currency: "NOK", value: 9900 } }));
    expect(again.status).toBe(409);
    expect(errorCode(again)).toBe("4150");
    expect(t.sim.control.payment("kasse1-create-01").amount.value).toBe(4900);
  });

  it("lets two sales units use the same reference", async () => {
    expect(await create(body({}))).toMatchObject({ status: 201 });
    const dkUnit = t.sim.salesUnits[1];
    if (dkUnit === undefined) throw new Error("no DKK unit");
    expect((await create(createBody(dkUnit, "kasse1-create-01", phone), dk)).status).toBe(201);
  });

  it("refuses a create without Idempotency-Key, or with one over 50 characters", async () => {
    const missing = await api.call("POST", "/epayment/v1/payments", { body: body({}) });
    expect(missing.status).toBe(400);
    expect(fields(missing)).toContain("Idempotency-Key");
    const long = await api.call("POST", "/epayment/v1/payments", {
      body: body({}),
      idempotencyKey: "k".repeat(51),
    });
    expect(long.status).toBe(400);
    expect(t.sim.control.payments()).toEqual([]);
  });

  it("refuses a body that is not JSON (400) or not sent as JSON (415)", async () => {
    expect(
      (await api.call("POST", "/epayment/v1/payments", { body: "{not json", idempotencyKey: "k-json" }))
        .status,
    ).toBe(400);
    const form = await api.call("POST", "/epayment/v1/payments", {
      body: "{}",
      idempotencyKey: "k-form",
      headers: { "Content-Type": "text/plain" },
    });
    expect(form.status).toBe(415);
  });
});
