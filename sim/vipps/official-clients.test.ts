import { inspect } from "node:util";
import { Client } from "@vippsmobilepay/sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  answerOf,
  startTestVippsSim,
  type ApiAnswer,
  type TestVippsSim,
} from "../../test/helpers/vipps-sim.js";

/**
 * The simulator must accept what Vipps MobilePay's own tools send, because Vipps accepts it.
 *
 * 1. Requests shaped like Vipps' published Postman collections: the ePayment collection
 *    (vippsas/vipps-epayment-api `tools/epayment-api-postman-collection.json`), the Webhooks
 *    collection (vippsas/webhooks-api `tools/Webhooks.postman_collection.json`) and the QR
 *    collection's token request (vippsas/vipps-qr-api `tools/qr-api-postman-collection.json`;
 *    its other requests are merchant-redirect QRs, which the simulator does not have). Method,
 *    path, the headers each request lists, the JSON body each sends, with the variables of the
 *    collections' environment files. Transcribed, not vendored: the repository stands alone.
 *    The collections leave `{{reference}}` and `{{internationalMobileNumber}}` unquoted (JSON
 *    numbers, as their pre-request script makes them); the spec types both as strings, and
 *    that is what is sent here.
 * 2. The official TypeScript SDK `@vippsmobilepay/sdk` (a dev dependency), pointed at the
 *    simulator by wrapping `fetch`: it only ever talks to https://apitest.vipps.no.
 */

let t: TestVippsSim;
beforeEach(async () => {
  t = await startTestVippsSim();
});
afterEach(async () => {
  await t.close();
});

const PHONE = "4791234567";

