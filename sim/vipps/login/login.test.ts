import { createPublicKey, verify, type JsonWebKey } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  answerOf,
  SimApi,
  startTestVippsSim,
  startWebhookReceiver,
  type ApiAnswer,
  type TestVippsSim,
} from "../../../test/helpers/vipps-sim.js";
import type { SalesUnit } from "../index.js";

let t: TestVippsSim;
beforeEach(async () => {
  t = await startTestVippsSim({
    customers: {
      "4700000001": { status: "unknown" },
      "4700000002": { status: "blocked" },
      "4700000003": { status: "old_app" },
    },
    login: { pollIntervalSeconds: 5, accessTokenTtlSeconds: 300, maxConcurrentPerUser: 2 },
  });
});
afterEach(async () => {
  await t.close();
});

const MSISDN = "4791234567";
const basic = (u: SalesUnit, secret = u.clientSecret) =>
  `Basic ${Buffer.from(`${u.clientId}:${secret}`).toString("base64")}`;

async function form(
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
  unit: SalesUnit = t.unit,
): Promise<ApiAnswer> {
  return answerOf(
    await fetch(`${t.sim.url}${path}`, {
      method: "POST",
      headers: {
        Authorization: basic(unit),
        "Content-Type": "application/x-www-form-urlencoded",
        ...headers,
      },
      body: new URLSearchParams(fields).toString(),
    }),
  );
}

const ciba = (fields: Record<string, string> = {}, headers: Record<string, string> = {}, unit?: SalesUnit) =>
  form(
    "/vipps-login-ciba/api/backchannel/authentication",
    { scope: "openid name phoneNumber", login_hint: `urn:msisdn:${MSISDN}`, ...fields },
    headers,
    unit,
  );
const poll = (authReqId: string, unit?: SalesUnit) =>
  form(
    "/access-management-1.0/access/oauth2/token",
    { grant_type: "urn:openid:params:grant-type:ciba", auth_req_id: authReqId },
    {},
    unit,
  );
const oauthError = (a: ApiAnswer) => (a.body as { error: string }).error;
const started = async (fields: Record<string, string> = {}, unit?: SalesUnit): Promise<string> => {
  const a = await ciba(fields, {}, unit);
  expect(a.status).toBe(200);
  return (a.body as { auth_req_id: string }).auth_req_id;
};

describe("discovery and keys", () => {
  it("publishes the OpenID configuration with the CIBA, token, userinfo and JWKS endpoints", async () => {
    const a = await answerOf(
      await fetch(`${t.sim.url}/access-management-1.0/access/.well-known/openid-configuration`),
    );
    expect(a.status).toBe(200);
    expect(a.headers.get("cache-control")).toBe("max-age=3600");
    expect(a.body).toMatchObject({
      issuer: `${t.sim.url}/access-management-1.0/access/`,
      token_endpoint: `${t.sim.url}/access-management-1.0/access/oauth2/token`,
      userinfo_endpoint: `${t.sim.url}/vipps-userinfo-api/userinfo`,
      jwks_uri: `${t.sim.url}/access-management-1.0/access/.well-known/jwks.json`,
      backchannel_authentication_endpoint: `${t.sim.url}/vipps-login-ciba/api/backchannel/authentication`,
    });
  });
});

