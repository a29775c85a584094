import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { verifyWebhookSignature } from "../../../lib/webhook-signature.js";
import {
  createBody,
  signatureHeadersOf,
  SimApi,
  startTestVippsSim,
  startWebhookReceiver,
  type TestVippsSim,
  type WebhookReceiver,
} from "../../../test/helpers/vipps-sim.js";
import type { DeliveryRecord } from "../index.js";

let t: TestVippsSim;
let api: SimApi;
let receiver: WebhookReceiver;
beforeEach(async () => {
  t = await startTestVippsSim({ webhooks: { retryDelaysMs: [1_000, 2_000], timeoutMs: 10_000 } });
  api = new SimApi(t.sim.url, t.unit);
  receiver = await startWebhookReceiver();
  await api.call("PUT", "/qr/v1/merchant-callback/kasse1", { body: { locationDescription: "Kasse 1" } });
});
afterEach(async () => {
  await t.close();
  await receiver.close();
});

async function registerReceiver(events: string[]): Promise<string> {
  const a = await api.call("POST", "/webhooks/v1/webhooks", { body: { url: receiver.url, events } });
  expect(a.status).toBe(201);
  return (a.body as { secret: string }).secret;
}

const scan = () => t.sim.control.scan({ msisdn: "4791234567", msn: t.unit.msn, merchantQrId: "kasse1" });

function delivery(id: string): DeliveryRecord {
  const d = t.sim.control.deliveries().find((x) => x.id === id);
  if (d === undefined) throw new Error(`no delivery ${id}`);
  return d;
}

async function attempts(id: string, n: number): Promise<DeliveryRecord> {
  await vi.waitFor(() => expect(delivery(id).attempts.length).toBeGreaterThanOrEqual(n), {
    timeout: 10_000,
    interval: 10,
  });
  return delivery(id);
}

