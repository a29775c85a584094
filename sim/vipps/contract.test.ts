import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apiForPath, validateResponse, validateWebhookPayload } from "../../test/contract/openapi.js";
import {
  createBody,
  settleDeliveries,
  startTestVippsSim,
  startWebhookReceiver,
  type TestVippsSim,
  type WebhookReceiver,
} from "../../test/helpers/vipps-sim.js";
import { ENDPOINTS, type SalesUnit } from "./index.js";

/**
 * Contract: every response the simulator gives — successes and errors, every endpoint — and
 * every webhook it delivers validates against the official specs (test/contract/openapi.ts, with
 * the SOURCES.md deltas applied there).
 */
const covered = new Map<string, Set<"ok" | "error">>();
let t: TestVippsSim;
let receiver: WebhookReceiver;
let problems: string[];
let token: string;
beforeEach(async () => {
  t = await startTestVippsSim({ login: { maxConcurrentPerUser: 1 } });
  receiver = await startWebhookReceiver();
  problems = [];
  token = "";
});
afterEach(async () => {
  await t.close();
  await receiver.close();
});

interface Sent {
  readonly status: number;
  readonly body: unknown;
}

/** Sends a request, validates the answer against the spec of its API, records the coverage. */
async function call(
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string } = {},
): Promise<Sent> {
  const res = await fetch(`${t.sim.url}${path}`, { method, ...init });
  const text = await res.text();
  const api = apiForPath(path);
  if (api === undefined) throw new Error(`no spec for ${path}`);
  const contentType = res.headers.get("content-type") ?? undefined;
  const found = validateResponse(api, method, path, res.status, {
    ...(contentType === undefined ? {} : { contentType }),
    body: text,
  });
  problems.push(...found.map((p) => `${method} ${path} → ${res.status}: ${p}`));
  const endpoint = t.sim.control.requests().at(-1)?.endpoint ?? "unknown";
  const kinds = covered.get(endpoint) ?? new Set();
  kinds.add(res.status < 400 ? "ok" : "error");
  covered.set(endpoint, kinds);
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body };
}

function headers(unit: SalesUnit = t.unit, extra: Record<string, string> = {}): Record<string, string> {
  return {
    Authorization: `Bearer ${token}`,
    "Ocp-Apim-Subscription-Key": unit.subscriptionKey,
    "Merchant-Serial-Number": unit.msn,
    ...extra,
  };
}
const json = (unit: SalesUnit, body: unknown, extra: Record<string, string> = {}) => ({
  headers: headers(unit, { "Content-Type": "application/json", ...extra }),
  body: JSON.stringify(body),
});

async function login(unit: SalesUnit = t.unit): Promise<void> {
  const a = await call("POST", "/accesstoken/get", {
    headers: {
      client_id: unit.clientId,
      client_secret: unit.clientSecret,
      "Ocp-Apim-Subscription-Key": unit.subscriptionKey,
    },
  });
  token = (a.body as { access_token: string }).access_token;
}

