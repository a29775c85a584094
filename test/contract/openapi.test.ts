import { describe, expect, it } from "vitest";
import * as ex from "./examples.js";
import { apiForPath, validateRequest, validateResponse, validateWebhookPayload } from "./openapi.js";

const bearer = {
  Authorization: "Bearer eyJ.token.sig",
  "Ocp-Apim-Subscription-Key": "sub-key",
  "Merchant-Serial-Number": ex.EXAMPLE_MSN,
};
const json = { "Content-Type": "application/json" };
const basic = { Authorization: `Basic ${Buffer.from("client-id:client-secret").toString("base64")}` };
const form = { "Content-Type": "application/x-www-form-urlencoded" };
const REF = ex.EXAMPLE_REFERENCE;

/** One problem containing `fragment` (so a negative test fails for the reason it names). */
function expectProblem(problems: string[], fragment: string): void {
  expect(
    problems.some((p) => p.includes(fragment)),
    `expected a problem with "${fragment}" in ${JSON.stringify(problems)}`,
  ).toBe(true);
}

describe("ePayment", () => {
  const createHeaders = { ...bearer, ...json, "Idempotency-Key": `${REF}-create` };

  it("accepts the POS create request and the push-flow answer", () => {
    expect(
      validateRequest("epayment", "POST", "/epayment/v1/payments", {
        headers: createHeaders,
        body: ex.createPaymentBody(),
      }),
    ).toEqual([]);
    expect(
      validateRequest("epayment", "POST", "https://apitest.vipps.no/epayment/v1/payments", {
        headers: createHeaders,
        body: JSON.stringify(ex.createPaymentBody()),
      }),
    ).toEqual([]);
    expect(
      validateResponse("epayment", "POST", "/epayment/v1/payments", 201, {
        contentType: "application/json",
        body: { reference: REF },
      }),
    ).toEqual([]);
  });

  it("refuses a create without Idempotency-Key, Bearer or a valid MSN", () => {
    const { ["Idempotency-Key"]: _key, ...noKey } = createHeaders;
    expectProblem(
      validateRequest("epayment", "POST", "/epayment/v1/payments", {
        headers: noKey,
        body: ex.createPaymentBody(),
      }),
      "header parameter Idempotency-Key: required",
    );
    expectProblem(
      validateRequest("epayment", "POST", "/epayment/v1/payments", {
        headers: { ...createHeaders, Authorization: "eyJ.token.sig" },
        body: ex.createPaymentBody(),
      }),
      "Bearer",
    );
    expectProblem(
      validateRequest("epayment", "POST", "/epayment/v1/payments", {
        headers: { ...createHeaders, "Merchant-Serial-Number": "12345678" },
        body: ex.createPaymentBody(),
      }),
      "Merchant-Serial-Number",
    );
    expectProblem(
      validateRequest("epayment", "POST", "/epayment/v1/payments", {
        headers: { ...createHeaders, "Idempotency-Key": "k".repeat(51) },
        body: ex.createPaymentBody(),
      }),
      "Idempotency-Key",
    );
  });

  it("accepts 7-digit MSNs (docs/vipps-api.md §1.2) but keeps the reference at 8–50 characters", () => {
    expect(
      validateRequest("epayment", "POST", "/epayment/v1/payments", {
        headers: { ...createHeaders, "Merchant-Serial-Number": "1234567" },
        body: ex.createPaymentBody(),
      }),
    ).toEqual([]);
    expect(
      validateRequest("epayment", "POST", "/epayment/v1/payments", {
        headers: createHeaders,
        body: ex.createPaymentBody("r".repeat(50)),
      }),
    ).toEqual([]);
    expectProblem(
      validateRequest("epayment", "POST", "/epayment/v1/payments", {
        headers: createHeaders,
        body: ex.createPaymentBody("r".repeat(51)),
      }),
      "request body /reference",
    );
    expectProblem(
      validateRequest("epayment", "GET", `/epayment/v1/payments/${"r".repeat(51)}`, { headers: bearer }),
      "path parameter reference",
    );
    expectProblem(
      validateRequest("epayment", "GET", "/epayment/v1/payments/short", { headers: bearer }),
      "path parameter reference",
    );
  });

  it("requires exactly one kind of customer", () => {
    const both = { ...ex.createPaymentBody(), customer: { customerToken: "tok", phoneNumber: "4791234567" } };
    expectProblem(
      validateRequest("epayment", "POST", "/epayment/v1/payments", { headers: createHeaders, body: both }),
      "request body /customer",
    );
    const phone = { ...ex.createPaymentBody(), customer: { phoneNumber: "4791234567" } };
    expect(
      validateRequest("epayment", "POST", "/epayment/v1/payments", { headers: createHeaders, body: phone }),
    ).toEqual([]);
  });

  it("resolves the receipt from the local order-management spec", () => {
    const body = ex.createPaymentBody() as { receipt: { orderLines: Record<string, unknown>[] } };
    delete body.receipt.orderLines[0]?.totalTaxAmount;
    expectProblem(
      validateRequest("epayment", "POST", "/epayment/v1/payments", { headers: createHeaders, body }),
      "/receipt/orderLines/0",
    );
    const float = ex.createPaymentBody();
    float.amount = { currency: "NOK", value: 49.5 };
    expectProblem(
      validateRequest("epayment", "POST", "/epayment/v1/payments", { headers: createHeaders, body: float }),
      "/amount/value",
    );
  });

  it("handles OpenAPI 3.0 nullable", () => {
    expect(
      validateRequest("epayment", "POST", "/epayment/v1/payments", {
        headers: createHeaders,
        body: { ...ex.createPaymentBody(), metadata: null },
      }),
    ).toEqual([]);
    expectProblem(
      validateRequest("epayment", "POST", "/epayment/v1/payments", {
        headers: createHeaders,
        body: { ...ex.createPaymentBody(), paymentDescription: null },
      }),
      "/paymentDescription",
    );
  });

  it("knows the live cancel body (cancelTransactionOnly) the old spec lacks", () => {
    const path = `/epayment/v1/payments/${REF}/cancel`;
    const headers = { ...bearer, ...json, "Idempotency-Key": `${REF}-cancel` };
    expect(
      validateRequest("epayment", "POST", path, { headers, body: { cancelTransactionOnly: true } }),
    ).toEqual([]);
    expect(validateRequest("epayment", "POST", path, { headers })).toEqual([]);
    expectProblem(
      validateRequest("epayment", "POST", path, { headers, body: { cancelTransactionsOnly: true } }),
      "cancelTransactionsOnly",
    );
    expectProblem(
      validateRequest("epayment", "POST", path, { headers, body: { cancelTransactionOnly: "yes" } }),
      "/cancelTransactionOnly",
    );
  });

  it("validates payment, event-log and modification answers", () => {
    expect(
      validateResponse("epayment", "GET", `/epayment/v1/payments/${REF}`, 200, {
        contentType: "application/json",
        body: ex.paymentBody(),
      }),
    ).toEqual([]);
    expectProblem(
      validateResponse("epayment", "GET", `/epayment/v1/payments/${REF}`, 200, {
        body: ex.paymentBody("CAPTURED"),
      }),
      "/state",
    );
    const { aggregate: _a, ...noAggregate } = ex.paymentBody();
    expectProblem(
      validateResponse("epayment", "GET", `/epayment/v1/payments/${REF}`, 200, { body: noAggregate }),
      "aggregate",
    );
    expect(
      validateResponse("epayment", "GET", `/epayment/v1/payments/${REF}/events`, 200, {
        body: ex.paymentEventsBody(),
      }),
    ).toEqual([]);
    for (const contentType of [
      "application/json",
      "application/problem+json",
      "application/json; charset=utf-8",
    ]) {
      expect(
        validateResponse("epayment", "POST", `/epayment/v1/payments/${REF}/capture`, 200, {
          contentType,
          body: ex.modificationBody(4900),
        }),
      ).toEqual([]);
    }
    expectProblem(
      validateResponse("epayment", "POST", `/epayment/v1/payments/${REF}/capture`, 200, {
        contentType: "text/html",
        body: "<html/>",
      }),
      "content type text/html",
    );
  });

  it("validates problem answers, documented or generic", () => {
    expect(
      validateResponse("epayment", "POST", `/epayment/v1/payments/${REF}/cancel`, 400, {
        contentType: "application/problem+json",
        body: ex.problemBody(400, "6060"),
      }),
    ).toEqual([]);
    expect(
      validateResponse("epayment", "GET", `/epayment/v1/payments/${REF}`, 429, {
        contentType: "application/problem+json",
        body: ex.problemBody(429),
      }),
    ).toEqual([]);
    expect(validateResponse("epayment", "GET", `/epayment/v1/payments/${REF}`, 503, {})).toEqual([]);
    expectProblem(
      validateResponse("epayment", "GET", `/epayment/v1/payments/${REF}`, 423, {
        contentType: "text/html",
        body: "locked",
      }),
      "must be JSON",
    );
    expectProblem(
      validateResponse("epayment", "GET", `/epayment/v1/payments/${REF}`, 418, {}),
      "status 418 is not documented",
    );
    const { traceId: _t, ...noTrace } = ex.problemBody(409);
    expectProblem(
      validateResponse("epayment", "POST", "/epayment/v1/payments", 409, { body: noTrace }),
      "traceId",
    );
  });

  it("validates the test-only force approve", () => {
    const path = `/epayment/v1/test/payments/${REF}/approve`;
    expect(
      validateRequest("epayment", "POST", path, {
        headers: { ...bearer, ...json },
        body: { customer: { phoneNumber: "4791234567" } },
      }),
    ).toEqual([]);
    expect(validateResponse("epayment", "POST", path, 200, {})).toEqual([]);
    expectProblem(
      validateResponse("epayment", "POST", path, 200, {
        contentType: "application/json",
        body: { ok: true },
      }),
      "none documented",
    );
  });
});

