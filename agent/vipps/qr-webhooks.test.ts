import { afterEach, describe, expect, it } from "vitest";
import * as ex from "../../test/contract/examples.js";
import { startHarness, tokenReply, type Harness } from "../../test/helpers/vipps-client-harness.js";
import { isVippsError } from "./index.js";

const QR = "/qr/v1/merchant-callback";
let h: Harness;

afterEach(async () => {
  expect(h.contractProblems()).toEqual([]);
  await h.close();
});

async function harness(): Promise<Harness> {
  const started = await startHarness();
  started.server.on("POST", "/accesstoken/get", tokenReply());
  return started;
}

async function expectInvalid(promise: Promise<unknown>, message: string): Promise<void> {
  const error: unknown = await promise.catch((e: unknown) => e);
  expect(isVippsError(error, "VIPPS_INVALID_ARGUMENT")).toBe(true);
  expect((error as Error).message).toContain(message);
}

describe("QR merchant callback", () => {
  it("puts, gets (with image options), lists and deletes", async () => {
    h = await harness();
    h.server.on("PUT", `${QR}/kasse1`, { status: 200 });
    h.server.on("GET", `${QR}/kasse1`, { status: 200, json: ex.merchantCallbackQrBody() });
    h.server.on("GET", QR, {
      status: 200,
      json: [ex.merchantCallbackQrBody(), ex.merchantCallbackQrBody("kasse2")],
    });
    h.server.on("DELETE", `${QR}/kasse1`, { status: 200 });
    await h.client.qr.putMerchantCallback("kasse1", { locationDescription: "Kasse 1", category: "IN_STORE" });
    expect(JSON.parse(h.server.requestsTo("PUT", `${QR}/kasse1`)[0]?.text ?? "")).toEqual({
      locationDescription: "Kasse 1",
      category: "IN_STORE",
    });
    const qr = await h.client.qr.getMerchantCallback("kasse1", { format: "PNG", size: 400 });
    expect(qr.qrContent).toBe("https://qr.vipps.no/28/2/01/031/abcdef");
    expect(h.server.requestsTo("GET", `${QR}/kasse1`)[0]?.url).toBe(
      `${QR}/kasse1?QrImageFormat=PNG&QrImageSize=400`,
    );
    expect((await h.client.qr.listMerchantCallbacks({ format: "SVG" })).map((q) => q.merchantQrId)).toEqual([
      "kasse1",
      "kasse2",
    ]);
    expect(h.server.requestsTo("GET", QR)[0]?.url).toBe(`${QR}?QrImageFormat=SVG`);
    await h.client.qr.deleteMerchantCallback("kasse1");
    expect(h.server.requestsTo("DELETE", `${QR}/kasse1`)).toHaveLength(1);
    for (const r of h.server.requests.filter((r) => r.pathname.startsWith("/qr/"))) {
      expect(r.headers["merchant-serial-number"]).toBe(ex.EXAMPLE_MSN);
    }
  });

  it("refuses bad ids, descriptions and image options without sending", async () => {
    h = await harness();
    await expectInvalid(
      h.client.qr.putMerchantCallback("kasse/1", { locationDescription: "Kasse 1" }),
      "merchantQrId",
    );
    await expectInvalid(
      h.client.qr.putMerchantCallback("kasse1", { locationDescription: "x".repeat(37) }),
      "locationDescription",
    );
    await expectInvalid(
      h.client.qr.putMerchantCallback("kasse1", { locationDescription: "" }),
      "locationDescription",
    );
    await expectInvalid(h.client.qr.getMerchantCallback("kasse1", { format: "SVG", size: 400 }), "PNG only");
    await expectInvalid(h.client.qr.getMerchantCallback("kasse1", { format: "PNG", size: 50 }), "100–2000");
    await expectInvalid(h.client.qr.deleteMerchantCallback(""), "merchantQrId");
    expect(h.server.requests).toHaveLength(0);
  });

  it("exchanges a customer token for the MSISDN", async () => {
    h = await harness();
    h.server.on("POST", "/qr/v1/exchange/customer", {
      status: 200,
      json: { msisdn: "4798765432", timestamp: 1634025600 },
    });
    expect(await h.client.qr.exchangeCustomerToken("customer-token-abc")).toEqual({
      msisdn: "4798765432",
      timestamp: 1634025600,
    });
    expect(JSON.parse(h.server.requestsTo("POST", "/qr/v1/exchange/customer")[0]?.text ?? "")).toEqual({
      customer: { customerToken: "customer-token-abc" },
      requestedData: ["MSISDN"],
    });
    await expectInvalid(h.client.qr.exchangeCustomerToken(""), "customerToken");
  });
});

describe("webhooks", () => {
  it("registers (the secret comes back once), lists and deletes", async () => {
    h = await harness();
    h.server.on("POST", "/webhooks/v1/webhooks", { status: 201, json: ex.webhookRegistrationBody() });
    h.server.on("GET", "/webhooks/v1/webhooks", {
      status: 200,
      json: {
        webhooks: [
          {
            id: ex.webhookRegistrationBody().id,
            url: "https://bridge.example.com/vipps",
            events: ["user.checked-in.v1"],
          },
        ],
      },
    });
    h.server.on("DELETE", /^\/webhooks\/v1\/webhooks\/[0-9a-f-]+$/, { status: 204 });
    const registered = await h.client.webhooks.register({
      url: "https://bridge.example.com/vipps",
      events: ["user.checked-in.v1", "epayments.payment.authorized.v1"],
    });
    expect(registered).toEqual(ex.webhookRegistrationBody());
    expect(JSON.parse(h.server.requestsTo("POST", "/webhooks/v1/webhooks")[0]?.text ?? "")).toEqual({
      url: "https://bridge.example.com/vipps",
      events: ["user.checked-in.v1", "epayments.payment.authorized.v1"],
    });
    expect(await h.client.webhooks.list()).toEqual([
      { id: registered.id, url: "https://bridge.example.com/vipps", events: ["user.checked-in.v1"] },
    ]);
    await h.client.webhooks.delete(registered.id);
    expect(h.server.requests.at(-1)?.url).toBe(`/webhooks/v1/webhooks/${registered.id}`);
  });

  it("accepts plain http only to loopback, and refuses bad events and ids", async () => {
    h = await harness();
    h.server.on("POST", "/webhooks/v1/webhooks", { status: 201, json: ex.webhookRegistrationBody() });
    await h.client.webhooks.register({ url: "http://127.0.0.1:9000/hook", events: ["user.checked-in.v1"] });
    await expectInvalid(
      h.client.webhooks.register({ url: "http://bridge.example.com/hook", events: ["user.checked-in.v1"] }),
      "https",
    );
    await expectInvalid(
      h.client.webhooks.register({ url: "https://bridge.example.com/hook", events: [] }),
      "events",
    );
    await expectInvalid(h.client.webhooks.delete("not-a-uuid"), "UUID");
    expect(h.server.requestsTo("POST", "/webhooks/v1/webhooks")).toHaveLength(1);
  });
});
