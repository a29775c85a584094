import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../../lib/manual-clock.js";
import { apiForPath, validateRequest, validateResponse } from "../../test/contract/openapi.js";
import { startVippsSimulator, type VippsSimulator } from "../../sim/vipps/index.js";
import { hasVippsCode, isVippsError, VippsClient, type CreatePaymentRequest } from "./index.js";
import type { HttpExchange } from "./node-http-exchange.js";

/**
 * The client against the Vipps simulator (sim/vipps) over real HTTP: a whole sale, the cancel
 * race, a transient fault retried with the same key, and a merchant-initiated login. Both run on
 * one ManualClock; customers act only through the simulator's control API.
 */
const MSISDN = "4791234567";
let sim: VippsSimulator;
let clock: ManualClock;
let client: VippsClient;
/** Every exchange, checked against the official specs after each test (both directions). */
let contractProblems: string[];
let observed: number;

/** The client's real network exchange, observing each request and answer (no mocking: the call is real). */
const observing =
  (real: HttpExchange): HttpExchange =>
  async (request) => {
    const answer = await real(request);
    const { pathname, search } = new URL(request.url);
    const api = apiForPath(pathname);
    if (api !== undefined) {
      observed++;
      const path = `${pathname}${search}`;
      const where = `${request.method} ${path} → ${answer.status}`;
      contractProblems.push(
        ...validateRequest(api, request.method, path, { headers: request.headers, body: request.body }).map(
          (p) => `${where}: ${p}`,
        ),
        ...validateResponse(api, request.method, path, answer.status, {
          contentType: answer.headers.get("content-type") ?? undefined,
          body: answer.text,
        }).map((p) => `${where}: ${p}`),
      );
    }
    return answer;
  };

beforeEach(async () => {
  contractProblems = [];
  observed = 0;
  clock = new ManualClock(Date.UTC(2026, 7, 21, 10, 0, 0));
  sim = await startVippsSimulator({
    clock,
    random: () => 0.5,
    defaultBehaviour: { payment: { action: "ignore" }, login: { action: "ignore" } },
  });
  const unit = sim.salesUnits.find((u) => u.currency === "NOK");
  if (unit === undefined) throw new Error("the simulator has no NOK sales unit");
  client = new VippsClient({
    baseUrl: sim.url,
    clientId: unit.clientId,
    clientSecret: unit.clientSecret,
    subscriptionKey: unit.subscriptionKey,
    msn: unit.msn,
    system: { name: "vipps-pos-agent", version: "0.1.0" },
    timeoutMs: 10_000,
    maxRetries: 3,
    clock,
    random: () => 0.5,
    exchange: observing,
  });
});

afterEach(async () => {
  await sim.close();
  expect(observed).toBeGreaterThan(2);
  expect(contractProblems).toEqual([]);
});

function sale(reference: string, customerToken: string): CreatePaymentRequest {
  return {
    amount: { currency: "NOK", value: 7900 },
    paymentMethod: { type: "WALLET" },
    customer: { customerToken },
    customerInteraction: "CUSTOMER_PRESENT",
    userFlow: "PUSH_MESSAGE",
    reference,
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
        },
        {
          name: "Bolle",
          id: "sku-2",
          totalAmount: 3000,
          totalAmountExcludingTax: 2679,
          totalTaxAmount: 321,
          taxRate: 1200,
        },
      ],
      bottomLine: { currency: "NOK", posId: "kasse1", receiptNumber: "000042" },
    },
  };
}

async function checkIn(): Promise<string> {
  await client.qr.putMerchantCallback("kasse1", { locationDescription: "Kasse 1" });
  const qr = await client.qr.getMerchantCallback("kasse1");
  return sim.control.scan({ msisdn: MSISDN, qrContent: qr.qrContent }).customerToken;
}