describe("QR", () => {
  const path = "/qr/v1/merchant-callback/kasse1";

  it("matches the /qr base path and validates the merchant-callback calls", () => {
    expect(
      validateRequest("qr", "PUT", path, {
        headers: { ...bearer, ...json },
        body: { locationDescription: "Kasse 1" },
      }),
    ).toEqual([]);
    expect(
      validateRequest("qr", "PUT", path, {
        headers: { ...bearer, ...json },
        body: { locationDescription: "Kasse 1", category: "IN_STORE" },
      }),
    ).toEqual([]);
    expect(validateResponse("qr", "PUT", path, 200, {})).toEqual([]);
    expect(
      validateRequest("qr", "GET", `${path}?QrImageFormat=PNG&QrImageSize=400`, { headers: bearer }),
    ).toEqual([]);
    expect(
      validateResponse("qr", "GET", path, 200, {
        contentType: "application/json",
        body: ex.merchantCallbackQrBody(),
      }),
    ).toEqual([]);
    expect(
      validateResponse("qr", "GET", "/qr/v1/merchant-callback", 200, {
        body: [ex.merchantCallbackQrBody(), ex.merchantCallbackQrBody("kasse2")],
      }),
    ).toEqual([]);
    expect(validateRequest("qr", "DELETE", path, { headers: bearer })).toEqual([]);
  });

  it("refuses bad merchant-callback calls", () => {
    expectProblem(
      validateRequest("qr", "PUT", path, {
        headers: { ...bearer, ...json },
        body: { locationDescription: "x".repeat(37) },
      }),
      "/locationDescription",
    );
    expectProblem(
      validateRequest("qr", "PUT", path, { headers: { ...bearer, ...json }, body: {} }),
      "locationDescription",
    );
    expectProblem(
      validateRequest("qr", "GET", `${path}?qrImageFormat=PNG`, { headers: bearer }),
      "query parameter qrImageFormat: not in the spec",
    );
    expectProblem(
      validateRequest("qr", "GET", path, { headers: bearer, query: { QrImageSize: "50" } }),
      "query parameter QrImageSize",
    );
    expectProblem(
      validateRequest("qr", "GET", path, { headers: bearer, query: { QrImageFormat: "GIF" } }),
      "QrImageFormat",
    );
    const { ["Merchant-Serial-Number"]: _m, ...noMsn } = bearer;
    expectProblem(
      validateRequest("qr", "DELETE", path, { headers: noMsn }),
      "Merchant-Serial-Number: required",
    );
    expectProblem(
      validateResponse("qr", "PUT", path, 200, {
        contentType: "application/json",
        body: ex.merchantCallbackQrBody(),
      }),
      "none documented",
    );
    expectProblem(validateRequest("qr", "PATCH", path, { headers: bearer }), "PATCH is not defined");
  });

  it("validates the customer token exchange", () => {
    const body = { customer: { customerToken: "tok" }, requestedData: ["MSISDN"] };
    expect(
      validateRequest("qr", "POST", "/qr/v1/exchange/customer", { headers: { ...bearer, ...json }, body }),
    ).toEqual([]);
    expectProblem(
      validateRequest("qr", "POST", "/qr/v1/exchange/customer", {
        headers: { ...bearer, ...json },
        body: { customer: {}, requestedData: ["MSISDN"] },
      }),
      "customerToken",
    );
    expectProblem(
      validateRequest("qr", "POST", "/qr/v1/exchange/customer", {
        headers: { ...bearer, ...json },
        body: { ...body, requestedData: ["EMAIL"] },
      }),
      "requestedData",
    );
    expect(
      validateResponse("qr", "POST", "/qr/v1/exchange/customer", 200, {
        body: { msisdn: "4798765432", timestamp: 1634025600 },
      }),
    ).toEqual([]);
    expect(
      validateResponse("qr", "POST", "/qr/v1/exchange/customer", 400, {
        body: {
          title: "Bad request",
          status: 400,
          detail: "x",
          extraDetails: [{ name: "customer", reason: "y" }],
        },
      }),
    ).toEqual([]);
  });
});