describe("requests shaped like Vipps' Postman collections", () => {
  /** The collections' environment: what `{{…}}` stands for. */
  const env = (): Record<string, string> => ({
    base_url: t.sim.url,
    client_id: t.unit.clientId,
    client_secret: t.unit.clientSecret,
    "Ocp-Apim-Subscription-Key": t.unit.subscriptionKey,
    merchantSerialNumber: t.unit.msn,
    vipps_system_name: "postman",
    vipps_system_version: "2.0",
    vipps_system_plugin_name: "vipps-postman",
    vipps_system_plugin_version: "2.0",
    amount: "10000",
    currency: "NOK",
    internationalMobileNumber: PHONE,
    // The ePayment collection's pre-request script: MSN + milliseconds since the epoch.
    reference: `${t.unit.msn}${t.clock.now()}`,
  });
  const SYSTEM = [
    "Vipps-System-Name: {{vipps_system_name}}",
    "Vipps-System-Version: {{vipps_system_version}}",
    "Vipps-System-Plugin-Name: {{vipps_system_plugin_name}}",
    "Vipps-System-Plugin-Version: {{vipps_system_plugin_version}}",
  ];
  const API = [
    "Authorization: Bearer {{access_token}}",
    "Ocp-Apim-Subscription-Key: {{Ocp-Apim-Subscription-Key}}",
    "Merchant-Serial-Number: {{merchantSerialNumber}}",
    ...SYSTEM,
  ];

  /** One collection request: `{{name}}` replaced everywhere, the raw body sent as Postman does. */
  async function send(
    vars: Record<string, string>,
    method: string,
    url: string,
    headers: readonly string[],
    raw?: string,
  ): Promise<ApiAnswer> {
    const fill = (s: string): string =>
      s.replace(/\{\{([\w-]+)\}\}/g, (_, k: string) => vars[k] ?? `{{${k}}}`);
    const h = new Headers();
    for (const line of headers) {
      const at = line.indexOf(": ");
      h.append(line.slice(0, at), fill(line.slice(at + 2)));
    }
    // Postman sets Content-Type for a raw JSON body ("language": "json") when the request lists none.
    if (raw !== undefined && raw !== "" && !h.has("content-type")) h.set("content-type", "application/json");
    return answerOf(
      await fetch(fill(url), { method, headers: h, ...(raw === undefined ? {} : { body: fill(raw) }) }),
    );
  }

  it("Get Access Token (ePayment, QR and Webhooks collections): POST /accessToken/get, empty body", async () => {
    const vars = env();
    const token = await send(
      vars,
      "POST",
      "{{base_url}}/accessToken/get",
      [
        "client_id: {{client_id}}",
        "client_secret: {{client_secret}}",
        "Ocp-Apim-Subscription-Key: {{Ocp-Apim-Subscription-Key}}",
        "Merchant-Serial-Number: {{merchantSerialNumber}}",
        ...SYSTEM,
      ],
      "",
    );
    expect(token.status).toBe(200);
    expect((token.body as { access_token: string }).access_token).toMatch(/.{20,}/);
  });

  it("the ePayment collection: create (web redirect), force approve, get, capture, refund, events, cancel", async () => {
    const vars = env();
    const token = await send(vars, "POST", "{{base_url}}/accessToken/get", [
      "client_id: {{client_id}}",
      "client_secret: {{client_secret}}",
      "Ocp-Apim-Subscription-Key: {{Ocp-Apim-Subscription-Key}}",
      "Merchant-Serial-Number: {{merchantSerialNumber}}",
      ...SYSTEM,
    ]);
    vars.access_token = (token.body as { access_token: string }).access_token;
    const write = (key: string) => [...API, "Content-Type: application/json", `Idempotency-Key: ${key}`];

    const created = await send(
      vars,
      "POST",
      "{{base_url}}/epayment/v1/payments",
      write("b3e1f0d2-0c6e-4a8e-9d51-2f0f6b7d1a01"),
      `{
  "amount": { "value": {{amount}}, "currency": "{{currency}}" },
  "paymentMethod": { "type": "WALLET" },
  "customer": { "phoneNumber": "{{internationalMobileNumber}}" },
  "reference": "{{reference}}",
  "userFlow": "WEB_REDIRECT",
  "returnUrl": "https://example.com/redirect?reference={{reference}}",
  "paymentDescription": "Purchase of socks"
}`,
    );
    expect(created.status).toBe(201);
    // The collection keeps the landing page's token for the force approve.
    vars.payment_token =
      new URL((created.body as { redirectUrl: string }).redirectUrl).searchParams.get("token") ?? "";

    const approved = await send(
      vars,
      "POST",
      "{{base_url}}/epayment/v1/test/payments/{{reference}}/approve",
      [...API, "Content-Type: application/json"],
      `{
  "customer": { "phoneNumber": "{{internationalMobileNumber}}" },
  "token": "{{payment_token}}"
}`,
    );
    expect(approved.status).toBe(200);

    const read = [...API, "Accept: application/json"];
    const payment = await send(vars, "GET", "{{base_url}}/epayment/v1/payments/{{reference}}", read);
    expect(payment.body).toMatchObject({ reference: vars.reference, state: "AUTHORIZED" });

    const modify = (key: string) => [...write(key), "Accept: application/problem+json"];
    const amount = `{
  "modificationAmount": { "value": 1000, "currency": "NOK" }
}`;
    const capture = await send(
      vars,
      "POST",
      "{{base_url}}/epayment/v1/payments/{{reference}}/capture",
      modify("b3e1f0d2-0c6e-4a8e-9d51-2f0f6b7d1a02"),
      amount,
    );
    expect(capture.status).toBe(200);
    const refund = await send(
      vars,
      "POST",
      "{{base_url}}/epayment/v1/payments/{{reference}}/refund",
      modify("b3e1f0d2-0c6e-4a8e-9d51-2f0f6b7d1a03"),
      amount,
    );
    expect(refund.status).toBe(200);
    const events = await send(vars, "GET", "{{base_url}}/epayment/v1/payments/{{reference}}/events", read);
    expect((events.body as { name: string }[]).map((e) => e.name)).toEqual([
      "CREATED",
      "AUTHORIZED",
      "CAPTURED",
      "REFUNDED",
    ]);
    // Cancel: no body and no Content-Type, as the collection sends it; releases the rest.
    const cancel = await send(vars, "POST", "{{base_url}}/epayment/v1/payments/{{reference}}/cancel", [
      ...API,
      "Idempotency-Key: b3e1f0d2-0c6e-4a8e-9d51-2f0f6b7d1a04",
      "Accept: application/problem+json",
    ]);
    expect(cancel.status).toBe(200);
    expect(t.sim.control.payment(vars.reference ?? "")).toMatchObject({
      captured: 1000,
      refunded: 1000,
      cancelled: 9000,
    });
  });

  it("the Webhooks collection: register, get all, delete last", async () => {
    const vars = {
      ...env(),
      callbackUrl: "http://127.0.0.1:9/vipps/webhooks",
    };
    // The collection hard-codes https://apitest.vipps.no/accessToken/get here; same path.
    const token = await send(vars, "POST", "{{base_url}}/accessToken/get", [
      "client_id: {{client_id}}",
      "client_secret: {{client_secret}}",
      "Ocp-Apim-Subscription-Key: {{Ocp-Apim-Subscription-Key}}",
      "Merchant-Serial-Number: {{merchantSerialNumber}}",
      ...SYSTEM,
    ]);
    // The collection's requests use Postman's bearer auth: it adds the Authorization header.
    const headers = [
      "Ocp-Apim-Subscription-Key: {{Ocp-Apim-Subscription-Key}}",
      "Merchant-Serial-Number: {{merchantSerialNumber}}",
      ...SYSTEM,
      `Authorization: Bearer ${(token.body as { access_token: string }).access_token}`,
    ];
    const registered = await send(
      vars,
      "POST",
      "{{base_url}}/webhooks/v1/webhooks",
      headers,
      '{\r\n    "url": "{{callbackUrl}}",\r\n    "events": ["epayments.payment.captured.v1"]\r\n}',
    );
    expect(registered.status).toBe(201);
    const id = (registered.body as { id: string }).id;
    const all = await send(vars, "GET", "{{base_url}}/webhooks/v1/webhooks", headers);
    expect(all.body).toMatchObject({ webhooks: [{ id, url: vars.callbackUrl }] });
    const deleted = await send(
      { ...vars, webhook_id: id },
      "DELETE",
      "{{base_url}}/webhooks/v1/webhooks/{{webhook_id}}",
      headers,
    );
    expect(deleted.status).toBe(204);
  });
});

