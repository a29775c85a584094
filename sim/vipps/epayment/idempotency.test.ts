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
beforeEach(async () => {
  t = await startTestVippsSim();
  api = new SimApi(t.sim.url, t.unit);
});
afterEach(async () => {
  await t.close();
});

const REF = "kasse1-idem-0001";
const NOK = (value: number) => ({ currency: "NOK", value });
const errorCode = (a: ApiAnswer): string | undefined =>
  (a.body as { extraDetails?: { name: string; reason: string }[] }).extraDetails?.find(
    (d) => d.name === "ErrorCode",
  )?.reason;
const body = (value = 10_000, reference = REF) =>
  createBody(t.unit, reference, { phoneNumber: "4791234567" }, value);
const create = (key: string, b: unknown = body()) =>
  api.call("POST", "/epayment/v1/payments", { body: b, idempotencyKey: key });
const modify = (op: "capture" | "refund" | "cancel", key: string, b?: unknown, reference = REF) =>
  api.call("POST", `/epayment/v1/payments/${reference}/${op}`, {
    ...(b === undefined ? {} : { body: b }),
    idempotencyKey: key,
  });
const events = () => t.sim.control.payment(REF).events.map((e) => e.name);

describe("Idempotency-Key", () => {
  it("replays a create with the same key and body: same answer, one payment, one CREATED event", async () => {
    const first = await create("create-1");
    const again = await create("create-1", JSON.parse(JSON.stringify(body())) as unknown);
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(t.sim.control.payments()).toHaveLength(1);
    expect(events()).toEqual(["CREATED"]);
  });

  it("treats key order and whitespace as the same body", async () => {
    await create("create-1");
    const reordered = Object.fromEntries(Object.entries(body()).reverse());
    const again = await api.call("POST", "/epayment/v1/payments", {
      body: JSON.stringify(reordered, null, 2),
      idempotencyKey: "create-1",
    });
    expect(again.status).toBe(201);
    expect(t.sim.control.payments()).toHaveLength(1);
  });

  it("refuses the same key with another body (409, 4020) and changes nothing", async () => {
    await create("create-1");
    const other = await create("create-1", body(20_000));
    expect(other.status).toBe(409);
    expect(errorCode(other)).toBe("4020");
    expect(t.sim.control.payment(REF).amount.value).toBe(10_000);
  });

  it("replays a capture: captured once, the same answer", async () => {
    await create("create-1");
    t.sim.control.approvePayment(REF);
    const first = await modify("capture", "capture-1", { modificationAmount: NOK(4_000) });
    const again = await modify("capture", "capture-1", { modificationAmount: NOK(4_000) });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(t.sim.control.payment(REF).captured).toBe(4_000);
    expect(events()).toEqual(["CREATED", "AUTHORIZED", "CAPTURED"]);
  });

  it("refuses a capture retry with a changed amount (409, 4010)", async () => {
    await create("create-1");
    t.sim.control.approvePayment(REF);
    await modify("capture", "capture-1", { modificationAmount: NOK(4_000) });
    const changed = await modify("capture", "capture-1", { modificationAmount: NOK(5_000) });
    expect(changed.status).toBe(409);
    expect(errorCode(changed)).toBe("4010");
    expect(t.sim.control.payment(REF).captured).toBe(4_000);
  });

  it("refuses a refund retry with a changed amount (409, 4150)", async () => {
    await create("create-1");
    t.sim.control.approvePayment(REF);
    await modify("capture", "capture-1", { modificationAmount: NOK(4_000) });
    await modify("refund", "refund-1", { modificationAmount: NOK(1_000) });
    const changed = await modify("refund", "refund-1", { modificationAmount: NOK(2_000) });
    expect(changed.status).toBe(409);
    expect(errorCode(changed)).toBe("4150");
    expect(t.sim.control.payment(REF).refunded).toBe(1_000);
  });

  it("refuses a key reused for another operation (409, 4020)", async () => {
    await create("create-1");
    t.sim.control.approvePayment(REF);
    await modify("capture", "key-1", { modificationAmount: NOK(4_000) });
    const refund = await modify("refund", "key-1", { modificationAmount: NOK(4_000) });
    expect(refund.status).toBe(409);
    expect(errorCode(refund)).toBe("4020");
    expect(errorCode(await modify("cancel", "create-1"))).toBe("4020");
  });

  it("replays a cancel", async () => {
    await create("create-1");
    const first = await modify("cancel", "cancel-1", { cancelTransactionOnly: true });
    const again = await modify("cancel", "cancel-1", { cancelTransactionOnly: true });
    expect(again.body).toEqual(first.body);
    expect(events()).toEqual(["CREATED", "TERMINATED"]);
  });

  it("binds a 4xx answer to its key: the same retry gets the same refusal, a new key is needed", async () => {
    await create("create-1");
    const early = await modify("capture", "capture-1", { modificationAmount: NOK(4_000) });
    expect(errorCode(early)).toBe("6080");
    t.sim.control.approvePayment(REF);
    const retried = await modify("capture", "capture-1", { modificationAmount: NOK(4_000) });
    expect(retried.text).toBe(early.text);
    expect((await modify("capture", "capture-2", { modificationAmount: NOK(4_000) })).status).toBe(200);
  });

  it("keeps keys per sales unit", async () => {
    await create("shared-key");
    const dkUnit = t.sim.salesUnits[1];
    if (dkUnit === undefined) throw new Error("no DKK unit");
    const dk = new SimApi(t.sim.url, dkUnit);
    const a = await dk.call("POST", "/epayment/v1/payments", {
      body: createBody(dkUnit, REF, { phoneNumber: "4512345678" }, 500),
      idempotencyKey: "shared-key",
    });
    expect(a.status).toBe(201);
  });

  it("is required on capture, cancel and refund", async () => {
    await create("create-1");
    t.sim.control.approvePayment(REF);
    for (const op of ["capture", "refund", "cancel"] as const) {
      const a = await api.call("POST", `/epayment/v1/payments/${REF}/${op}`, {
        body: { modificationAmount: NOK(100) },
      });
      expect(a.status, op).toBe(400);
    }
    expect(t.sim.control.payment(REF).captured).toBe(0);
  });
});

