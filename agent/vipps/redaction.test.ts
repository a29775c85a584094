import { afterEach, describe, expect, it } from "vitest";
import * as ex from "../../test/contract/examples.js";
import {
  nok,
  SECRETS,
  startHarness,
  TOKEN,
  tokenReply,
  type Harness,
} from "../../test/helpers/vipps-client-harness.js";
import { redactText } from "./redact.js";

const REF = ex.EXAMPLE_REFERENCE;
const CUSTOMER_TOKEN = "wbA8ceVRKkoYiQAVELHeFCC3Sn5dtNCvvEtVPiOT77j6wx7uR965AG6Q+q0ATP4=";
const MSISDN = "4798765432";
const AUTH_REQ_ID = "auth-req-5f1c9e0a-7d2b";
const LOGIN_TOKEN = "login-at-9b8c7d6e5f";
const ID_TOKEN = "eyJraWQiOiJ4In0.eyJzdWIiOiJ5In0.c2lnbmF0dXJl";
const WEBHOOK_SECRET = "090a478d-37ff-4e77-970e-d457aeb26a3a";
const BASIC = Buffer.from(`${SECRETS.clientId}:${SECRETS.clientSecret}`).toString("base64");

let h: Harness | undefined;

afterEach(async () => {
  if (h === undefined) return;
  expect(h.contractProblems()).toEqual([]);
  await h.close();
  h = undefined;
});

/** Vipps echoing what it was sent, in an error text: the worst case for a log line. */
const echo = (status: number, text: string): { status: number; json: unknown } => ({
  status,
  json: { ...ex.problemBody(status, "4050", `Rejected ${text}`), detail: `Value ${text} is invalid` },
});

describe("secrets, tokens and phone numbers", () => {
  it("never appear in a log line or an error message, even when Vipps echoes them", async () => {
    const harness = await startHarness({ maxRetries: 1 });
    h = harness;
    const s = harness.server;
    s.on("POST", "/accesstoken/get", tokenReply());
    s.on("POST", "/epayment/v1/payments", echo(400, `${CUSTOMER_TOKEN} ${MSISDN} ${TOKEN}`));
    s.on("POST", "/qr/v1/exchange/customer", { status: 200, json: { msisdn: MSISDN } });
    s.on("POST", "/webhooks/v1/webhooks", {
      status: 201,
      json: { id: ex.webhookRegistrationBody().id, secret: WEBHOOK_SECRET },
    });
    s.on("GET", "/access-management-1.0/access/.well-known/openid-configuration", {
      status: 200,
      json: ex.discoveryBody(s.url),
    });
    s.on(
      "POST",
      "/vipps-login-ciba/api/backchannel/authentication",
      { status: 200, json: { auth_req_id: AUTH_REQ_ID, expires_in: 120, interval: 5 } },
      {
        status: 400,
        json: {
          error: "invalid_request",
          error_description: `bad login_hint urn:msisdn:${MSISDN} for ${SECRETS.clientSecret}`,
        },
      },
    );
    s.on(
      "POST",
      "/access-management-1.0/access/oauth2/token",
      {
        status: 200,
        json: { access_token: LOGIN_TOKEN, token_type: "Bearer", expires_in: 300, id_token: ID_TOKEN },
      },
      {
        status: 400,
        json: { error: "invalid_grant", error_description: `unknown ${AUTH_REQ_ID}` },
      },
    );
    s.on("POST", `/epayment/v1/test/payments/${REF}/approve`, { status: 200 });
    s.on(
      "GET",
      "/vipps-userinfo-api/userinfo",
      { status: 200, json: { ...ex.userinfoBody(), phone_number: MSISDN } },
      echo(403, `${LOGIN_TOKEN} ${SECRETS.subscriptionKey}`),
    );

    const errors: unknown[] = [];
    const attempt = async (call: () => Promise<unknown>): Promise<void> => {
      await call().catch((e: unknown) => void errors.push(e));
    };
    const body = ex.createPaymentBody(REF, CUSTOMER_TOKEN) as never;
    await attempt(() => harness.client.epayment.create(body, `${REF}-create`));
    await attempt(() => harness.client.qr.exchangeCustomerToken(CUSTOMER_TOKEN));
    await attempt(() =>
      harness.client.webhooks.register({
        url: "https://bridge.example.com/vipps",
        events: ["user.checked-in.v1"],
      }),
    );
    await attempt(() => harness.client.login.startCiba({ scope: ["name"], loginHint: { msisdn: MSISDN } }));
    await attempt(() => harness.client.login.startCiba({ scope: ["name"], loginHint: { msisdn: MSISDN } }));
    await attempt(() => harness.client.login.pollToken(AUTH_REQ_ID));
    await attempt(() => harness.client.login.pollToken(AUTH_REQ_ID));
    await attempt(() => harness.client.login.userinfo(LOGIN_TOKEN));
    await attempt(() => harness.client.login.userinfo(LOGIN_TOKEN));
    await attempt(() => harness.client.epayment.forceApprove(REF, { customer: { phoneNumber: MSISDN } }));
    await attempt(() => harness.client.epayment.capture(REF, nok(100), "key with space"));

    expect(errors).toHaveLength(5);
    const messages = errors
      .map((e) => `${(e as Error).message} ${JSON.stringify(e)} ${String((e as Error).stack)}`)
      .join("\n");
    const logs = harness.logText();
    expect(logs).toContain("vipps call");
    expect(messages).toContain("[redacted]");
    for (const secret of [
      SECRETS.clientSecret,
      SECRETS.subscriptionKey,
      BASIC,
      TOKEN,
      CUSTOMER_TOKEN,
      MSISDN,
      AUTH_REQ_ID,
      LOGIN_TOKEN,
      ID_TOKEN,
      WEBHOOK_SECRET,
    ]) {
      expect(logs, `log contains ${secret}`).not.toContain(secret);
      expect(messages, `error contains ${secret}`).not.toContain(secret);
    }
  });
});

describe("redactText", () => {
  it("replaces given secrets (and their URL encoding) and phone-like digit runs, and caps the length", () => {
    expect(redactText("token abc+def= and abc%2Bdef%3D", ["abc+def="])).toBe(
      "token [redacted] and [redacted]",
    );
    expect(redactText("call 4791234567 or 12345678, code 6060", [])).toBe(
      "call [redacted] or [redacted], code 6060",
    );
    expect(redactText("x".repeat(400), []).length).toBe(301);
    expect(redactText("00-12345678abc-01", [], { digits: false })).toBe("00-12345678abc-01");
  });
});