describe("CIBA authentication request", () => {
  it("answers auth_req_id, expires_in and interval", async () => {
    const a = await ciba({ binding_message: "4MZ-CQ3", requested_expiry: "120" });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ expires_in: 120, interval: 5 });
    expect((a.body as { auth_req_id: string }).auth_req_id.length).toBeGreaterThan(10);
  });

  it.each([
    ["no client authentication", {}, { Authorization: "" }, 401, "invalid_client"],
    ["a wrong client secret", {}, { Authorization: "wrong" }, 401, "invalid_client"],
    ["a subscription key", {}, { "Ocp-Apim-Subscription-Key": "x" }, 401, "invalid_request"],
    ["a scope without openid", { scope: "name" }, {}, 400, "invalid_scope"],
    ["the legacy nnin scope", { scope: "openid nnin" }, {}, 400, "invalid_scope"],
    ["a login_hint without urn:msisdn:", { login_hint: MSISDN }, {}, 400, "invalid_request"],
    ["a malformed binding_message", { binding_message: "abc-12" }, {}, 400, "invalid_binding_message"],
    ["a 9-character binding_message", { binding_message: "ABCDE1234" }, {}, 400, "invalid_binding_message"],
    ["requested_expiry below 60", { requested_expiry: "59" }, {}, 400, "invalid_request"],
    ["requested_expiry above 900", { requested_expiry: "901" }, {}, 400, "invalid_request"],
  ])("refuses %s", async (_name, fields, headers, status, error) => {
    const h: Record<string, string> = { ...headers };
    if (h.Authorization === "wrong") h.Authorization = basic(t.unit, "wrong");
    const a = await ciba(fields, h);
    expect(a.status).toBe(status);
    expect(oauthError(a)).toBe(error);
    expect(t.sim.control.logins()).toEqual([]);
  });

  it.each([
    ["a number without a user", "4700000001", "invalid_user"],
    ["a blocked user", "4700000002", "invalid_user"],
    ["a user with an old app", "4700000003", "old_app"],
  ])("refuses %s with error_code %s", async (_name, msisdn, code) => {
    const a = await ciba({ login_hint: `urn:msisdn:${msisdn}` });
    expect(a.status).toBe(400);
    expect((a.body as { error_code: string }).error_code).toBe(code);
  });

  it("answers 429 with Retry-After when too many logins towards one user are pending", async () => {
    await started();
    await started();
    const a = await ciba();
    expect(a.status).toBe(429);
    expect(Number(a.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await ciba({ login_hint: "urn:msisdn:4798765432" })).status).toBe(200);
  });

  it("tells whether a user exists", async () => {
    const exists = async (msisdn: string) =>
      (
        (await form("/vipps-login-ciba/api/v1/user-exists", { login_hint: `urn:msisdn:${msisdn}` })).body as {
          exists: boolean;
        }
      ).exists;
    expect(await exists(MSISDN)).toBe(true);
    expect(await exists("4700000001")).toBe(false);
  });
});

describe("token polling", () => {
  it("is pending, then slow_down when polled faster than the interval (which grows by 5 s)", async () => {
    const id = await started();
    t.clock.advance(5_000);
    expect(oauthError(await poll(id))).toBe("authorization_pending");
    t.clock.advance(4_999);
    expect(oauthError(await poll(id))).toBe("slow_down");
    t.clock.advance(5_000);
    expect(oauthError(await poll(id))).toBe("slow_down"); // the interval is 10 s now, then 15 s
    t.clock.advance(15_000);
    expect(oauthError(await poll(id))).toBe("authorization_pending");
  });

  it("hands out tokens once after approval, with a verifiable ES256 id_token", async () => {
    const id = await started({ nonce: "n-123" });
    t.sim.control.approveLogin(id);
    t.clock.advance(5_000);
    const a = await poll(id);
    expect(a.status).toBe(200);
    const tokens = a.body as {
      access_token: string;
      token_type: string;
      expires_in: number;
      id_token: string;
      scope: string;
    };
    expect(tokens).toMatchObject({ token_type: "Bearer", expires_in: 300, scope: "openid name phoneNumber" });
    const [header, payload, signature] = tokens.id_token.split(".");
    const jwks = (
      await answerOf(await fetch(`${t.sim.url}/access-management-1.0/access/.well-known/jwks.json`))
    ).body as { keys: (JsonWebKey & { kid: string })[] };
    const head = JSON.parse(Buffer.from(header ?? "", "base64url").toString("utf8")) as {
      kid: string;
      alg: string;
    };
    expect(head.alg).toBe("ES256");
    const jwk = jwks.keys.find((k) => k.kid === head.kid);
    if (jwk === undefined) throw new Error("no key");
    const key = createPublicKey({ key: jwk, format: "jwk" });
    expect(
      verify(
        "sha256",
        Buffer.from(`${header}.${payload}`),
        { key, dsaEncoding: "ieee-p1363" },
        Buffer.from(signature ?? "", "base64url"),
      ),
    ).toBe(true);
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({
      aud: t.unit.clientId,
      iss: `${t.sim.url}/access-management-1.0/access/`,
      auth_req_id: id,
      nonce: "n-123",
    });
    t.clock.advance(5_000);
    expect(oauthError(await poll(id))).toBe("invalid_grant");
  });

  it("answers access_denied after the user declines, expired_token after the expiry", async () => {
    const declined = await started();
    t.sim.control.declineLogin(declined);
    t.clock.advance(5_000);
    expect(oauthError(await poll(declined))).toBe("access_denied");
    const ignored = await started({ requested_expiry: "60" });
    t.clock.advance(60_000);
    expect(oauthError(await poll(ignored))).toBe("expired_token");
    expect(() => t.sim.control.approveLogin(ignored)).toThrow(/expired/);
  });

  it("follows each user's automatic behaviour", async () => {
    t.sim.control.setCustomer(MSISDN, { login: { action: "approve", afterMs: 7_000 } });
    const id = await started();
    t.clock.advance(5_000);
    expect(oauthError(await poll(id))).toBe("authorization_pending");
    t.clock.advance(5_000);
    expect((await poll(id)).status).toBe(200);
  });

  it("refuses unknown ids, another client's ids and other grant types", async () => {
    const id = await started();
    t.clock.advance(5_000);
    expect(oauthError(await poll("nope"))).toBe("invalid_grant");
    expect(oauthError(await poll(id, t.sim.salesUnits[1]))).toBe("invalid_grant");
    const code = await form("/access-management-1.0/access/oauth2/token", {
      grant_type: "authorization_code",
      code: "x",
      redirect_uri: "https://x",
    });
    expect(oauthError(code)).toBe("unsupported_grant_type");
  });

  it("pings login.merchant-initiated.ping.v1 registrations when the user decides", async () => {
    const receiver = await startWebhookReceiver();
    try {
      const api = new SimApi(t.sim.url, t.unit);
      await api.call("POST", "/webhooks/v1/webhooks", {
        body: { url: receiver.url, events: ["login.merchant-initiated.ping.v1"] },
      });
      const id = await started();
      t.sim.control.approveLogin(id);
      const [hook] = await receiver.waitFor(1);
      expect(hook?.json).toEqual({ auth_req_id: id });
    } finally {
      await receiver.close();
    }
  });
});