describe("Webhooks", () => {
  it("validates register, list and delete", () => {
    const body = { url: "https://bridge.example.com/vipps", events: ["user.checked-in.v1"] };
    expect(
      validateRequest("webhooks", "POST", "/webhooks/v1/webhooks", { headers: { ...bearer, ...json }, body }),
    ).toEqual([]);
    expectProblem(
      validateRequest("webhooks", "POST", "/webhooks/v1/webhooks", {
        headers: { ...bearer, ...json },
        body: { ...body, secret: "x" },
      }),
      "(secret)",
    );
    expect(
      validateResponse("webhooks", "POST", "/webhooks/v1/webhooks", 201, {
        contentType: "application/json",
        body: ex.webhookRegistrationBody(),
      }),
    ).toEqual([]);
    expectProblem(
      validateResponse("webhooks", "POST", "/webhooks/v1/webhooks", 200, {
        body: ex.webhookRegistrationBody(),
      }),
      "status 200 is not documented",
    );
    expectProblem(
      validateResponse("webhooks", "POST", "/webhooks/v1/webhooks", 201, {
        body: { ...ex.webhookRegistrationBody(), id: "not-a-uuid" },
      }),
      "/id",
    );
    expect(
      validateResponse("webhooks", "GET", "/webhooks/v1/webhooks", 200, {
        body: { webhooks: [{ id: ex.webhookRegistrationBody().id, url: body.url, events: body.events }] },
      }),
    ).toEqual([]);
    expectProblem(
      validateResponse("webhooks", "GET", "/webhooks/v1/webhooks", 200, {
        body: { webhooks: [{ ...ex.webhookRegistrationBody(), url: body.url, events: [] }] },
      }),
      "(secret)",
    );
    expect(
      validateResponse(
        "webhooks",
        "DELETE",
        `/webhooks/v1/webhooks/${String(ex.webhookRegistrationBody().id)}`,
        204,
        {},
      ),
    ).toEqual([]);
  });
});

