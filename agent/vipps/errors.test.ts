import { afterEach, describe, expect, it } from "vitest";
import { isAgentError } from "../../lib/errors.js";
import * as ex from "../../test/contract/examples.js";
import { validateResponse } from "../../test/contract/openapi.js";
import { nok, startHarness, tokenReply, type Harness } from "../../test/helpers/vipps-client-harness.js";
import { errorFacts } from "./error-body.js";
import { hasVippsCode, isVippsError, vippsErrorCodeOf, type VippsError } from "./index.js";

const REF = ex.EXAMPLE_REFERENCE;
let h: Harness | undefined;

afterEach(async () => {
  if (h === undefined) return;
  expect(h.contractProblems()).toEqual([]);
  await h.close();
  h = undefined;
});

const failureOf = (promise: Promise<unknown>): Promise<VippsError> =>
  promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e as VippsError,
  );

describe("error shapes → one VippsError", () => {
  it("ePayment problem+json: status, Vipps code from extraDetails, traceId, operation, endpoint", async () => {
    h = await startHarness();
    const body = ex.problemBody(400, "6060", "Payment already authorized");
    expect(
      validateResponse("epayment", "POST", `/epayment/v1/payments/${REF}/cancel`, 400, {
        contentType: "application/problem+json",
        body,
      }),
    ).toEqual([]);
    h.server.on("POST", "/accesstoken/get", tokenReply());
    h.server.on("POST", `/epayment/v1/payments/${REF}/cancel`, {
      status: 400,
      headers: { "content-type": "application/problem+json" },
      json: body,
    });
    const error = await failureOf(
      h.client.epayment.cancel(REF, { cancelTransactionOnly: true }, "kasse1-42-cancel-1"),
    );
    expect(isVippsError(error, "VIPPS_BAD_REQUEST")).toBe(true);
    expect(isAgentError(error, "VIPPS_BAD_REQUEST")).toBe(true);
    expect(error).toMatchObject({
      status: 400,
      vippsCode: "6060",
      traceId: "00-4f7c0c2c7cf4d6f1-01",
      operation: "epayment.cancel",
      endpoint: "POST /epayment/v1/payments/{reference}/cancel",
      attempts: 1,
    });
    expect(hasVippsCode(error, "6060")).toBe(true);
    expect(vippsErrorCodeOf(error)).toBe("6060");
    expect(error.message).toContain("Vipps error 6060");
    expect(error.toJSON()).toMatchObject({ code: "VIPPS_BAD_REQUEST", status: 400, vippsCode: "6060" });
  });

  it("QR error (title/detail/instance/invalidParams): the instance is the trace id", async () => {
    h = await startHarness();
    const body = {
      title: "Validation error",
      detail: "BadRequest",
      instance: "00-616e415f5af7584e-00",
      invalidParams: [{ name: "locationDescription", reason: "too long" }],
    };
    expect(
      validateResponse("qr", "PUT", "/qr/v1/merchant-callback/kasse1", 400, {
        contentType: "application/json",
        body,
      }),
    ).toEqual([]);
    h.server.on("POST", "/accesstoken/get", tokenReply());
    h.server.on("PUT", "/qr/v1/merchant-callback/kasse1", { status: 400, json: body });
    const error = await failureOf(
      h.client.qr.putMerchantCallback("kasse1", { locationDescription: "Kasse 1" }),
    );
    expect(error).toMatchObject({
      code: "VIPPS_BAD_REQUEST",
      status: 400,
      traceId: "00-616e415f5af7584e-00",
      vippsCode: undefined,
    });
    expect(error.message).toContain("Validation error");
  });

  it("Webhooks ProblemDetails with nulls, and an OAuth error from Login with Vipps error_code", async () => {
    h = await startHarness();
    const problem = {
      type: null,
      title: "Bad Request",
      status: 400,
      detail: null,
      instance: "/v1/webhooks",
      traceId: "trace-w",
      extraDetails: [{ name: "url", reason: "must be https" }],
    };
    expect(
      validateResponse("webhooks", "POST", "/webhooks/v1/webhooks", 400, {
        contentType: "application/problem+json",
        body: problem,
      }),
    ).toEqual([]);
    h.server.on("POST", "/accesstoken/get", tokenReply());
    h.server.on("POST", "/webhooks/v1/webhooks", { status: 400, json: problem });
    const webhookError = await failureOf(
      h.client.webhooks.register({ url: "https://bridge.example.com/x", events: ["user.checked-in.v1"] }),
    );
    expect(webhookError).toMatchObject({
      code: "VIPPS_BAD_REQUEST",
      traceId: "trace-w",
      vippsCode: undefined,
    });

    h.server.on("GET", "/access-management-1.0/access/.well-known/openid-configuration", {
      status: 200,
      json: ex.discoveryBody(h.server.url),
    });
    for (const [errorCode, code] of [
      ["old_app", "VIPPS_LOGIN_OLD_APP"],
      ["invalid_user", "VIPPS_LOGIN_INVALID_USER"],
    ] as const) {
      h.server.on("POST", "/vipps-login-ciba/api/backchannel/authentication", {
        status: 400,
        json: { error: "invalid_request", error_description: "see error_code", error_code: errorCode },
      });
      const error = await failureOf(
        h.client.login.startCiba({ scope: ["name"], loginHint: { msisdn: "4791234567" } }),
      );
      expect(error.code).toBe(code);
      expect(error.oauthError).toBe("invalid_request");
    }
  });

  it("non-JSON error bodies give the status only; a 2xx with a bad body is VIPPS_BAD_RESPONSE", async () => {
    h = await startHarness({ maxRetries: 0 });
    h.server.on("POST", "/accesstoken/get", tokenReply());
    h.server.on("GET", `/epayment/v1/payments/${REF}`, {
      status: 502,
      headers: { "content-type": "text/html" },
      text: "<html><body>Bad gateway</body></html>",
    });
    const gateway = await failureOf(h.client.epayment.get(REF));
    expect(gateway).toMatchObject({ code: "VIPPS_SERVER_ERROR", status: 502, traceId: undefined });
    expect(gateway.message).toBe("epayment.get: HTTP 502");
    h.server.on("GET", `/epayment/v1/payments/${REF}`, {
      status: 200,
      json: { ...ex.paymentBody(), state: "CAPTURED" },
    });
    const bad = await failureOf(h.client.epayment.get(REF));
    expect(bad.code).toBe("VIPPS_BAD_RESPONSE");
    expect(bad.message).toContain("state");
    h.server.on("GET", `/epayment/v1/payments/${REF}`, { status: 200, text: "OK" });
    expect((await failureOf(h.client.epayment.get(REF))).message).toContain("not JSON");
  });

  it("bad arguments are refused before anything is sent", async () => {
    h = await startHarness();
    const refused = [
      h.client.epayment.capture("short", nok(100), "k"),
      h.client.epayment.capture(REF, nok(-1), "k"),
      h.client.epayment.capture(REF, { currency: "NOK", value: 49.5 }, "k"),
      h.client.epayment.capture(REF, { currency: "SEK" as never, value: 100 }, "k"),
      h.client.epayment.capture(REF, nok(100), "k".repeat(51)),
      h.client.epayment.capture(REF, nok(100), "key with spaces"),
    ];
    for (const promise of refused) {
      const error = await failureOf(promise);
      expect(error.code).toBe("VIPPS_INVALID_ARGUMENT");
      expect(error.attempts).toBe(0);
    }
    expect(h.server.requests).toHaveLength(0);
  });
});