describe("the official SDK, @vippsmobilepay/sdk, pointed at the simulator", () => {
  const realFetch = globalThis.fetch;
  const sent: { method: string; path: string; headers: Headers }[] = [];
  beforeEach(() => {
    sent.length = 0;
    // The SDK builds `https://apitest.vipps.no/…` Requests and calls the global fetch with them.
    globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      if (url.origin !== "https://apitest.vipps.no") throw new Error(`the SDK called ${url.origin}`);
      sent.push({ method: request.method, path: url.pathname, headers: request.headers });
      const body = request.method === "GET" ? undefined : await request.arrayBuffer();
      return realFetch(`${t.sim.url}${url.pathname}${url.search}`, {
        method: request.method,
        headers: request.headers,
        ...(body === undefined || body.byteLength === 0 ? {} : { body }),
      });
    };
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  /** The data of an SDK answer that must have succeeded. */
  function dataOf<T>(result: { ok: true; data: T } | { ok: false; error: unknown }): T {
    if (!result.ok) throw new Error(`the SDK was refused: ${inspect(result.error)}`);
    return result.data;
  }

  const client = () =>
    Client({
      merchantSerialNumber: t.unit.msn,
      subscriptionKey: t.unit.subscriptionKey,
      useTestMode: true,
      // Its retry re-sends a consumed Request, which Node's fetch refuses; nothing here needs it.
      retryRequests: false,
    });

  it("gets a token, creates, force-approves, captures, refunds, reads and cancels a payment", async () => {
    const sdk = client();
    const accessToken = dataOf(await sdk.auth.getToken(t.unit.clientId, t.unit.clientSecret)).access_token;
    const reference = "sdk-test-00000001";
    const created = await sdk.payment.create(accessToken, {
      amount: { currency: "NOK", value: 10_000 },
      paymentMethod: { type: "WALLET" },
      customer: { phoneNumber: PHONE },
      reference,
      userFlow: "PUSH_MESSAGE",
      paymentDescription: "Kaffe og bolle",
      receipt: {
        orderLines: [
          {
            name: "Kaffe",
            id: "1",
            totalAmount: 10_000,
            totalAmountExcludingTax: 8_000,
            totalTaxAmount: 2_000,
            taxRate: 2_500,
          },
        ],
        bottomLine: { currency: "NOK", posId: "kasse1", receiptNumber: "000001" },
      },
    });
    expect(created).toMatchObject({ ok: true, data: { reference } });
    expect(
      await sdk.payment.forceApprove(accessToken, reference, { customer: { phoneNumber: PHONE } }),
    ).toMatchObject({ ok: true });
    const info = await sdk.payment.info(accessToken, reference);
    expect(info).toMatchObject({ ok: true, data: { state: "AUTHORIZED", reference } });
    const amount = { modificationAmount: { currency: "NOK" as const, value: 4_000 } };
    expect(await sdk.payment.capture(accessToken, reference, amount)).toMatchObject({
      ok: true,
      data: { aggregate: { capturedAmount: { value: 4_000 } } },
    });
    expect(await sdk.payment.refund(accessToken, reference, amount)).toMatchObject({
      ok: true,
      data: { aggregate: { refundedAmount: { value: 4_000 } } },
    });
    const history = dataOf(await sdk.payment.history(accessToken, reference));
    expect(history.map((e) => e.name)).toEqual(["CREATED", "AUTHORIZED", "CAPTURED", "REFUNDED"]);
    expect(await sdk.payment.cancel(accessToken, reference)).toMatchObject({
      ok: true,
      data: { aggregate: { cancelledAmount: { value: 6_000 } } },
    });
    // It sent what it always sends: a random Idempotency-Key on every request, empty
    // Vipps-System-* headers, and its own User-Agent.
    expect(sent.map((s) => `${s.method} ${s.path}`)).toContain("POST /accesstoken/get");
    expect(sent.every((s) => /^Vipps\/Deno-SDK\//.test(s.headers.get("user-agent") ?? ""))).toBe(true);
    expect(new Set(sent.map((s) => s.headers.get("idempotency-key"))).size).toBe(sent.length);
  });

  it("registers, lists and deletes a webhook", async () => {
    const sdk = client();
    const token = dataOf(await sdk.auth.getToken(t.unit.clientId, t.unit.clientSecret)).access_token;
    const url = "http://127.0.0.1:9/vipps/webhooks";
    const registered = dataOf(
      await sdk.webhook.register(token, { url, events: ["epayments.payment.authorized.v1"] }),
    );
    const list = await sdk.webhook.list(token);
    expect(list).toMatchObject({ ok: true, data: { webhooks: [{ id: registered.id, url }] } });
    expect(await sdk.webhook.delete(token, registered.id)).toMatchObject({ ok: true });
  });

  it("gets the refusals in the shapes its types expect: a Problem for ePayment, OAuth for the token", async () => {
    const sdk = client();
    const token = dataOf(await sdk.auth.getToken(t.unit.clientId, t.unit.clientSecret)).access_token;
    const missing = await sdk.payment.info(token, "sdk-test-missing");
    expect(missing).toMatchObject({
      ok: false,
      error: {
        status: 404,
        extraDetails: [{ name: "ErrorCode", reason: "5090" }],
      },
    });
    const refused = await sdk.auth.getToken(t.unit.clientId, "wrong-secret");
    expect(refused).toMatchObject({ ok: false, error: { error: "invalid_client" } });
  });
});
