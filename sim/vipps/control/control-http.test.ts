import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  answerOf,
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
  await api.call("PUT", "/qr/v1/merchant-callback/kasse1", { body: { locationDescription: "Kasse 1" } });
});
afterEach(async () => {
  await t.close();
});

async function sim(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const init: RequestInit =
    body === undefined
      ? { method }
      : {
          method,
          headers: { "Content-Type": "application/json" },
          body: typeof body === "string" ? body : JSON.stringify(body),
        };
  return answerOf(await fetch(`${t.sim.url}/_sim${path}`, init));
}

const REF = "kasse1-ctl-00001";
const createPayment = (reference = REF) =>
  api.call("POST", "/epayment/v1/payments", {
    body: createBody(t.unit, reference, { phoneNumber: "4791234567" }),
    idempotencyKey: reference,
  });

describe("the control API over HTTP", () => {
  it("describes the sales units without their secrets", async () => {
    const a = await sim("GET", "");
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({
      salesUnits: [{ msn: t.unit.msn, currency: "NOK", clientId: t.unit.clientId }, { currency: "DKK" }],
    });
    expect(a.text).not.toContain(t.unit.clientSecret);
    expect(a.text).not.toContain(t.unit.subscriptionKey);
  });

  it("scans a QR by its content and returns the customer token", async () => {
    const qr = (await sim("GET", "/qrs")).body as { qrContent: string }[];
    const a = await sim("POST", "/scan", { msisdn: "4791234567", qrContent: qr[0]?.qrContent });
    expect(a.status).toBe(200);
    const scan = a.body as { customerToken: string; merchantQrId: string; msn: string };
    expect(scan).toMatchObject({ merchantQrId: "kasse1", msn: t.unit.msn });
    const exchange = await api.call("POST", "/qr/v1/exchange/customer", {
      body: { customer: { customerToken: scan.customerToken }, requestedData: ["MSISDN"] },
    });
    expect(exchange.body).toMatchObject({ msisdn: "4791234567" });
  });

  it("answers 400, 404 and 409 for bad control calls", async () => {
    expect((await sim("POST", "/scan", "{")).status).toBe(400);
    expect(
      (await sim("POST", "/scan", { msisdn: "123", msn: t.unit.msn, merchantQrId: "kasse1" })).status,
    ).toBe(400);
    const missing = await sim("POST", "/scan", {
      msisdn: "4791234567",
      msn: t.unit.msn,
      merchantQrId: "nope",
    });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: "SIM_NOT_FOUND" });
    expect((await sim("POST", `/payments/${REF}/approve`)).status).toBe(404);
    await createPayment();
    expect((await sim("POST", `/payments/${REF}/decline`)).status).toBe(200);
    expect((await sim("POST", `/payments/${REF}/approve`)).body).toMatchObject({ error: "SIM_CONFLICT" });
    expect((await sim("GET", "/nothing-here")).status).toBe(404);
  });

  it("plays the customer: approve, decline, ignore, expire, and lists payments", async () => {
    await createPayment();
    expect((await sim("POST", `/payments/${REF}/approve`, { msn: t.unit.msn })).body).toMatchObject({
      state: "AUTHORIZED",
    });
    await createPayment("kasse1-ctl-00002");
    expect((await sim("POST", "/payments/kasse1-ctl-00002/ignore")).status).toBe(200);
    expect((await sim("GET", "/payments")).body).toHaveLength(2);
    // Expire: at once, as the expiry timer would; only a payment still waiting for the customer.
    expect((await sim("POST", "/payments/kasse1-ctl-00002/expire")).body).toMatchObject({ state: "EXPIRED" });
    expect((await sim("POST", "/payments/kasse1-ctl-00002/expire")).body).toMatchObject({
      error: "SIM_CONFLICT",
    });
    expect((await sim("POST", `/payments/${REF}/expire`)).body).toMatchObject({ error: "SIM_CONFLICT" });
    expect((await sim("GET", `/payments/${REF}?msn=${t.unit.msn}`)).body).toMatchObject({
      reference: REF,
      captured: 0,
    });
  });

  it("ages a settled payment: its events dated that many days earlier, as the events API shows them", async () => {
    await createPayment();
    expect((await sim("POST", `/payments/${REF}/age`, { days: 400 })).body).toMatchObject({
      error: "SIM_CONFLICT",
    });
    await sim("POST", `/payments/${REF}/approve`);
    const before = (await api.call("GET", `/epayment/v1/payments/${REF}/events`)).body as {
      name: string;
      timestamp: string;
    }[];
    for (const days of [0, 1.5, "400", 3_651])
      expect((await sim("POST", `/payments/${REF}/age`, { days })).status).toBe(400);
    expect((await sim("POST", "/payments/kasse1-nosuch-1/age", { days: 1 })).status).toBe(404);
    const aged = await sim("POST", `/payments/${REF}/age`, { days: 400 });
    expect(aged.status).toBe(200);
    expect(aged.body).toMatchObject({ reference: REF, state: "AUTHORIZED" });
    const after = (await api.call("GET", `/epayment/v1/payments/${REF}/events`)).body as typeof before;
    expect(after.map((e) => e.name)).toEqual(["CREATED", "AUTHORIZED"]);
    after.forEach((e, i) =>
      expect(Date.parse(before[i]?.timestamp ?? "") - Date.parse(e.timestamp)).toBe(400 * 86_400_000),
    );
  });

  it("configures customers and the default behaviour", async () => {
    expect((await sim("PUT", "/customers/4700000001", { status: "unknown" })).status).toBe(204);
    const refused = await api.call("POST", "/epayment/v1/payments", {
      body: createBody(t.unit, REF, { phoneNumber: "4700000001" }),
      idempotencyKey: "x",
    });
    expect(refused.text).toContain("7010");
    expect((await sim("PUT", "/customers/4700000001", { status: "sleepy" })).status).toBe(400);
    expect(JSON.stringify(t.sim.control.requests())).not.toContain("4700000001");
    expect(
      (await sim("PUT", "/default-behaviour", { payment: { action: "approve", afterMs: 100 } })).status,
    ).toBe(204);
    expect((await sim("PUT", "/default-behaviour", { payment: { action: "shrug" } })).status).toBe(400);
    await createPayment();
    t.clock.advance(100);
    expect(t.sim.control.payment(REF).state).toBe("AUTHORIZED");
  });

  it("decides logins", async () => {
    const start = await answerOf(
      await fetch(`${t.sim.url}/vipps-login-ciba/api/backchannel/authentication`, {
        method: "POST",
        headers: {
          Authorization: `Basic ${Buffer.from(`${t.unit.clientId}:${t.unit.clientSecret}`).toString("base64")}`,
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: "scope=openid&login_hint=urn:msisdn:4791234567",
      }),
    );
    const id = (start.body as { auth_req_id: string }).auth_req_id;
    expect((await sim("GET", "/logins")).body).toMatchObject([{ authReqId: id, decision: "pending" }]);
    expect((await sim("POST", `/logins/${id}/approve`)).body).toMatchObject({ decision: "approved" });
    expect((await sim("POST", `/logins/${id}/decline`)).status).toBe(409);
    expect((await sim("POST", "/logins/nope/ignore")).status).toBe(404);
  });

  it("manages fault rules and webhook faults", async () => {
    const added = await sim("POST", "/faults", { endpoint: "qr.callback.list", status: 500 });
    expect(added.status).toBe(201);
    const { id } = added.body as { id: string };
    expect((await api.call("GET", "/qr/v1/merchant-callback")).status).toBe(500);
    expect((await sim("GET", "/faults")).body).toMatchObject([{ id, hits: 1 }]);
    expect((await sim("DELETE", `/faults/${id}`)).status).toBe(204);
    expect((await sim("DELETE", `/faults/${id}`)).status).toBe(404);
    await sim("POST", "/faults", { endpoint: "*", drop: "before" });
    expect((await sim("DELETE", "/faults")).status).toBe(204);
    expect((await api.call("GET", "/qr/v1/merchant-callback")).status).toBe(200);
    expect((await sim("POST", "/faults", { endpoint: "*", status: 418 })).status).toBe(400);
    expect((await sim("PUT", "/webhook-faults", { delayMs: 100, duplicateRate: 0.5 })).status).toBe(204);
    expect((await sim("GET", "/webhook-faults")).body).toEqual({ delayMs: 100, duplicateRate: 0.5 });
    expect((await sim("PUT", "/webhook-faults", { reorder: "yes" })).status).toBe(400);
  });

  it("shows deliveries, registrations and the request log", async () => {
    await api.call("POST", "/webhooks/v1/webhooks", {
      body: { url: "http://127.0.0.1:9/unreachable", events: ["user.checked-in.v1"] },
    });
    await sim("POST", "/scan", { msisdn: "4791234567", msn: t.unit.msn, merchantQrId: "kasse1" });
    expect((await sim("GET", "/webhooks")).body).toMatchObject([
      { url: "http://127.0.0.1:9/unreachable", events: ["user.checked-in.v1"] },
    ]);
    expect((await sim("GET", "/webhooks")).text).not.toMatch(/secret/);
    expect((await sim("GET", "/deliveries?event=user.checked-in.v1")).body).toHaveLength(1);
    expect((await sim("GET", "/deliveries?state=delivered")).body).toEqual([]);
    expect((await sim("GET", "/deliveries?state=lost")).status).toBe(400);
    const log = (await sim("GET", "/requests")).body as { endpoint: string; status: number }[];
    expect(log.slice(0, 2).map((r) => [r.endpoint, r.status])).toEqual([
      ["accesstoken", 200],
      ["qr.callback.put", 200],
    ]);
    expect(log.some((r) => r.endpoint === "webhooks.register" && r.status === 201)).toBe(true);
    expect(log.some((r) => r.endpoint.startsWith("control."))).toBe(true);
  });
});
