import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../../lib/manual-clock.js";
import {
  createBody,
  SimApi,
  startWebhookReceiver,
  type WebhookReceiver,
} from "../../test/helpers/vipps-sim.js";
import { isSimError, startVippsSimulator, type VippsSimulator } from "./index.js";

let sim: VippsSimulator | undefined;
let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await sim?.close();
  await receiver?.close();
});

describe("startVippsSimulator", () => {
  it("starts on a free loopback port with one NOK and one DKK sales unit whose credentials do not change between runs", async () => {
    sim = await startVippsSimulator();
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.salesUnits.map((u) => [u.msn, u.currency, u.brand])).toEqual([
      ["123456", "NOK", "Vipps"],
      ["234567", "DKK", "MobilePay"],
    ]);
    const again = await startVippsSimulator();
    try {
      expect(again.salesUnits).toEqual(sim.salesUnits);
      expect(again.port).not.toBe(sim.port);
    } finally {
      await again.close();
    }
    expect(sim.salesUnits[0]?.clientId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("takes sales units of its own, EUR included", async () => {
    sim = await startVippsSimulator({
      salesUnits: [
        {
          msn: "4321",
          currency: "EUR",
          clientId: "c",
          clientSecret: "s",
          subscriptionKey: "k",
          name: "Kiosk FI",
        },
      ],
    });
    expect(sim.salesUnits).toMatchObject([
      {
        msn: "4321",
        currency: "EUR",
        brand: "MobilePay",
        clientId: "c",
        clientSecret: "s",
        subscriptionKey: "k",
        name: "Kiosk FI",
      },
    ]);
  });

  it.each([
    [
      "duplicate MSNs",
      {
        salesUnits: [
          { msn: "1234", currency: "NOK" as const },
          { msn: "1234", currency: "DKK" as const },
        ],
      },
    ],
    ["a malformed MSN", { salesUnits: [{ msn: "12", currency: "NOK" as const }] }],
    ["an unknown currency", { salesUnits: [{ msn: "1234", currency: "SEK" as "NOK" }] }],
    ["no sales unit", { salesUnits: [] }],
    ["a negative retry delay", { webhooks: { retryDelaysMs: [-1] } }],
    ["a zero payment expiry", { paymentExpiryMs: 0 }],
    [
      "a bad default behaviour",
      { defaultBehaviour: { payment: { action: "wave" } as unknown as { action: "ignore" } } },
    ],
  ])("refuses %s with SIM_BAD_OPTIONS or SIM_BAD_REQUEST", async (_name, options) => {
    const error: unknown = await startVippsSimulator(options).then(
      async (s) => {
        await s.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(isSimError(error, ["SIM_BAD_OPTIONS", "SIM_BAD_REQUEST"])).toBe(true);
  });

  it("runs on the system clock when no clock is given", async () => {
    sim = await startVippsSimulator({ defaultBehaviour: { payment: { action: "approve", afterMs: 20 } } });
    const unit = sim.salesUnits[0];
    if (unit === undefined) throw new Error("no unit");
    const api = new SimApi(sim.url, unit);
    expect(
      (
        await api.call("POST", "/epayment/v1/payments", {
          body: createBody(unit, "kasse1-real-0001", { phoneNumber: "4791234567" }),
          idempotencyKey: "k",
        })
      ).status,
    ).toBe(201);
    const s = sim;
    await vi.waitFor(() => expect(s.control.payment("kasse1-real-0001").state).toBe("AUTHORIZED"), {
      timeout: 15_000,
      interval: 100,
    });
  });

  it("closes cleanly: idempotent, stops listening, cancels every timer on its clock", async () => {
    const clock = new ManualClock();
    sim = await startVippsSimulator({ clock });
    receiver = await startWebhookReceiver();
    const unit = sim.salesUnits[0];
    if (unit === undefined) throw new Error("no unit");
    const api = new SimApi(sim.url, unit);
    await api.call("POST", "/webhooks/v1/webhooks", {
      body: { url: receiver.url, events: ["epayments.payment.created.v1"] },
    });
    sim.control.setWebhookFaults({ reorder: true });
    await api.call("POST", "/epayment/v1/payments", {
      body: createBody(unit, "kasse1-close-001", { phoneNumber: "4791234567" }),
      idempotencyKey: "k",
    });
    sim.control.addFault({ endpoint: "qr.callback.list", latencyMs: 60_000 });
    const hanging = api.call("GET", "/qr/v1/merchant-callback").then(
      () => "answered",
      () => "failed",
    );
    await vi.waitFor(() => expect(clock.pending).toBeGreaterThanOrEqual(4)); // expiry, customer, reorder hold, latency
    await Promise.all([sim.close(), sim.close()]);
    expect(await hanging).toBe("failed");
    expect(clock.pending).toBe(0);
    await expect(fetch(`${sim.url}/_sim`)).rejects.toThrow();
  });
});