describe("errorFacts", () => {
  it("reads every documented shape", () => {
    expect(errorFacts(ex.problemBody(409, "4020", "Conflict"))).toMatchObject({
      title: "Conflict",
      traceId: "00-4f7c0c2c7cf4d6f1-01",
      vippsCode: "4020",
    });
    expect(
      errorFacts({
        title: "Bad request",
        status: 400,
        detail: "Customer object is required.",
        extraDetails: [{ name: "customer", reason: "required" }],
      }),
    ).toEqual({ title: "Bad request", detail: "Customer object is required." });
    expect(errorFacts({ error: "slow_down" })).toEqual({ oauthError: "slow_down" });
    expect(errorFacts({ error: "invalid_client", error_description: "bad", trace_id: "t" })).toEqual({
      oauthError: "invalid_client",
      detail: "bad",
      traceId: "t",
    });
    expect(errorFacts({ error: "x", error_code: 400 })).toEqual({ oauthError: "x", oauthErrorCode: "400" });
    expect(
      errorFacts({ statusCode: 401, message: "Access denied due to invalid subscription key." }),
    ).toEqual({ title: "Access denied due to invalid subscription key." });
    expect(errorFacts({ extraDetails: [{ name: "errorCode", reason: 6080 }] })).toEqual({
      vippsCode: "6080",
    });
    expect(errorFacts("text")).toEqual({});
    expect(errorFacts(undefined)).toEqual({});
  });
});
