import { afterEach, describe, expect, it, vi } from "vitest";
import * as ex from "../../test/contract/examples.js";
import { validateResponse } from "../../test/contract/openapi.js";
import { SECRETS, startHarness, type Harness } from "../../test/helpers/vipps-client-harness.js";
import { isVippsError, type VippsError } from "./index.js";

const DISCOVERY = "/access-management-1.0/access/.well-known/openid-configuration";
const CIBA = "/vipps-login-ciba/api/backchannel/authentication";
const TOKEN_ENDPOINT = "/access-management-1.0/access/oauth2/token";
const BASIC = `Basic ${Buffer.from(`${SECRETS.clientId}:${SECRETS.clientSecret}`).toString("base64")}`;
let h: Harness;

afterEach(async () => {
  expect(h.contractProblems()).toEqual([]);
  await h.close();
});

async function harness(cacheControl = "public, max-age=3600"): Promise<Harness> {
  const started = await startHarness();
  started.server.on("GET", DISCOVERY, {
    status: 200,
    headers: { "cache-control": cacheControl },
    json: ex.discoveryBody(started.server.url),
  });
  return started;
}

const failureOf = (promise: Promise<unknown>): Promise<VippsError> =>
  promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e as VippsError,
  );

describe("Login discovery", () => {
  it("is cached for its max-age on the monotonic clock, shared by concurrent callers", async () => {
    h = await harness("max-age=600");
    const [a, b] = await Promise.all([h.client.login.discovery(), h.client.login.discovery()]);
    expect(a.token_endpoint).toBe(`${h.server.url}${TOKEN_ENDPOINT}`);
    expect(b).toEqual(a);
    h.clock.advance(599_999);
    await h.client.login.discovery();
    expect(h.server.requestsTo("GET", DISCOVERY)).toHaveLength(1);
    h.clock.advance(1);
    await h.client.login.discovery();
    expect(h.server.requestsTo("GET", DISCOVERY)).toHaveLength(2);
    const [request] = h.server.requestsTo("GET", DISCOVERY);
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.headers["ocp-apim-subscription-key"]).toBeUndefined();
  });

  it("is not cached without max-age, and endpoints on another origin are refused", async () => {
    h = await harness("no-store");
    await h.client.login.discovery();
    await h.client.login.discovery();
    expect(h.server.requestsTo("GET", DISCOVERY)).toHaveLength(2);
    h.server.on("GET", DISCOVERY, { status: 200, json: ex.discoveryBody("https://evil.example.com") });
    const error = await failureOf(h.client.login.pollToken("req-1"));
    expect(error.code).toBe("VIPPS_BAD_RESPONSE");
    expect(h.server.requestsTo("POST", TOKEN_ENDPOINT)).toHaveLength(0);
  });
});

