import { afterEach, describe, expect, it } from "vitest";
import * as ex from "../../test/contract/examples.js";
import {
  SECRETS,
  startHarness,
  TOKEN,
  tokenReply,
  nok,
  type Harness,
} from "../../test/helpers/vipps-client-harness.js";

const REF = ex.EXAMPLE_REFERENCE;
const WEBHOOK_ID = String(ex.webhookRegistrationBody().id);
let h: Harness;

afterEach(async () => {
  // Every request of every operation, checked against the official specs.
  expect(h.contractProblems()).toEqual([]);
  await h.close();
});

describe("headers of every call", () => {
  it("carry Vipps-System-*, MSN and the right authentication for each API", async () => {
    h = await startHarness();
    const s = h.server;
    s.on("POST", "/accesstoken/get", tokenReply());
    s.on("PUT", /^\/qr\/v1\/merchant-callback\/kasse1$/, { status: 200 });
    s.on("GET", "/qr/v1/merchant-callback/kasse1", { status: 200, json: ex.merchantCallbackQrBody() });
    s.on("GET", "/qr/v1/merchant-callback", { status: 200, json: [] });
    s.on("DELETE", "/qr/v1/merchant-callback/kasse1", { status: 200 });
    s.on("POST", "/qr/v1/exchange/customer", { status: 200, json: { msisdn: "4798765432" } });
    s.on("POST", "/webhooks/v1/webhooks", { status: 201, json: ex.webhookRegistrationBody() });
    s.on("GET", "/webhooks/v1/webhooks", { status: 200, json: { webhooks: [] } });
    s.on("DELETE", `/webhooks/v1/webhooks/${WEBHOOK_ID}`, { status: 204 });
    s.on("POST", "/epayment/v1/payments", { status: 201, json: { reference: REF } });
    s.on("GET", `/epayment/v1/payments/${REF}`, { status: 200, json: ex.paymentBody() });
    s.on("GET", `/epayment/v1/payments/${REF}/events`, { status: 200, json: ex.paymentEventsBody() });
    for (const kind of ["capture", "cancel", "refund"])
      s.on("POST", `/epayment/v1/payments/${REF}/${kind}`, { status: 200, json: ex.modificationBody(4900) });
    s.on("POST", `/epayment/v1/test/payments/${REF}/approve`, { status: 200 });
    s.on("GET", "/access-management-1.0/access/.well-known/openid-configuration", {
      status: 200,
      headers: { "cache-control": "max-age=3600" },
      json: ex.discoveryBody(s.url),
    });
    s.on("POST", "/vipps-login-ciba/api/backchannel/authentication", {
      status: 200,
      json: { auth_req_id: "r", expires_in: 120, interval: 5 },
    });
    s.on("POST", "/access-management-1.0/access/oauth2/token", {
      status: 400,
      json: { error: "authorization_pending" },
    });
    s.on("GET", "/vipps-userinfo-api/userinfo", { status: 200, json: ex.userinfoBody() });

    const c = h.client;
    await c.qr.putMerchantCallback("kasse1", { locationDescription: "Kasse 1" });
    await c.qr.getMerchantCallback("kasse1");
    await c.qr.listMerchantCallbacks();
    await c.qr.deleteMerchantCallback("kasse1");
    await c.qr.exchangeCustomerToken("customer-token-1");
    await c.webhooks.register({ url: "https://bridge.example.com/vipps", events: ["user.checked-in.v1"] });
    await c.webhooks.list();
    await c.webhooks.delete(WEBHOOK_ID);
    await c.epayment.create(ex.createPaymentBody() as never, `${REF}-create`);
    await c.epayment.get(REF);
    await c.epayment.events(REF);
    await c.epayment.capture(REF, nok(4900), `${REF}-capture-1`);
    await c.epayment.cancel(REF, { cancelTransactionOnly: false }, `${REF}-cancel-1`);
    await c.epayment.refund(REF, nok(100), `${REF}-refund-1`);
    await c.epayment.forceApprove(REF, { customer: { phoneNumber: "4791234567" } });
    await c.login.startCiba({ scope: ["name"], loginHint: { msisdn: "4791234567" } });
    await c.login.pollToken("r");
    await c.login.userinfo("login-token-1");

    const basic = `Basic ${Buffer.from(`${SECRETS.clientId}:${SECRETS.clientSecret}`).toString("base64")}`;
    for (const r of s.requests) {
      const where = `${r.method} ${r.pathname}`;
      expect(r.headers["vipps-system-name"], where).toBe("vipps-pos-agent");
      expect(r.headers["vipps-system-version"], where).toBe("0.1.0");
      expect(r.headers["vipps-system-plugin-name"], where).toBe("acme-register");
      expect(r.headers["vipps-system-plugin-version"], where).toBe("2.3.1");
      expect(r.headers["merchant-serial-number"], where).toBe(ex.EXAMPLE_MSN);
      const login =
        r.pathname.startsWith("/access-management-1.0/") ||
        r.pathname.startsWith("/vipps-login-ciba/") ||
        r.pathname.startsWith("/vipps-userinfo-api/");
      const tokenCall = r.pathname === "/accesstoken/get";
      expect(r.headers["ocp-apim-subscription-key"], where).toBe(login ? undefined : SECRETS.subscriptionKey);
      let expected: string | undefined = `Bearer ${TOKEN}`;
      if (tokenCall || r.pathname.endsWith("openid-configuration")) expected = undefined;
      else if (r.pathname.startsWith("/vipps-login-ciba/") || r.pathname.endsWith("/oauth2/token"))
        expected = basic;
      else if (r.pathname.startsWith("/vipps-userinfo-api/")) expected = "Bearer login-token-1";
      expect(r.headers.authorization, where).toBe(expected);
      const keyed = /\/(payments|capture|cancel|refund)$/.test(r.pathname) && r.method === "POST";
      expect(r.headers["idempotency-key"] !== undefined, where).toBe(keyed);
    }
    expect(s.requestsTo("POST", "/accesstoken/get")).toHaveLength(1);
    expect(s.requests).toHaveLength(20);
  });
});