describe("user.checked-in.v1", () => {
  it("is delivered with the documented payload, HMAC-signed over the registered URL", async () => {
    const secret = await registerReceiver(["user.checked-in.v1"]);
    const result = scan();
    const [hook] = await receiver.waitFor(1);
    if (hook === undefined) throw new Error("no webhook");
    expect(hook.path).toBe("/hooks/vipps");
    expect(hook.json).toEqual({
      customerToken: result.customerToken,
      merchantQrId: "kasse1",
      msn: t.unit.msn,
      initiatedAt: result.initiatedAt,
    });
    expect(result.initiatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    expect(Date.parse(result.initiatedAt)).toBe(t.clock.now());
    expect(hook.headers["x-ms-date"]).toBe(new Date(t.clock.now()).toUTCString());
    const headers = signatureHeadersOf(hook);
    expect(
      verifyWebhookSignature({
        secrets: [secret],
        registeredUrl: receiver.url,
        rawBody: hook.rawBody,
        headers,
      }),
    ).toBe(true);
    expect(
      verifyWebhookSignature({
        secrets: ["another secret"],
        registeredUrl: receiver.url,
        rawBody: hook.rawBody,
        headers,
      }),
    ).toBe(false);
    expect(
      verifyWebhookSignature({
        secrets: [secret],
        registeredUrl: receiver.url,
        rawBody: Buffer.concat([hook.rawBody, Buffer.from(" ")]),
        headers,
      }),
    ).toBe(false);
    // The receiver has the body before the simulator has read its 2xx: wait for the attempt.
    expect((await attempts(result.deliveryIds[0] ?? "", 1)).state).toBe("delivered");
  });

  it("goes nowhere without a registration, and scanning an unknown or deleted QR fails", async () => {
    expect(scan().deliveryIds).toEqual([]);
    expect(() => t.sim.control.scan({ msisdn: "4791234567", msn: t.unit.msn, merchantQrId: "nope" })).toThrow(
      /not found/,
    );
    const qr = t.sim.control.qrs(t.unit.msn)[0];
    await api.call("DELETE", "/qr/v1/merchant-callback/kasse1");
    expect(() => t.sim.control.scan({ msisdn: "4791234567", qrContent: qr?.qrContent ?? "" })).toThrow(
      /not found/,
    );
  });
});

describe("ePayment webhooks", () => {
  it("carry msn, reference, the event's own pspReference, name, amount, timestamp, idempotencyKey and success", async () => {
    const secret = await registerReceiver([
      "epayments.payment.created.v1",
      "epayments.payment.authorized.v1",
      "epayments.payment.captured.v1",
    ]);
    await api.call("POST", "/epayment/v1/payments", {
      body: createBody(t.unit, "kasse1-hook-0001", { phoneNumber: "4791234567" }),
      idempotencyKey: "k-create",
    });
    t.sim.control.approvePayment("kasse1-hook-0001");
    await api.call("POST", "/epayment/v1/payments/kasse1-hook-0001/capture", {
      body: { modificationAmount: { currency: "NOK", value: 4900 } },
      idempotencyKey: "k-capture",
    });
    const hooks = await receiver.waitFor(3);
    expect(hooks.map((h) => h.json.name)).toEqual(["CREATED", "AUTHORIZED", "CAPTURED"]);
    const events = (await api.call("GET", "/epayment/v1/payments/kasse1-hook-0001/events")).body as {
      pspReference: string;
    }[];
    for (const [i, hook] of hooks.entries()) {
      expect(Object.keys(hook.json).sort()).toEqual([
        "amount",
        "idempotencyKey",
        "msn",
        "name",
        "pspReference",
        "reference",
        "success",
        "timestamp",
      ]);
      expect(hook.json).toMatchObject({
        msn: t.unit.msn,
        reference: "kasse1-hook-0001",
        amount: { currency: "NOK", value: 4900 },
        success: true,
      });
      expect(hook.json.pspReference).toBe(events[i]?.pspReference);
      const headers = signatureHeadersOf(hook);
      expect(
        verifyWebhookSignature({
          secrets: [secret],
          registeredUrl: receiver.url,
          rawBody: hook.rawBody,
          headers,
        }),
      ).toBe(true);
    }
    expect(hooks.map((h) => h.json.idempotencyKey)).toEqual(["k-create", null, "k-capture"]);
    expect(new Set(hooks.map((h) => h.json.pspReference)).size).toBe(3);
  });

  it("reach only the registrations subscribed to that event", async () => {
    await registerReceiver(["epayments.payment.captured.v1"]);
    await api.call("POST", "/epayment/v1/payments", {
      body: createBody(t.unit, "kasse1-hook-0002", { phoneNumber: "4791234567" }),
      idempotencyKey: "k2",
    });
    expect(t.sim.control.deliveries()).toEqual([]);
  });
});

describe("delivery failures", () => {
  it("retries a non-2xx on the configured schedule, re-signing each attempt", async () => {
    const secret = await registerReceiver(["user.checked-in.v1"]);
    receiver.respond = (n) => (n < 2 ? 500 : 200);
    const id = scan().deliveryIds[0] ?? "";
    await attempts(id, 1);
    t.clock.advance(999);
    expect(delivery(id).attempts).toHaveLength(1);
    t.clock.advance(1);
    await attempts(id, 2);
    t.clock.advance(2_000);
    await attempts(id, 3);
    const d = delivery(id);
    expect(d.state).toBe("delivered");
    expect(d.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    const dates = receiver.received.map((h) => h.headers["x-ms-date"]);
    expect(new Set(dates).size).toBe(3);
    for (const hook of receiver.received) {
      const headers = signatureHeadersOf(hook);
      expect(
        verifyWebhookSignature({
          secrets: [secret],
          registeredUrl: receiver.url,
          rawBody: hook.rawBody,
          headers,
        }),
      ).toBe(true);
    }
  });

  it("counts no answer within the timeout as a failure", async () => {
    await registerReceiver(["user.checked-in.v1"]);
    receiver.respond = (n) => (n === 0 ? "hang" : 200);
    const id = scan().deliveryIds[0] ?? "";
    await vi.waitFor(() => expect(receiver.requestCount()).toBe(1));
    t.clock.advance(10_000);
    const first = await attempts(id, 1);
    expect(first.attempts[0]?.error).toMatch(/no answer within 10000 ms/);
    t.clock.advance(1_000);
    expect((await attempts(id, 2)).attempts[1]?.status).toBe(200);
  });

  it("gives up after the last retry, then delivers what queued behind", async () => {
    await registerReceiver(["user.checked-in.v1"]);
    receiver.respond = (_n, body) =>
      body.merchantQrId === "kasse1" && (body.customerToken as string) === first.customerToken ? 503 : 200;
    const first = scan();
    const id = first.deliveryIds[0] ?? "";
    await attempts(id, 1);
    const second = scan().deliveryIds[0] ?? "";
    t.clock.advance(1_000);
    await attempts(id, 2);
    expect(delivery(second).attempts).toHaveLength(0);
    t.clock.advance(2_000);
    await attempts(id, 3);
    expect(delivery(id).state).toBe("failed");
    await attempts(second, 1);
    expect(delivery(second).state).toBe("delivered");
  });

  it("delivers in order per registration: a failing event blocks the ones behind it", async () => {
    await registerReceiver(["epayments.payment.created.v1", "epayments.payment.aborted.v1"]);
    receiver.respond = (n) => (n === 0 ? 500 : 200);
    await api.call("POST", "/epayment/v1/payments", {
      body: createBody(t.unit, "kasse1-order-001", { phoneNumber: "4791234567" }),
      idempotencyKey: "k1",
    });
    const [created] = t.sim.control.deliveries();
    await attempts(created?.id ?? "", 1);
    t.sim.control.declinePayment("kasse1-order-001");
    const aborted = t.sim.control.deliveries({ event: "epayments.payment.aborted.v1" })[0];
    expect(delivery(aborted?.id ?? "").attempts).toHaveLength(0);
    t.clock.advance(1_000);
    await receiver.waitFor(3);
    expect(receiver.received.map((h) => h.json.name)).toEqual(["CREATED", "CREATED", "ABORTED"]);
  });

  it("drops what is queued for a registration when it is deleted", async () => {
    await registerReceiver(["user.checked-in.v1"]);
    receiver.respond = () => 500;
    const id = scan().deliveryIds[0] ?? "";
    await attempts(id, 1);
    const [registration] = t.sim.control.webhookRegistrations();
    expect((await api.call("DELETE", `/webhooks/v1/webhooks/${registration?.id ?? ""}`)).status).toBe(204);
    expect(delivery(id).state).toBe("cancelled");
    t.clock.advance(10_000);
    expect(delivery(id).attempts).toHaveLength(1);
  });
});

describe("webhook network faults", () => {
  it("delays every delivery by delayMs", async () => {
    await registerReceiver(["user.checked-in.v1"]);
    t.sim.control.setWebhookFaults({ delayMs: 5_000 });
    const id = scan().deliveryIds[0] ?? "";
    t.clock.advance(4_999);
    expect(delivery(id).attempts).toHaveLength(0);
    t.clock.advance(1);
    await receiver.waitFor(1);
  });

  it("duplicates deliveries", async () => {
    await registerReceiver(["user.checked-in.v1"]);
    t.sim.control.setWebhookFaults({ duplicateRate: 1 });
    scan();
    const [a, b] = await receiver.waitFor(2);
    expect(a?.rawBody.equals(b?.rawBody ?? Buffer.alloc(0))).toBe(true);
    expect(t.sim.control.deliveries().filter((d) => d.duplicateOf !== undefined)).toHaveLength(1);
  });

  it("reorders consecutive deliveries", async () => {
    await registerReceiver(["user.checked-in.v1"]);
    t.sim.control.setWebhookFaults({ reorder: true });
    const first = scan();
    const second = scan();
    const hooks = await receiver.waitFor(2);
    expect(hooks.map((h) => h.json.customerToken)).toEqual([second.customerToken, first.customerToken]);
  });

  it("releases a held delivery after the reorder window when nothing follows", async () => {
    await registerReceiver(["user.checked-in.v1"]);
    t.sim.control.setWebhookFaults({ reorder: true, reorderWindowMs: 2_000 });
    const id = scan().deliveryIds[0] ?? "";
    t.clock.advance(1_999);
    expect(delivery(id).attempts).toHaveLength(0);
    t.clock.advance(1);
    await receiver.waitFor(1);
  });

  it("refuses malformed webhook faults", () => {
    expect(() => t.sim.control.setWebhookFaults({ duplicateRate: 2 })).toThrow(/probability/);
    expect(() => t.sim.control.setWebhookFaults({ delayMs: -1 })).toThrow(/milliseconds/);
  });
});