describe("CIBA", () => {
  it("starts with Basic client credentials, a form body, and no subscription key or access token", async () => {
    h = await harness();
    h.server.on("POST", CIBA, {
      status: 200,
      json: { auth_req_id: "req-123", expires_in: 120, interval: 5 },
    });
    const started = await h.client.login.startCiba({
      scope: ["name", "phoneNumber"],
      loginHint: { msisdn: "4791234567" },
      bindingMessage: "4MZ-CQ3",
      requestedExpiry: 120,
    });
    expect(started).toEqual({ authReqId: "req-123", expiresInSeconds: 120, intervalSeconds: 5 });
    const [request] = h.server.requestsTo("POST", CIBA);
    expect(request?.headers.authorization).toBe(BASIC);
    expect(request?.headers["ocp-apim-subscription-key"]).toBeUndefined();
    expect(request?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(request?.text))).toEqual({
      scope: "openid name phoneNumber",
      login_hint: "urn:msisdn:4791234567",
      binding_message: "4MZ-CQ3",
      requested_expiry: "120",
    });
    expect(h.server.requestsTo("POST", "/accesstoken/get")).toHaveLength(0);
  });

  it("defaults the poll interval to 5 s and refuses bad hints, messages and expiries", async () => {
    h = await harness();
    h.server.on("POST", CIBA, { status: 200, json: { auth_req_id: "req-9", expires_in: 600 } });
    expect(
      (await h.client.login.startCiba({ scope: ["openid"], loginHint: { msisdn: "4512345678" } }))
        .intervalSeconds,
    ).toBe(5);
    for (const bad of [
      { scope: ["name"], loginHint: { msisdn: "+4791234567" } },
      { scope: ["name"], loginHint: { msisdn: "4791234567" }, bindingMessage: "abc" },
      { scope: ["name"], loginHint: { msisdn: "4791234567" }, requestedExpiry: 30 },
    ] as const) {
      expect((await failureOf(h.client.login.startCiba(bad))).code).toBe("VIPPS_INVALID_ARGUMENT");
    }
    expect(h.server.requestsTo("POST", CIBA)).toHaveLength(1);
  });

  it("does not retry a 429 (concurrent login) and reports its Retry-After", async () => {
    h = await harness();
    h.server.on("POST", CIBA, {
      status: 429,
      headers: { "retry-after": "30" },
      json: { error: "too_many_requests" },
    });
    const error = await failureOf(
      h.client.login.startCiba({ scope: ["name"], loginHint: { msisdn: "4791234567" } }),
    );
    expect(error).toMatchObject({ code: "VIPPS_RATE_LIMITED", retryAfterMs: 30_000, attempts: 1 });
    expect(h.clock.pending).toBe(0);
  });

  it("polls the token endpoint: pending, slow_down, denied, expired and success as results", async () => {
    h = await harness();
    const tokens = {
      access_token: "login-at-1",
      token_type: "Bearer",
      expires_in: 300,
      id_token: "h.p.s",
      scope: "openid name",
    };
    expect(validateResponse("login", "POST", TOKEN_ENDPOINT, 200, { body: tokens })).toEqual([]);
    h.server.on(
      "POST",
      TOKEN_ENDPOINT,
      { status: 400, json: { error: "authorization_pending" } },
      { status: 400, json: { error: "slow_down" } },
      { status: 400, json: { error: "access_denied" } },
      { status: 400, json: { error: "expired_token" } },
      { status: 200, json: tokens },
    );
    const kinds: string[] = [];
    for (let i = 0; i < 5; i++) kinds.push((await h.client.login.pollToken("req-123")).kind);
    expect(kinds).toEqual([
      "authorization_pending",
      "slow_down",
      "access_denied",
      "expired_token",
      "success",
    ]);
    const last = h.server.requestsTo("POST", TOKEN_ENDPOINT).at(-1);
    expect(last?.headers.authorization).toBe(BASIC);
    expect(last?.headers["ocp-apim-subscription-key"]).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(last?.text))).toEqual({
      grant_type: "urn:openid:params:grant-type:ciba",
      auth_req_id: "req-123",
    });
    h.server.on("POST", TOKEN_ENDPOINT, { status: 200, json: tokens });
    expect(await h.client.login.pollToken("req-123")).toEqual({
      kind: "success",
      tokens: {
        accessToken: "login-at-1",
        tokenType: "Bearer",
        expiresInSeconds: 300,
        idToken: "h.p.s",
        scope: "openid name",
      },
    });
  });

  it("turns other OAuth errors and 429 into coded errors", async () => {
    h = await harness();
    h.server.on("POST", TOKEN_ENDPOINT, {
      status: 400,
      json: { error: "invalid_grant", error_description: "unknown auth_req_id" },
    });
    expect(await failureOf(h.client.login.pollToken("req-123"))).toMatchObject({
      code: "VIPPS_BAD_REQUEST",
      oauthError: "invalid_grant",
      status: 400,
    });
    h.server.on("POST", TOKEN_ENDPOINT, { status: 401, json: { error: "invalid_client" } });
    expect(await failureOf(h.client.login.pollToken("req-123"))).toMatchObject({
      code: "VIPPS_UNAUTHORIZED",
      oauthError: "invalid_client",
    });
    h.server.on("POST", TOKEN_ENDPOINT, { status: 429, headers: { "retry-after": "10" } });
    expect(await failureOf(h.client.login.pollToken("req-123"))).toMatchObject({
      code: "VIPPS_RATE_LIMITED",
      retryAfterMs: 10_000,
      attempts: 1,
    });
  });

  it("retries a poll after a 503 (it is idempotent)", async () => {
    h = await harness();
    h.server.on(
      "POST",
      TOKEN_ENDPOINT,
      { status: 503 },
      { status: 400, json: { error: "authorization_pending" } },
    );
    const poll = h.client.login.pollToken("req-123");
    await vi.waitFor(() => expect(h.waitingToRetry()).toBe(true));
    expect(h.server.requestsTo("POST", TOKEN_ENDPOINT)).toHaveLength(1);
    h.clock.advance(10_000);
    expect((await poll).kind).toBe("authorization_pending");
    expect(h.server.requestsTo("POST", TOKEN_ENDPOINT)).toHaveLength(2);
  });
});

describe("userinfo", () => {
  it("uses the Login access token only, and a 401 is final", async () => {
    h = await harness();
    h.server.on("GET", "/vipps-userinfo-api/userinfo", {
      status: 200,
      headers: { "content-type": "application/json;charset=UTF-8" },
      json: ex.userinfoBody(),
    });
    const info = await h.client.login.userinfo("login-at-1");
    expect(info.sub).toBe("c06c4afe-d9e1-4c5d-939a-177d752a0944");
    expect(info.phone_number).toBe("4791234567");
    const [request] = h.server.requestsTo("GET", "/vipps-userinfo-api/userinfo");
    expect(request?.headers.authorization).toBe("Bearer login-at-1");
    expect(request?.headers["ocp-apim-subscription-key"]).toBeUndefined();
    h.server.on("GET", "/vipps-userinfo-api/userinfo", {
      status: 401,
      json: { title: "Unauthorized", status: "401", detail: "token expired" },
    });
    const error: unknown = await h.client.login.userinfo("login-at-1").catch((e: unknown) => e);
    expect(isVippsError(error, "VIPPS_UNAUTHORIZED")).toBe(true);
    expect(h.server.requestsTo("GET", "/vipps-userinfo-api/userinfo")).toHaveLength(2);
    expect(h.server.requestsTo("POST", "/accesstoken/get")).toHaveLength(0);
  });
});