describe("Access token", () => {
  const headers = {
    client_id: "0b5c6d3e-1111-2222-3333-444455556666",
    client_secret: "secret",
    "Ocp-Apim-Subscription-Key": "key",
    "Merchant-Serial-Number": ex.EXAMPLE_MSN,
  };

  it("takes credentials in headers and no body, and answers with strings", () => {
    expect(validateRequest("access-token", "POST", "/accesstoken/get", { headers })).toEqual([]);
    expectProblem(
      validateRequest("access-token", "POST", "/accesstoken/get", {
        headers: { ...headers, client_id: "not-a-guid" },
      }),
      "client_id",
    );
    expectProblem(
      validateRequest("access-token", "POST", "/accesstoken/get", {
        headers: { ...headers, ...json },
        body: "{}",
      }),
      "none expected",
    );
    expect(
      validateResponse("access-token", "POST", "/accesstoken/get", 200, {
        contentType: "application/json;charset=UTF-8",
        body: ex.accessTokenBody(),
      }),
    ).toEqual([]);
    expectProblem(
      validateResponse("access-token", "POST", "/accesstoken/get", 200, {
        body: { ...ex.accessTokenBody(), expires_in: 3600 },
      }),
      "/expires_in",
    );
  });
});

describe("Login (discovery, CIBA, token) and userinfo", () => {
  const ciba = "/vipps-login-ciba/api/backchannel/authentication";
  const cibaBody =
    "scope=openid%20name%20phoneNumber&login_hint=urn%3Amsisdn%3A4791234567&binding_message=4MZ-CQ3&requested_expiry=120";

  it("validates discovery", () => {
    expect(
      validateRequest("login", "GET", "/access-management-1.0/access/.well-known/openid-configuration", {}),
    ).toEqual([]);
    expect(
      validateResponse(
        "login",
        "GET",
        "/access-management-1.0/access/.well-known/openid-configuration",
        200,
        { body: ex.discoveryBody() },
      ),
    ).toEqual([]);
    const { token_endpoint: _t, ...noToken } = ex.discoveryBody();
    expectProblem(
      validateResponse(
        "login",
        "GET",
        "/access-management-1.0/access/.well-known/openid-configuration",
        200,
        { body: noToken },
      ),
      "token_endpoint",
    );
  });

  it("validates the hand-written CIBA start: Basic auth, form body, no subscription key", () => {
    expect(
      validateRequest("login", "POST", ciba, { headers: { ...basic, ...form }, body: cibaBody }),
    ).toEqual([]);
    expectProblem(
      validateRequest("login", "POST", ciba, {
        headers: { ...basic, ...form, "Ocp-Apim-Subscription-Key": "k" },
        body: cibaBody,
      }),
      "must not be sent",
    );
    expectProblem(
      validateRequest("login", "POST", ciba, {
        headers: { Authorization: "Bearer x", ...form },
        body: cibaBody,
      }),
      "Basic",
    );
    expectProblem(
      validateRequest("login", "POST", ciba, {
        headers: { ...basic, ...form },
        body: cibaBody.replace("openid%20", ""),
      }),
      "/scope",
    );
    expectProblem(
      validateRequest("login", "POST", ciba, {
        headers: { ...basic, ...form },
        body: cibaBody.replace("4MZ-CQ3", "4mz-cq3"),
      }),
      "/binding_message",
    );
    expectProblem(
      validateRequest("login", "POST", ciba, {
        headers: { ...basic, ...form },
        body: cibaBody.replace("urn%3Amsisdn%3A", ""),
      }),
      "/login_hint",
    );
    expectProblem(
      validateRequest("login", "POST", ciba, {
        headers: { ...basic, ...form },
        body: cibaBody.replace("120", "30"),
      }),
      "/requested_expiry",
    );
    expectProblem(
      validateRequest("login", "POST", ciba, { headers: { ...basic, ...json }, body: "{}" }),
      "content type application/json not documented",
    );
    expect(
      validateResponse("login", "POST", ciba, 200, {
        body: { auth_req_id: "req-1", expires_in: 120, interval: 5 },
      }),
    ).toEqual([]);
    expect(
      validateResponse("login", "POST", ciba, 400, {
        body: { error: "invalid_request", error_code: "old_app" },
      }),
    ).toEqual([]);
  });

  it("validates the CIBA token poll and its answers", () => {
    const token = "/access-management-1.0/access/oauth2/token";
    const body = new URLSearchParams({
      grant_type: "urn:openid:params:grant-type:ciba",
      auth_req_id: "req-1",
    });
    expect(validateRequest("login", "POST", token, { headers: { ...basic, ...form }, body })).toEqual([]);
    expectProblem(
      validateRequest("login", "POST", token, {
        headers: { ...basic, ...form },
        body: "grant_type=urn%3Aopenid%3Aparams%3Agrant-type%3Aciba",
      }),
      "auth_req_id",
    );
    expectProblem(validateRequest("login", "POST", token, { headers: { ...form }, body }), "authentication");
    for (const error of ["authorization_pending", "slow_down", "access_denied", "expired_token"]) {
      expect(validateResponse("login", "POST", token, 400, { body: { error } })).toEqual([]);
    }
    expect(
      validateResponse("login", "POST", token, 200, {
        body: { access_token: "at", token_type: "Bearer", expires_in: 300, id_token: "h.p.s" },
      }),
    ).toEqual([]);
    expectProblem(
      validateResponse("login", "POST", token, 200, { body: { access_token: "at", id_token: 5 } }),
      "/id_token",
    );
  });

  it("validates userinfo with the Login token and no subscription key", () => {
    expect(
      validateRequest("userinfo", "GET", "/vipps-userinfo-api/userinfo", {
        headers: { Authorization: "Bearer login-at" },
      }),
    ).toEqual([]);
    expectProblem(
      validateRequest("userinfo", "GET", "/vipps-userinfo-api/userinfo", {
        headers: { Authorization: "Bearer login-at", "Ocp-Apim-Subscription-Key": "k" },
      }),
      "must not be sent",
    );
    expect(
      validateResponse("userinfo", "GET", "/vipps-userinfo-api/userinfo", 200, {
        contentType: "application/json;charset=UTF-8",
        body: ex.userinfoBody(),
      }),
    ).toEqual([]);
    expectProblem(
      validateResponse("userinfo", "GET", "/vipps-userinfo-api/userinfo", 200, {
        body: { ...ex.userinfoBody(), phone_number: "+47 912 34 567" },
      }),
      "/phone_number",
    );
    expectProblem(
      validateResponse("userinfo", "GET", "/vipps-userinfo-api/userinfo", 200, {
        body: { ...ex.userinfoBody(), address: { country: "Norway" } },
      }),
      "/address/country",
    );
  });
});

