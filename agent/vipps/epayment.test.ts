import { afterEach, describe, expect, it } from "vitest";
import * as ex from "../../test/contract/examples.js";
import { validateResponse } from "../../test/contract/openapi.js";
import {
  nok,
  startHarness,
  TOKEN,
  tokenReply,
  type Harness,
} from "../../test/helpers/vipps-client-harness.js";
import { isVippsError, posPushPayment, VippsClient, type CreatePaymentRequest } from "./index.js";

const REF = ex.EXAMPLE_REFERENCE;
const BASE = "/epayment/v1/payments";
let h: Harness;

afterEach(async () => {
  expect(h.contractProblems()).toEqual([]);
  await h.close();
});

function posPayment(): CreatePaymentRequest {
  return posPushPayment({
    reference: REF,
    amount: nok(7400),
    customerToken: "wbA8ceVRKkoYiQAVELHeFCC3Sn5dtNCvvEtVPiOT77j6wx7uR965AG6Q+q0ATP4=",
    paymentDescription: "Kasse 1 000042",
    receipt: {
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
        {
          name: "Bolle",
          id: "sku-2",
          totalAmount: 3000,
          totalAmountExcludingTax: 2679,
          totalTaxAmount: 321,
          taxRate: 1200,
        },
        {
          name: "Pant",
          id: "sku-3",
          totalAmount: 500,
          totalAmountExcludingTax: 500,
          totalTaxAmount: 0,
          taxRate: 0,
          isReturn: true,
        },
      ],
      bottomLine: { currency: "NOK", posId: "kasse1", receiptNumber: "000042" },
    },
    metadata: { till: "kasse1" },
  });
}

async function harness(): Promise<Harness> {
  const started = await startHarness();
  started.server.on("POST", "/accesstoken/get", tokenReply());
  return started;
}