describe("client ⇄ simulator", () => {
  it("runs a whole sale: token, QR, scan, exchange, create, approve, capture, refund", async () => {
    await client.verifyCredentials();
    const customerToken = await checkIn();
    expect((await client.qr.exchangeCustomerToken(customerToken)).msisdn).toBe(MSISDN);
    const reference = "kasse1-20260821-000042";
    expect(await client.epayment.create(sale(reference, customerToken), `${reference}-create`)).toMatchObject(
      { reference },
    );
    expect((await client.epayment.get(reference)).state).toBe("CREATED");

    sim.control.approvePayment(reference);
    const authorized = await client.epayment.get(reference);
    expect(authorized.state).toBe("AUTHORIZED");
    expect(authorized.aggregate.authorizedAmount.value).toBe(7900);

    const captured = await client.epayment.capture(
      reference,
      { currency: "NOK", value: 7900 },
      `${reference}-capture-1`,
    );
    expect(captured.aggregate.capturedAmount.value).toBe(7900);
    // The same key and body again (a retry after a crash) does not capture twice.
    const again = await client.epayment.capture(
      reference,
      { currency: "NOK", value: 7900 },
      `${reference}-capture-1`,
    );
    expect(again.aggregate.capturedAmount.value).toBe(7900);

    const refunded = await client.epayment.refund(
      reference,
      { currency: "NOK", value: 3000 },
      `${reference}-refund-1`,
    );
    expect(refunded.aggregate.refundedAmount.value).toBe(3000);
    const names = (await client.epayment.events(reference)).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(["CREATED", "AUTHORIZED", "CAPTURED", "REFUNDED"]));
    expect(names.filter((n) => n === "CAPTURED")).toHaveLength(1);
  });

  it("loses the cancel race with Vipps error 6060 once the customer has approved", async () => {
    const customerToken = await checkIn();
    const reference = "kasse1-20260821-000043";
    await client.epayment.create(sale(reference, customerToken), `${reference}-create`);
    sim.control.approvePayment(reference);
    const error: unknown = await client.epayment
      .cancel(reference, { cancelTransactionOnly: true }, `${reference}-cancel-1`)
      .catch((e: unknown) => e);
    expect(isVippsError(error)).toBe(true);
    expect(hasVippsCode(error, "6060")).toBe(true);
    expect((await client.epayment.get(reference)).state).toBe("AUTHORIZED");
  });

  it("retries a transient 503 on capture with the same Idempotency-Key", async () => {
    const customerToken = await checkIn();
    const reference = "kasse1-20260821-000044";
    await client.epayment.create(sale(reference, customerToken), `${reference}-create`);
    sim.control.approvePayment(reference);
    sim.control.addFault({ endpoint: "epayment.capture", status: 503, times: 1 });
    const capture = client.epayment.capture(
      reference,
      { currency: "NOK", value: 7900 },
      `${reference}-capture-1`,
    );
    await vi.waitFor(() => expect(clock.pending).toBeGreaterThan(0));
    clock.advance(1_000);
    expect((await capture).aggregate.capturedAmount.value).toBe(7900);
    const captures = sim.control.requests().filter((r) => r.endpoint === "epayment.capture");
    expect(captures.map((r) => r.status)).toEqual([503, 200]);
    expect(captures[1]?.idempotencyKey).toBe(`${reference}-capture-1`);
    expect((await client.epayment.events(reference)).filter((e) => e.name === "CAPTURED")).toHaveLength(1);
  });

  it("enrolls through merchant-initiated login: CIBA start, approval, token, userinfo", async () => {
    const started = await client.login.startCiba({
      scope: ["name", "phoneNumber"],
      loginHint: { msisdn: MSISDN },
      bindingMessage: "KASSE-1",
      requestedExpiry: 120,
    });
    // Polling faster than the interval is answered with slow_down (CIBA poll mode).
    expect((await client.login.pollToken(started.authReqId)).kind).toBe("slow_down");
    clock.advance(started.intervalSeconds * 1000 + 5000);
    expect((await client.login.pollToken(started.authReqId)).kind).toBe("authorization_pending");
    sim.control.approveLogin(started.authReqId);
    clock.advance(started.intervalSeconds * 1000 + 5000);
    const result = await client.login.pollToken(started.authReqId);
    if (result.kind !== "success") throw new Error(`expected success, got ${result.kind}`);
    const info = await client.login.userinfo(result.tokens.accessToken);
    expect(info.sub).not.toBe("");
    expect(info.phone_number).toBe(MSISDN);
  });
});

describe("client ⇄ simulator: Order Management", () => {
  /** A held payment (no receipt at create, as the agent creates a hold), captured for less. */
  async function capturedHold(reference: string): Promise<void> {
    const { receipt: _none, ...body } = sale(reference, await checkIn());
    await client.epayment.create(body, `${reference}-create`);
    sim.control.approvePayment(reference);
    await client.epayment.capture(reference, { currency: "NOK", value: 4900 }, `${reference}-capture`);
  }
  const finalReceipt = {
    orderLines: [
      {
        name: "Kaffe",
        id: "sku-1",
        totalAmount: 4900,
        totalAmountExcludingTax: 3920,
        totalTaxAmount: 980,
        taxRate: 2500,
      },
    ],
    bottomLine: { currency: "NOK" as const, posId: "kasse1", receiptNumber: "000045" },
  };

  it("adds the final receipt once: 201, then a repeat is VIPPS_CONFLICT (409) and changes nothing", async () => {
    const reference = "kasse1-20260821-000045";
    await capturedHold(reference);
    await client.orderManagement.addReceipt(reference, finalReceipt, { currency: "NOK", value: 4900 });
    expect(sim.control.order(reference)).toMatchObject({ receipt: finalReceipt, source: "order-management" });
    const again: unknown = await client.orderManagement
      .addReceipt(reference, finalReceipt, { currency: "NOK", value: 4900 })
      .catch((e: unknown) => e);
    expect(isVippsError(again, "VIPPS_CONFLICT")).toBe(true);
    expect(sim.control.order(reference).receipt).toEqual(finalReceipt);
  });

  it("retries an answer lost after Vipps kept the receipt: the repeat is answered 409, the receipt stored once", async () => {
    const reference = "kasse1-20260821-000046";
    await capturedHold(reference);
    sim.control.addFault({ endpoint: "order-management.receipt.add", drop: "after", times: 1 });
    const sent = client.orderManagement
      .addReceipt(reference, finalReceipt, { currency: "NOK", value: 4900 })
      .catch((e: unknown) => e);
    await vi.waitFor(() => expect(clock.pending).toBeGreaterThan(0));
    clock.advance(1_000);
    expect(isVippsError(await sent, "VIPPS_CONFLICT")).toBe(true);
    const posts = sim.control.requests().filter((r) => r.endpoint === "order-management.receipt.add");
    expect(posts.map((r) => r.status)).toEqual(["dropped", 409]);
    expect(sim.control.order(reference).receipt).toEqual(finalReceipt);
  });

  it("refuses, before sending, a receipt whose lines do not add up to what was paid", async () => {
    const reference = "kasse1-20260821-000047";
    await capturedHold(reference);
    const error: unknown = await client.orderManagement
      .addReceipt(reference, finalReceipt, { currency: "NOK", value: 4800 })
      .catch((e: unknown) => e);
    expect(isVippsError(error, "VIPPS_INVALID_ARGUMENT")).toBe(true);
    expect(sim.control.requests().filter((r) => r.endpoint === "order-management.receipt.add")).toEqual([]);
    expect(sim.control.order(reference).receipt).toBeUndefined();
  });
});