describe("every simulator response validates against the official specs", () => {
  it("access token", async () => {
    const u = t.unit;
    await login();
    await call("POST", "/accesstoken/get", {
      headers: {
        client_id: u.clientId,
        client_secret: "wrong",
        "Ocp-Apim-Subscription-Key": u.subscriptionKey,
      },
    });
    await call("POST", "/accesstoken/get", {
      headers: { client_secret: u.clientSecret, "Ocp-Apim-Subscription-Key": u.subscriptionKey },
    });
    await call("POST", "/accesstoken/get", {
      headers: { client_id: u.clientId, client_secret: u.clientSecret },
    });
    expect(problems).toEqual([]);
  });

  it("QR merchant callback and customer exchange", async () => {
    await login();
    const u = t.unit;
    const base = "/qr/v1/merchant-callback";
    await call("PUT", `${base}/kasse1`, json(u, { locationDescription: "Kasse 1" }));
    await call("PUT", `${base}/kasse1`, json(u, { locationDescription: "x".repeat(37) }));
    await call("GET", `${base}/kasse1`, { headers: headers() });
    await call("GET", `${base}/kasse1?QrImageFormat=PNG&QrImageSize=300`, { headers: headers() });
    await call("GET", `${base}/kasse1?QrImageFormat=GIF`, { headers: headers() });
    await call("GET", `${base}/nope`, { headers: headers() });
    await call("GET", base, { headers: headers() });
    await call("GET", base, { headers: headers(u, { Authorization: "Bearer nope" }) });
    await call("GET", base, {
      headers: headers(u, { "Merchant-Serial-Number": t.sim.salesUnits[1]?.msn ?? "" }),
    });
    const { customerToken } = t.sim.control.scan({
      msisdn: "4791234567",
      msn: u.msn,
      merchantQrId: "kasse1",
    });
    await call(
      "POST",
      "/qr/v1/exchange/customer",
      json(u, { customer: { customerToken }, requestedData: ["MSISDN"] }),
    );
    await call(
      "POST",
      "/qr/v1/exchange/customer",
      json(u, { customer: { customerToken: "bm9wZQ==" }, requestedData: ["MSISDN"] }),
    );
    await call("POST", "/qr/v1/exchange/customer", json(u, { requestedData: ["MSISDN"] }));
    await call("DELETE", `${base}/kasse1`, { headers: headers() });
    await call("DELETE", `${base}/kasse1`, { headers: headers() });
    expect(problems).toEqual([]);
  });

  it("webhooks, and the payloads they deliver", async () => {
    await login();
    const u = t.unit;
    const events = [
      "user.checked-in.v1",
      "epayments.payment.created.v1",
      "epayments.payment.authorized.v1",
      "epayments.payment.captured.v1",
      "epayments.payment.refunded.v1",
      "epayments.payment.cancelled.v1",
      "epayments.payment.aborted.v1",
      "epayments.payment.terminated.v1",
      "epayments.payment.expired.v1",
    ];
    const reg = await call("POST", "/webhooks/v1/webhooks", json(u, { url: receiver.url, events }));
    await call("POST", "/webhooks/v1/webhooks", json(u, { url: "http://example.com/x", events }));
    await call(
      "POST",
      "/webhooks/v1/webhooks",
      json(u, { url: receiver.url, events: ["user.checked-in.v1"] }),
    );
    await call("GET", "/webhooks/v1/webhooks", { headers: headers() });
    await call("GET", "/webhooks/v1/webhooks", { headers: headers(u, { "Ocp-Apim-Subscription-Key": "x" }) });
    await call("PUT", "/qr/v1/merchant-callback/kasse1", json(u, { locationDescription: "Kasse 1" }));
    const { customerToken } = t.sim.control.scan({
      msisdn: "4791234567",
      msn: u.msn,
      merchantQrId: "kasse1",
    });
    const pay = async (ref: string) =>
      call(
        "POST",
        "/epayment/v1/payments",
        json(u, createBody(u, ref, { customerToken }), { "Idempotency-Key": ref }),
      );
    const modify = (ref: string, op: string, body: unknown, key: string) =>
      call("POST", `/epayment/v1/payments/${ref}/${op}`, json(u, body, { "Idempotency-Key": key }));
    await pay("kasse1-hooks-001");
    t.sim.control.approvePayment("kasse1-hooks-001");
    await modify(
      "kasse1-hooks-001",
      "capture",
      { modificationAmount: { currency: "NOK", value: 4000 } },
      "c1",
    );
    await modify(
      "kasse1-hooks-001",
      "refund",
      { modificationAmount: { currency: "NOK", value: 1000 } },
      "r1",
    );
    await modify("kasse1-hooks-001", "cancel", {}, "x1");
    await pay("kasse1-hooks-002");
    t.sim.control.declinePayment("kasse1-hooks-002");
    await pay("kasse1-hooks-003");
    await modify("kasse1-hooks-003", "cancel", { cancelTransactionOnly: true }, "x3");
    await pay("kasse1-hooks-004");
    // Let every delivery finish before jumping the clock: a 10-minute jump would time out an
    // attempt still in flight (the simulator's webhook timeout runs on the same clock).
    await settleDeliveries(t.sim);
    t.clock.advance(600_000);
    const hooks = await receiver.waitFor(12);
    const names = hooks.map((h) => (h.json.name as string | undefined) ?? "CHECKED_IN");
    expect(names).toEqual([
      "CHECKED_IN",
      "CREATED",
      "AUTHORIZED",
      "CAPTURED",
      "REFUNDED",
      "CANCELLED",
      "CREATED",
      "ABORTED",
      "CREATED",
      "TERMINATED",
      "CREATED",
      "EXPIRED",
    ]);
    for (const [i, hook] of hooks.entries()) {
      const event =
        hook.json.name === undefined
          ? "user.checked-in.v1"
          : `epayments.payment.${(hook.json.name as string).toLowerCase()}.v1`;
      problems.push(
        ...validateWebhookPayload(event, hook.rawBody.toString("utf8")).map(
          (p) => `webhook ${i} ${event}: ${p}`,
        ),
      );
    }
    await call("DELETE", `/webhooks/v1/webhooks/${(reg.body as { id: string }).id}`, { headers: headers() });
    await call("DELETE", `/webhooks/v1/webhooks/${(reg.body as { id: string }).id}`, { headers: headers() });
    await call("DELETE", "/webhooks/v1/webhooks/not-a-uuid", { headers: headers() });
    expect(problems).toEqual([]);
  });

  it("ePayment", async () => {
    await login();
    const u = t.unit;
    const REF = "kasse1-contract-1";
    const create = (body: unknown, key: string) =>
      call("POST", "/epayment/v1/payments", json(u, body, { "Idempotency-Key": key }));
    const modify = (op: string, body: unknown, key: string, ref = REF) =>
      call("POST", `/epayment/v1/payments/${ref}/${op}`, json(u, body, { "Idempotency-Key": key }));
    await create(createBody(u, REF, { phoneNumber: "4791234567" }, 10_000), "k1");
    await create(
      {
        ...createBody(u, "kasse1-contract-2", {}),
        customer: undefined,
        userFlow: "WEB_REDIRECT",
        returnUrl: "https://example.com/r",
      },
      "k2",
    );
    await create(
      { ...createBody(u, "kasse1-contract-3", { phoneNumber: "4791234567" }), reference: "short" },
      "k3",
    );
    await create(
      {
        ...createBody(u, "kasse1-contract-3", { phoneNumber: "4791234567" }),
        amount: { currency: "NOK", value: 50 },
      },
      "k4",
    );
    await create(createBody(u, REF, { phoneNumber: "4791234567" }, 20_000), "k1");
    await create(createBody(u, REF, { phoneNumber: "4791234567" }), "k5");
    await call(
      "POST",
      "/epayment/v1/payments",
      json(u, createBody(u, "kasse1-contract-4", { phoneNumber: "4791234567" })),
    );
    await call("GET", `/epayment/v1/payments/${REF}`, { headers: headers() });
    await call("GET", "/epayment/v1/payments/kasse1-contract-404", { headers: headers() });
    await call("GET", `/epayment/v1/payments/${REF}`, { headers: headers(u, { Authorization: "nope" }) });
    await modify("capture", { modificationAmount: { currency: "NOK", value: 100 } }, "early");
    await call(
      "POST",
      `/epayment/v1/test/payments/${REF}/approve`,
      json(u, { customer: { phoneNumber: "4798765432" } }),
    );
    await call(
      "POST",
      `/epayment/v1/test/payments/${REF}/approve`,
      json(u, { customer: { phoneNumber: "4791234567" } }),
    );
    await modify("cancel", { cancelTransactionOnly: true }, "cto");
    await modify("capture", { modificationAmount: { currency: "NOK", value: 6_000 } }, "c1");
    await modify("capture", { modificationAmount: { currency: "NOK", value: 7_000 } }, "c1");
    await modify("refund", { modificationAmount: { currency: "NOK", value: 9_000 } }, "r0");
    t.clock.advance(60_000);
    await modify("refund", { modificationAmount: { currency: "NOK", value: 1_000 } }, "r1");
    await modify("cancel", {}, "x1");
    await modify("capture", { modificationAmount: { currency: "NOK", value: 100 } }, "c2");
    await call("GET", `/epayment/v1/payments/${REF}`, { headers: headers() });
    await call("GET", `/epayment/v1/payments/${REF}/events`, { headers: headers() });
    await call("GET", "/epayment/v1/payments/kasse1-contract-404/events", { headers: headers() });
    for (let i = 0; i < 5; i++)
      await modify("capture", { modificationAmount: { currency: "NOK", value: 1 } }, `burst-${i}`);
    t.sim.control.addFault({ endpoint: "epayment.get", status: 503, times: 1 });
    t.sim.control.addFault({ endpoint: "epayment.events", status: 423, times: 1 });
    t.sim.control.addFault({ endpoint: "epayment.refund", status: 500, times: 1 });
    await call("GET", `/epayment/v1/payments/${REF}`, { headers: headers() });
    await call("GET", `/epayment/v1/payments/${REF}/events`, { headers: headers() });
    t.clock.advance(60_000);
    await modify("refund", { modificationAmount: { currency: "NOK", value: 1 } }, "r9");
    expect(problems).toEqual([]);
  });

  it("Login and userinfo", async () => {
    await login();
    const u = t.unit;
    const basic = {
      Authorization: `Basic ${Buffer.from(`${u.clientId}:${u.clientSecret}`).toString("base64")}`,
      "Content-Type": "application/x-www-form-urlencoded",
    };
    const post = (path: string, fields: Record<string, string>, h: Record<string, string> = basic) =>
      call("POST", path, { headers: h, body: new URLSearchParams(fields).toString() });
    const ciba = (fields: Record<string, string>, h?: Record<string, string>) =>
      post(
        "/vipps-login-ciba/api/backchannel/authentication",
        { scope: "openid name phoneNumber", login_hint: "urn:msisdn:4791234567", ...fields },
        h,
      );
    const poll = (id: string) =>
      post("/access-management-1.0/access/oauth2/token", {
        grant_type: "urn:openid:params:grant-type:ciba",
        auth_req_id: id,
      });
    await call("GET", "/access-management-1.0/access/.well-known/openid-configuration");
    await call("GET", "/access-management-1.0/access/.well-known/jwks.json");
    t.sim.control.addFault({ endpoint: "login.discovery", status: 503, times: 1 });
    t.sim.control.addFault({ endpoint: "login.jwks", status: 500, times: 1 });
    await call("GET", "/access-management-1.0/access/.well-known/openid-configuration");
    await call("GET", "/access-management-1.0/access/.well-known/jwks.json");
    await call("GET", "/access-management-1.0/access/oauth2/auth");
    const id = ((await ciba({ binding_message: "4MZ-CQ3" })).body as { auth_req_id: string }).auth_req_id;
    await ciba({});
    await ciba({ scope: "name" });
    await ciba({}, { ...basic, Authorization: "Basic bm9wZTpub3Bl" });
    t.sim.control.setCustomer("4700000003", { status: "old_app" });
    await ciba({ login_hint: "urn:msisdn:4700000003" });
    await post("/vipps-login-ciba/api/v1/user-exists", { login_hint: "urn:msisdn:4791234567" });
    await post("/vipps-login-ciba/api/v1/user-exists", { login_hint: "4791234567" });
    t.clock.advance(5_000);
    await poll(id);
    await poll(id);
    t.sim.control.approveLogin(id);
    t.clock.advance(10_000);
    const tokens = (await poll(id)).body as { access_token: string };
    await post("/access-management-1.0/access/oauth2/token", {
      grant_type: "authorization_code",
      code: "x",
      redirect_uri: "https://example.com",
    });
    await call("GET", "/vipps-userinfo-api/userinfo", {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    });
    await call("GET", "/vipps-userinfo-api/userinfo/", { headers: { Authorization: "Bearer nope" } });
    await call(
      "POST",
      "/epayment/v1/payments",
      json(
        u,
        {
          ...createBody(u, "kasse1-contract-9", { phoneNumber: "4791234567" }),
          profile: { scope: "name email address birthDate" },
        },
        { "Idempotency-Key": "p" },
      ),
    );
    const sub = t.sim.control.approvePayment("kasse1-contract-9").sub ?? "";
    await call("GET", `/vipps-userinfo-api/userinfo/${sub}`, { headers: headers() });
    await call("GET", "/vipps-userinfo-api/userinfo/00000000-0000-4000-8000-000000000000", {
      headers: headers(),
    });
    expect(problems).toEqual([]);
  });

  it("Order Management receipts", async () => {
    await login();
    const u = t.unit;
    const reference = "kasse1-contract-om";
    await call(
      "POST",
      "/epayment/v1/payments",
      json(u, createBody(u, reference, { phoneNumber: "4791234567" }), { "Idempotency-Key": "om" }),
    );
    const receipt = {
      orderLines: [
        {
          name: "Kaffe",
          id: "sku-1",
          totalAmount: 4900,
          totalAmountExcludingTax: 3920,
          totalTaxAmount: 980,
          taxRate: 2500,
          unitInfo: { unitPrice: 2450, quantity: "2", quantityUnit: "PCS" },
        },
      ],
      bottomLine: { currency: "NOK", posId: "kasse1", receiptNumber: "000001" },
    };
    const base = "/order-management/v2/ECOM";
    await call("GET", `${base}/${reference}`, { headers: headers() });
    expect((await call("POST", `${base}/receipts/${reference}`, json(u, receipt))).status).toBe(201);
    await call("GET", `${base}/${reference}`, { headers: headers() });
    expect((await call("POST", `${base}/receipts/${reference}`, json(u, receipt))).status).toBe(409);
    await call("POST", `${base}/receipts/${reference}`, json(u, { orderLines: [] }));
    await call("POST", `${base}/receipts/kasse1-contract-none`, json(u, receipt));
    await call("GET", `${base}/kasse1-contract-none`, { headers: headers() });
    expect(problems).toEqual([]);
  });

  it("covered every simulated endpoint with a success and an error", () => {
    // qr.image is the simulator's own image host, not a Vipps API; login.authorize (the browser
    // flow) is not simulated and only ever answers an OAuth error.
    const missing = ENDPOINTS.filter((e) => e !== "qr.image").flatMap((e) => {
      const kinds = covered.get(e) ?? new Set();
      const okMissing = !kinds.has("ok") && e !== "login.authorize";
      return [...(okMissing ? [`${e}: success`] : []), ...(kinds.has("error") ? [] : [`${e}: error`])];
    });
    expect(missing).toEqual([]);
  });
});
