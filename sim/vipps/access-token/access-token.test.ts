import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { answerOf, SimApi, startTestVippsSim, type TestVippsSim } from "../../../test/helpers/vipps-sim.js";

let t: TestVippsSim;
beforeEach(async () => {
  t = await startTestVippsSim({ accessTokenTtlSeconds: 3600 });
});
afterEach(async () => {
  await t.close();
});

function tokenRequest(headers: Record<string, string>, path = "/accesstoken/get"): Promise<Response> {
  return fetch(`${t.sim.url}${path}`, { method: "POST", headers });
}

describe("POST /accesstoken/get", () => {
  it("issues a Bearer token whose fields are all strings, valid one hour", async () => {
    const u = t.unit;
    const a = await answerOf(
      await tokenRequest({
        client_id: u.clientId,
        client_secret: u.clientSecret,
        "Ocp-Apim-Subscription-Key": u.subscriptionKey,
        "Merchant-Serial-Number": u.msn,
      }),
    );
    expect(a.status).toBe(200);
    expect(a.headers.get("content-type")).toBe("application/json;charset=UTF-8");
    const body = a.body as Record<string, unknown>;
    for (const key of [
      "token_type",
      "expires_in",
      "ext_expires_in",
      "expires_on",
      "not_before",
      "resource",
      "access_token",
    ]) {
      expect(typeof body[key], key).toBe("string");
    }
    expect(body.token_type).toBe("Bearer");
    expect(body.expires_in).toBe("3600");
    expect(Number(body.expires_on) - Number(body.not_before)).toBe(3600);
    expect(Number(body.not_before)).toBe(Math.floor(t.clock.now() / 1000));
    expect(body.access_token).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
  });

  it("answers /accessToken/get, as Vipps' Postman collections spell it, the same way", async () => {
    const u = t.unit;
    const headers = {
      client_id: u.clientId,
      client_secret: u.clientSecret,
      "Ocp-Apim-Subscription-Key": u.subscriptionKey,
    };
    const a = await answerOf(await tokenRequest(headers, "/accessToken/get"));
    expect(a.status).toBe(200);
    const token = (a.body as { access_token: string }).access_token;
    const api = new SimApi(t.sim.url, u);
    const list = await api.call("GET", "/qr/v1/merchant-callback", {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(list.status).toBe(200);
    const refused = await answerOf(
      await tokenRequest({ ...headers, client_secret: "wrong" }, "/accessToken/get"),
    );
    expect(refused.status).toBe(401);
    expect((refused.body as { error: string }).error).toBe("invalid_client");
    // Only those two spellings: the rest is an unknown path.
    expect((await tokenRequest(headers, "/ACCESSTOKEN/GET")).status).toBe(404);
  });

  it.each([
    ["no subscription key", { "Ocp-Apim-Subscription-Key": undefined }, 401],
    ["a wrong subscription key", { "Ocp-Apim-Subscription-Key": "0".repeat(32) }, 401],
    ["another sales unit's subscription key", { "Ocp-Apim-Subscription-Key": "other" }, 401],
    ["no client_id", { client_id: undefined }, 400],
    ["an unknown client_id", { client_id: "8a1b2c3d-0000-4000-8000-000000000000" }, 401],
    ["a wrong client_secret", { client_secret: "wrong" }, 401],
    ["another sales unit's MSN", { "Merchant-Serial-Number": "999999" }, 400],
  ] as const)("refuses %s", async (_name, change, status) => {
    const u = t.unit;
    const other = t.sim.salesUnits[1];
    const base: Record<string, string | undefined> = {
      client_id: u.clientId,
      client_secret: u.clientSecret,
      "Ocp-Apim-Subscription-Key": u.subscriptionKey,
      "Merchant-Serial-Number": u.msn,
    };
    const merged: Record<string, string | undefined> = { ...base, ...change };
    if (merged["Ocp-Apim-Subscription-Key"] === "other")
      merged["Ocp-Apim-Subscription-Key"] = other?.subscriptionKey;
    const headers = Object.fromEntries(
      Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined),
    );
    const a = await answerOf(await tokenRequest(headers));
    expect(a.status).toBe(status);
    expect((a.body as { error: string }).error).toBe(status === 401 ? "invalid_client" : "invalid_request");
  });
});

describe("unknown paths", () => {
  it.each([
    ["POST", "/accesstoken/refresh"],
    ["GET", "/epayment/v2/payments"],
    ["GET", "/qr/v1/nothing"],
    ["GET", "/webhooks/v1/nothing"],
    ["POST", "/vipps-login-ciba/api/nothing"],
    ["GET", "/_sim/nothing-here"],
    ["GET", "/"],
    ["DELETE", "/no/such/api"],
  ])("%s %s → one 404 Problem, whatever the prefix", async (method, path) => {
    const a = await answerOf(await fetch(`${t.sim.url}${path}`, { method }));
    expect(a.status).toBe(404);
    expect(a.headers.get("content-type")).toBe("application/problem+json");
    expect(Object.keys(a.body as object).sort()).toEqual([
      "detail",
      "instance",
      "status",
      "title",
      "traceId",
      "type",
    ]);
    expect(a.body).toMatchObject({ status: 404, title: "Not Found", instance: path });
  });
});

describe("access to the APIs", () => {
  const list = "/qr/v1/merchant-callback";

  it("accepts a valid token with its sales unit's subscription key and MSN", async () => {
    const api = new SimApi(t.sim.url, t.unit);
    expect((await api.call("GET", list)).status).toBe(200);
  });

  it("refuses a token that has expired, and accepts a fresh one", async () => {
    const api = new SimApi(t.sim.url, t.unit);
    expect((await api.call("GET", list)).status).toBe(200);
    t.clock.advance(3600_000);
    const expired = await api.call("GET", list);
    expect(expired.status).toBe(401);
    expect(expired.text).toMatch(/expired/);
    const fresh = new SimApi(t.sim.url, t.unit);
    expect((await fresh.call("GET", list)).status).toBe(200);
  });

  it("requires the literal word Bearer", async () => {
    const api = new SimApi(t.sim.url, t.unit);
    const token = await api.accessToken();
    expect((await api.call("GET", list, { headers: { Authorization: token } })).status).toBe(401);
    expect((await api.call("GET", list, { headers: { Authorization: `Basic ${token}` } })).status).toBe(401);
    expect((await api.call("GET", list, { headers: { Authorization: undefined } })).status).toBe(401);
    expect((await api.call("GET", list, { headers: { Authorization: "Bearer not-a-token" } })).status).toBe(
      401,
    );
  });

  it("requires the subscription key of the token's sales unit", async () => {
    const api = new SimApi(t.sim.url, t.unit);
    expect(
      (await api.call("GET", list, { headers: { "Ocp-Apim-Subscription-Key": undefined } })).status,
    ).toBe(401);
    const other = t.sim.salesUnits[1];
    expect(
      (await api.call("GET", list, { headers: { "Ocp-Apim-Subscription-Key": other?.subscriptionKey } }))
        .status,
    ).toBe(401);
  });

  it("requires Merchant-Serial-Number where the spec does, and refuses another sales unit's", async () => {
    const api = new SimApi(t.sim.url, t.unit);
    const missing = await api.call("GET", list, { headers: { "Merchant-Serial-Number": undefined } });
    expect(missing.status).toBe(400);
    expect((await api.call("GET", list, { headers: { "Merchant-Serial-Number": "12ab" } })).status).toBe(400);
    const foreign = await api.call("GET", list, {
      headers: { "Merchant-Serial-Number": t.sim.salesUnits[1]?.msn },
    });
    expect(foreign.status).toBe(403);
    // Optional for the Webhooks API: the token's sales unit is used.
    expect(
      (await api.call("GET", "/webhooks/v1/webhooks", { headers: { "Merchant-Serial-Number": undefined } }))
        .status,
    ).toBe(200);
  });

  it("answers errors in each API's own shape", async () => {
    const api = new SimApi(t.sim.url, t.unit);
    const bad = { headers: { Authorization: "Bearer nope" } };
    const epay = await api.call("GET", "/epayment/v1/payments/ref-00000001", bad);
    expect(epay.headers.get("content-type")).toBe("application/problem+json");
    const problem = epay.body as { status: number; title: string; traceId: string };
    expect(problem.status).toBe(401);
    expect(problem.title).toBe("Unauthorized");
    expect(problem.traceId).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const hooks = await api.call("GET", "/webhooks/v1/webhooks", bad);
    expect(hooks.headers.get("content-type")).toBe("application/problem+json");
    expect(Object.keys(hooks.body as object).sort()).toEqual([
      "detail",
      "extraDetails",
      "instance",
      "status",
      "title",
      "traceId",
      "type",
    ]);
    const qr = await api.call("GET", list, bad);
    expect(Object.keys(qr.body as object).sort()).toEqual(["detail", "instance", "title", "type"]);
    const exchange = await api.call("POST", "/qr/v1/exchange/customer", { ...bad, body: {} });
    expect(Object.keys(exchange.body as object).sort()).toEqual(["detail", "status", "title"]);
    expect((exchange.body as { status: number }).status).toBe(401);
  });
});