describe("rate limits", () => {
  it("allows 5 captures per minute per reference, then 429 with Retry-After", async () => {
    await create("c");
    t.sim.control.approvePayment(REF);
    for (let i = 0; i < 5; i++)
      expect((await modify("capture", `cap-${i}`, { modificationAmount: NOK(100) })).status).toBe(200);
    t.clock.advance(20_000);
    const limited = await modify("capture", "cap-5", { modificationAmount: NOK(100) });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("40");
    expect(t.sim.control.payment(REF).captured).toBe(500);
    // Another reference has its own budget.
    expect((await create("other", body(10_000, "kasse1-idem-0002"))).status).toBe(201);
    t.clock.advance(40_000);
    expect((await modify("capture", "cap-5", { modificationAmount: NOK(100) })).status).toBe(200);
  });

  it("counts each operation on its own: create, capture ×2, refund ×2 and the cancel all pass", async () => {
    // Five calls of one operation use up that operation only, as Vipps counts them.
    for (let i = 0; i < 5; i++) expect((await create("c")).status).toBe(201);
    expect((await create("c")).status).toBe(429);
    t.sim.control.approvePayment(REF);
    const answers = [
      await modify("capture", "cap-1", { modificationAmount: NOK(3_000) }),
      await modify("capture", "cap-2", { modificationAmount: NOK(3_000) }),
      await modify("refund", "ref-1", { modificationAmount: NOK(1_000) }),
      await modify("refund", "ref-2", { modificationAmount: NOK(1_000) }),
      await modify("cancel", "cancel-1"),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(t.sim.control.payment(REF)).toMatchObject({ captured: 6_000, refunded: 2_000, cancelled: 4_000 });
    for (let i = 3; i < 6; i++)
      expect((await modify("refund", `ref-${i}`, { modificationAmount: NOK(100) })).status).toBe(200);
    expect((await modify("refund", "ref-6", { modificationAmount: NOK(100) })).status).toBe(429);
    expect((await modify("capture", "cap-3", { modificationAmount: NOK(100) })).status).not.toBe(429);
  });

  it("counts replays too, but not refused requests", async () => {
    await create("c");
    for (let i = 0; i < 4; i++) expect((await create("c")).status).toBe(201);
    expect((await create("c")).status).toBe(429);
    t.clock.advance(59_999);
    expect((await create("c")).status).toBe(429);
    t.clock.advance(1);
    expect((await create("c")).status).toBe(201);
  });

  it("puts every create without a valid reference on one budget", async () => {
    const noRef = (i: number) => create(`bad-${i}`, { ...body(), reference: undefined });
    for (let i = 0; i < 5; i++) expect((await noRef(i)).status).toBe(400);
    expect((await noRef(5)).status).toBe(429);
  });

  it("allows 120 GETs of the payment and 120 of its event log per minute per reference", async () => {
    await create("c");
    for (const path of [`/epayment/v1/payments/${REF}`, `/epayment/v1/payments/${REF}/events`]) {
      const results: number[] = [];
      for (let i = 0; i < 120; i++) results.push((await api.call("GET", path)).status);
      expect(results.every((s) => s === 200)).toBe(true);
      const limited = await api.call("GET", path);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    t.clock.advance(60_000);
    expect((await api.call("GET", `/epayment/v1/payments/${REF}`)).status).toBe(200);
  });
});