describe("webhook payloads and routing", () => {
  it("validates user.checked-in.v1 and ePayment events", () => {
    const checkIn = {
      customerToken: "tok",
      merchantQrId: "kasse1",
      msn: ex.EXAMPLE_MSN,
      initiatedAt: "2023-10-06T10:45:40.3061965Z",
    };
    expect(validateWebhookPayload("user.checked-in.v1", JSON.stringify(checkIn))).toEqual([]);
    expectProblem(validateWebhookPayload("user.checked-in.v1", { ...checkIn, msn: undefined }), "msn");
    const event = {
      msn: ex.EXAMPLE_MSN,
      reference: ex.EXAMPLE_REFERENCE,
      pspReference: "p-2",
      name: "AUTHORIZED",
      amount: ex.amount(4900),
      timestamp: "2026-01-19T16:26:32.099Z",
      success: true,
    };
    expect(validateWebhookPayload("epayments.payment.authorized.v1", event)).toEqual([]);
    expectProblem(validateWebhookPayload("epayments.payment.captured.v1", event), "does not match");
    expectProblem(
      validateWebhookPayload("epayments.payment.authorized.v1", { ...event, success: "yes" }),
      "/success",
    );
    expectProblem(validateWebhookPayload("payment.unknown", event), "unknown event");
  });

  it("maps paths to their spec and reports unknown paths", () => {
    expect(apiForPath("/epayment/v1/payments/x")).toBe("epayment");
    expect(apiForPath("https://apitest.vipps.no/qr/v1/merchant-callback")).toBe("qr");
    expect(apiForPath("/vipps-login-ciba/api/backchannel/authentication")).toBe("login");
    expect(apiForPath("/accesstoken/get")).toBe("access-token");
    expect(apiForPath("/nope")).toBeUndefined();
    expectProblem(
      validateRequest("epayment", "GET", "/epayment/v2/payments", {}),
      "no path in the spec matches",
    );
  });
});
