import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { componentValidator } from "../../../test/contract/spec-registry.js";
import {
  createBody,
  SimApi,
  startTestVippsSim,
  type ApiAnswer,
  type TestVippsSim,
} from "../../../test/helpers/vipps-sim.js";

/** Order Management's receipts over HTTP, as order-management.yaml documents them. */

// Compiling the specs takes seconds of synchronous work: done before any connection is open.
const orderSchema = (() => {
  let validate: ReturnType<typeof componentValidator> | undefined;
  beforeAll(() => {
    validate = componentValidator("order-management", "OrderV2Response");
  }, 60_000);
  return (value: unknown): boolean => validate?.(value) === true;
})();

let t: TestVippsSim;
let api: SimApi;
let dk: SimApi;
let key = 0;
beforeEach(async () => {
  t = await startTestVippsSim();
  api = new SimApi(t.sim.url, t.unit);
  dk = new SimApi(t.sim.url, t.sim.salesUnits[1] ?? t.unit);
});
afterEach(async () => {
  await t.close();
});

const REF = "kasse1-order-01";
const RECEIPT = {
  orderLines: [
    {
      name: "Blyfri 95",
      id: "fuel",
      totalAmount: 22995,
      totalAmountExcludingTax: 18396,
      totalTaxAmount: 4599,
      taxRate: 2500,
      unitInfo: { unitPrice: 2190, quantity: "10.5", quantityUnit: "LITRE" },
    },
  ],
  bottomLine: { currency: "NOK", posId: "kasse1", receiptNumber: "000042" },
};

const create = (extra: Record<string, unknown> = {}, reference = REF): Promise<ApiAnswer> =>
  api.call("POST", "/epayment/v1/payments", {
    body: { ...createBody(t.unit, reference, { phoneNumber: "4791234567" }, 22995), ...extra },
    idempotencyKey: `key-${++key}`,
  });
const post = (body: unknown, orderId = REF, sim = api, type = "ECOM"): Promise<ApiAnswer> =>
  sim.call("POST", `/order-management/v2/${type}/receipts/${orderId}`, { body });
const get = (orderId = REF, sim = api): Promise<ApiAnswer> =>
  sim.call("GET", `/order-management/v2/ECOM/${orderId}`);
const fields = (a: ApiAnswer): string[] =>
  ((a.body as { invalidParams?: { name: string }[] }).invalidParams ?? []).map((d) => d.name);

describe("Order Management receipts", () => {
  it("201 for a payment without a receipt; the order then shows it, and a second one is 409", async () => {
    expect((await create()).status).toBe(201);
    expect(await get()).toMatchObject({ status: 200, body: {} });
    const added = await post(RECEIPT);
    expect(added.status).toBe(201);
    expect(typeof added.body).toBe("string");
    const order = await get();
    expect(order.status).toBe(200);
    expect(order.body).toEqual({ receipt: RECEIPT });
    expect(orderSchema(order.body)).toBe(true);
    expect(t.sim.control.order(REF)).toMatchObject({ receipt: RECEIPT, source: "order-management" });

    const again = await post({ ...RECEIPT, bottomLine: { ...RECEIPT.bottomLine, receiptNumber: "000043" } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ title: "Conflict", detail: "This order already has a receipt." });
    expect((await get()).body).toEqual({ receipt: RECEIPT });
  });

  it("a receipt sent with the create is the order's: a later POST is 409 and changes nothing", async () => {
    expect((await create({ receipt: RECEIPT })).status).toBe(201);
    expect(t.sim.control.order(REF)).toMatchObject({ receipt: RECEIPT, source: "epayment.create" });
    const other = { ...RECEIPT, orderLines: [{ ...RECEIPT.orderLines[0], name: "Diesel" }] };
    expect((await post(other)).status).toBe(409);
    expect((await get()).body).toEqual({ receipt: RECEIPT });
  });

  it("400 for a body that is no Receipt, naming each field; nothing is stored", async () => {
    await create();
    const bad = await post({
      orderLines: [{ name: "", id: "x", totalAmount: 1.5, totalTaxAmount: 0, totalAmountExcludingTax: 0 }],
      bottomLine: { currency: "DKK" },
    });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(
      expect.arrayContaining([
        "(body).orderLines[0].name",
        "(body).orderLines[0].totalAmount",
        "(body).orderLines[0].taxRate",
        "(body).bottomLine.currency",
      ]),
    );
    expect((await post({ orderLines: [], bottomLine: { currency: "NOK" } })).status).toBe(400);
    expect((await post("not a receipt")).status).toBe(400);
    expect((await post(RECEIPT, "bad/id")).status).toBe(404);
    expect((await post(RECEIPT, REF, api, "CARD")).status).toBe(400);
    expect((await get()).body).toEqual({});
  });

  it("404 for an order id that is no payment of this sales unit (another unit's, or none)", async () => {
    await create();
    expect((await post(RECEIPT, "kasse1-order-99")).status).toBe(404);
    expect((await post(RECEIPT, REF, dk)).status).toBe(404);
    expect((await get(REF, dk)).status).toBe(404);
    expect((await post(RECEIPT, REF, api, "RECURRING")).status).toBe(404);
    expect(t.sim.control.order(REF).receipt).toBeUndefined();
  });

  it("checks credentials like every merchant API", async () => {
    await create();
    const noKey = await api.call("POST", `/order-management/v2/ECOM/receipts/${REF}`, {
      body: RECEIPT,
      headers: { "Ocp-Apim-Subscription-Key": undefined },
    });
    expect(noKey.status).toBe(401);
    expect(t.sim.control.order(REF).receipt).toBeUndefined();
  });
});