describe("ePayment", () => {
  it("creates a push payment with the caller's Idempotency-Key and the body as given", async () => {
    h = await harness();
    h.server.on("POST", BASE, { status: 201, json: { reference: REF } });
    const created = await h.client.epayment.create(posPayment(), `${REF}-create`);
    expect(created).toEqual({ reference: REF });
    const [request] = h.server.requestsTo("POST", BASE);
    expect(request?.headers["idempotency-key"]).toBe(`${REF}-create`);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const sent = JSON.parse(request?.text ?? "") as Record<string, unknown>;
    expect(sent).toEqual(posPayment());
    expect(sent).toMatchObject({
      paymentMethod: { type: "WALLET" },
      userFlow: "PUSH_MESSAGE",
      customerInteraction: "CUSTOMER_PRESENT",
      customer: { customerToken: expect.any(String) as string },
    });
  });

  it("gets a payment and its event log", async () => {
    h = await harness();
    h.server.on("GET", `${BASE}/${REF}`, {
      status: 200,
      json: { ...ex.paymentBody(), captureGuaranteedUntil: "2026-09-01T07:53:44.812+00:00" },
    });
    h.server.on("GET", `${BASE}/${REF}/events`, { status: 200, json: ex.paymentEventsBody() });
    const payment = await h.client.epayment.get(REF);
    expect(payment.state).toBe("AUTHORIZED");
    expect(payment.aggregate.authorizedAmount).toEqual(nok(4900));
    expect(payment.captureGuaranteedUntil).toBe("2026-09-01T07:53:44.812+00:00");
    const events = await h.client.epayment.events(REF);
    expect(events.map((e) => e.name)).toEqual(["CREATED", "AUTHORIZED"]);
    expect(events[1]?.idempotencyKey).toBeNull();
  });

  it("captures, refunds and cancels with modificationAmount / cancelTransactionOnly bodies", async () => {
    h = await harness();
    for (const body of [
      ex.modificationBody(4900),
      ex.modificationBody(4900, 1000),
      ex.modificationBody(0, 0, 4900),
    ]) {
      expect(
        validateResponse("epayment", "POST", `${BASE}/${REF}/capture`, 200, {
          contentType: "application/json",
          body,
        }),
      ).toEqual([]);
    }
    h.server.on("POST", `${BASE}/${REF}/capture`, { status: 200, json: ex.modificationBody(4900) });
    h.server.on("POST", `${BASE}/${REF}/refund`, { status: 200, json: ex.modificationBody(4900, 1000) });
    h.server.on("POST", `${BASE}/${REF}/cancel`, { status: 200, json: ex.modificationBody(0, 0, 4900) });
    expect(
      (await h.client.epayment.capture(REF, nok(4900), `${REF}-capture-1`)).aggregate.capturedAmount.value,
    ).toBe(4900);
    expect(
      (await h.client.epayment.refund(REF, nok(1000), `${REF}-refund-1`)).aggregate.refundedAmount.value,
    ).toBe(1000);
    expect(
      (await h.client.epayment.cancel(REF, { cancelTransactionOnly: true }, `${REF}-cancel-1`)).aggregate
        .cancelledAmount.value,
    ).toBe(4900);
    const body = (kind: string): unknown =>
      JSON.parse(h.server.requestsTo("POST", `${BASE}/${REF}/${kind}`)[0]?.text ?? "");
    expect(body("capture")).toEqual({ modificationAmount: { currency: "NOK", value: 4900 } });
    expect(body("refund")).toEqual({ modificationAmount: { currency: "NOK", value: 1000 } });
    expect(body("cancel")).toEqual({ cancelTransactionOnly: true });
    expect(h.server.requestsTo("POST", `${BASE}/${REF}/cancel`)[0]?.headers["idempotency-key"]).toBe(
      `${REF}-cancel-1`,
    );
  });

  it("force-approves in the test environment, and refuses to against production", async () => {
    h = await harness();
    h.server.on("POST", `/epayment/v1/test/payments/${REF}/approve`, { status: 200 });
    await h.client.epayment.forceApprove(REF, { customer: { phoneNumber: "4791234567" } });
    expect(
      JSON.parse(h.server.requestsTo("POST", `/epayment/v1/test/payments/${REF}/approve`)[0]?.text ?? ""),
    ).toEqual({ customer: { phoneNumber: "4791234567" } });
    const production = new VippsClient({
      baseUrl: "https://api.vipps.no",
      clientId: "id",
      clientSecret: "secret",
      subscriptionKey: "key",
      msn: "123456",
      system: { name: "vipps-pos-agent", version: "0.1.0" },
      timeoutMs: 1000,
      maxRetries: 0,
      exchange: () => () => Promise.reject(new Error("must not be called")),
    });
    const error: unknown = await production.epayment
      .forceApprove(REF, { customer: { phoneNumber: "4791234567" } })
      .catch((e: unknown) => e);
    expect(isVippsError(error, "VIPPS_INVALID_ARGUMENT")).toBe(true);
  });

  it.each<[string, (b: CreatePaymentRequest) => CreatePaymentRequest, string]>([
    ["push without customer", ({ customer: _c, ...b }) => b, "customer is required"],
    [
      "two customers",
      (b) => ({ ...b, customer: { customerToken: "tok-abc", phoneNumber: "4791234567" } }),
      "exactly one",
    ],
    ["below the NOK minimum", (b) => ({ ...b, amount: nok(99), receipt: undefined }), "from 100"],
    ["above the spec maximum", (b) => ({ ...b, amount: nok(65_000_001), receipt: undefined }), "65000000"],
    ["a float amount", (b) => ({ ...b, amount: { currency: "NOK", value: 74.5 } }), "integer"],
    ["a receipt that does not add up", (b) => ({ ...b, amount: nok(7500) }), "add up"],
    [
      "a receipt in another currency",
      (b) => ({ ...b, receipt: { ...b.receipt!, bottomLine: { currency: "DKK" } } }),
      "bottomLine.currency",
    ],
    [
      "a line without tax rate",
      (b) => ({
        ...b,
        receipt: {
          ...b.receipt!,
          orderLines: [
            { name: "x", id: "1", totalAmount: 7400, totalAmountExcludingTax: 7400, totalTaxAmount: 0 },
          ],
        },
      }),
      "taxRate",
    ],
    ["a reference over 50 characters", (b) => ({ ...b, reference: "r".repeat(51) }), "reference"],
    ["a short description", (b) => ({ ...b, paymentDescription: "ab" }), "paymentDescription"],
    [
      "six metadata entries",
      (b) => ({ ...b, metadata: { a: "1", b: "2", c: "3", d: "4", e: "5", f: "6" } }),
      "metadata",
    ],
  ])("refuses a create with %s, sending nothing", async (_name, mutate, message) => {
    h = await harness();
    const error: unknown = await h.client.epayment
      .create(mutate(posPayment()), `${REF}-create`)
      .catch((e: unknown) => e);
    expect(isVippsError(error, "VIPPS_INVALID_ARGUMENT")).toBe(true);
    expect((error as Error).message).toContain(message);
    expect(h.server.requests).toHaveLength(0);
  });
});