describe("userinfo", () => {
  async function loginToken(scope: string, unit: SalesUnit = t.unit, msisdn = MSISDN): Promise<string> {
    const id = await started({ scope, login_hint: `urn:msisdn:${msisdn}` }, unit);
    t.sim.control.approveLogin(id);
    t.clock.advance(5_000);
    return ((await poll(id, unit)).body as { access_token: string }).access_token;
  }
  const userinfo = async (token: string, headers: Record<string, string> = {}) =>
    answerOf(
      await fetch(`${t.sim.url}/vipps-userinfo-api/userinfo`, {
        headers: { Authorization: `Bearer ${token}`, ...headers },
      }),
    );

  it("returns only the consented claims", async () => {
    const a = await userinfo(await loginToken("openid name phoneNumber"));
    expect(a.status).toBe(200);
    expect(Object.keys(a.body as object).sort()).toEqual([
      "family_name",
      "given_name",
      "name",
      "phone_number",
      "sid",
      "sub",
    ]);
    expect((a.body as { phone_number: string }).phone_number).toBe(MSISDN);
    const all = await userinfo(
      await loginToken("openid email address birthDate delegatedConsents", t.unit, "4798765432"),
    );
    expect(Object.keys(all.body as object).sort()).toEqual([
      "address",
      "birthdate",
      "delegatedConsents",
      "email",
      "email_verified",
      "other_addresses",
      "sid",
      "sub",
    ]);
  });

  it("silently drops scopes outside the sales unit's plan (nin by default)", async () => {
    const a = await userinfo(await loginToken("openid nin name"));
    expect(a.body).not.toHaveProperty("nin");
    expect(a.body).toHaveProperty("name");
  });

  it("gives the same sub for the same user and sales unit, another for another sales unit", async () => {
    const sub = async (unit: SalesUnit) =>
      ((await userinfo(await loginToken("openid", unit))).body as { sub: string }).sub;
    const first = await sub(t.unit);
    expect(await sub(t.unit)).toBe(first);
    expect(await sub(t.sim.salesUnits[1] ?? t.unit)).not.toBe(first);
  });

  it("refuses an expired token, an unknown token and a request with a subscription key", async () => {
    const token = await loginToken("openid name");
    expect((await userinfo(token, { "Ocp-Apim-Subscription-Key": t.unit.subscriptionKey })).status).toBe(401);
    expect((await userinfo("nope")).status).toBe(401);
    t.clock.advance(300_000);
    const expired = await userinfo(token);
    expect(expired.status).toBe(401);
    expect((expired.body as { status: string }).status).toBe("401");
  });
});
