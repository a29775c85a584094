import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createMqttLink, type CheckIn, type MqttLink, type PaymentEvent } from "../agent/mqtt/index.js";
import { openDatabase } from "../agent/store/database.js";
import { silentLogger } from "../lib/log.js";
import { startMosquitto, type MosquittoBroker } from "../test/helpers/mosquitto.js";
import {
  TEST_MSN,
  TEST_WEBHOOK_SECRET,
  TEST_WEBHOOK_URL,
  linkConfig,
  linkSecrets,
} from "../test/helpers/mqtt-link-fixtures.js";
import { tempDir } from "../test/helpers/temp-dir.js";
import {
  checkInPayload,
  deliverLikeVipps,
  paymentPayload,
  postWebhook,
  signedWebhook,
} from "../test/helpers/vipps-webhooks.js";
import { startBridge, type RunningBridge } from "./index.js";

const WAIT = { timeout: 20_000, interval: 25 };

/** Vipps → bridge → real mosquitto → the till's link, as in production (docs/architecture.md). */
for (const protocolVersion of [5, 4] as const) {
  describe(`end to end over MQTT ${protocolVersion === 5 ? "5" : "3.1.1"}`, () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });

    async function rig(): Promise<{
      broker: MosquittoBroker;
      bridge: RunningBridge;
      endpoint: string;
      dir: string;
    }> {
      const broker = await startMosquitto();
      cleanups.push(() => broker.cleanup());
      const dir = tempDir();
      cleanups.push(dir.cleanup);
      const bridge = await startBridge({
        publicUrl: TEST_WEBHOOK_URL,
        webhookSecrets: [TEST_WEBHOOK_SECRET],
        mqtt: { url: broker.url, protocolVersion },
        logger: silentLogger(),
      });
      cleanups.push(() => bridge.close());
      await vi.waitFor(() => expect(bridge.brokerConnected).toBe(true), WAIT);
      return { broker, bridge, endpoint: `${bridge.url}${bridge.webhookPath}`, dir: dir.path };
    }

    function till(p: {
      broker: MosquittoBroker;
      dir: string;
      tillId: string;
      onPayment?: (e: PaymentEvent) => Promise<void> | void;
    }) {
      const db = openDatabase(join(p.dir, `${p.tillId}.db`));
      const link = createMqttLink({
        config: linkConfig({ mqttUrl: p.broker.url, tillId: p.tillId, protocolVersion }),
        secrets: linkSecrets(),
        db,
      });
      const checkIns: CheckIn[] = [];
      const payments: PaymentEvent[] = [];
      link.onCheckIn((c) => {
        checkIns.push(c);
      });
      link.onPaymentEvent(async (e) => {
        await p.onPayment?.(e);
        payments.push(e);
      });
      cleanups.push(() => {
        db.close();
      });
      cleanups.push(() => link.stop());
      return { link, db, checkIns, payments };
    }

    async function online(link: MqttLink, connects = 1): Promise<void> {
      link.start();
      // Subscribed and announced: `connects` counts completed set-ups.
      await vi.waitFor(() => expect(link.counters().connects).toBeGreaterThanOrEqual(connects), WAIT);
      await vi.waitFor(() => expect(link.state).toBe("connected"), WAIT);
    }

    it("a signed webhook arrives verified at the right till only; a forged one at none", async () => {
      const r = await rig();
      const one = till({ ...r, tillId: "kasse1" });
      const two = till({ ...r, tillId: "kasse2" });
      await online(one.link);
      await online(two.link);

      const sign = (payload: unknown, secret = TEST_WEBHOOK_SECRET) =>
        signedWebhook(secret, TEST_WEBHOOK_URL, payload);
      expect(
        (
          await postWebhook(
            r.endpoint,
            sign(checkInPayload({ tillId: "kasse1", msn: TEST_MSN, customerToken: "token-1" })),
          )
        ).status,
      ).toBe(200);
      expect(
        (
          await postWebhook(
            r.endpoint,
            sign(paymentPayload({ reference: "kasse2-000001", msn: TEST_MSN, name: "AUTHORIZED" })),
          )
        ).status,
      ).toBe(200);
      expect(
        (
          await postWebhook(
            r.endpoint,
            sign(checkInPayload({ tillId: "kasse2", msn: TEST_MSN }), "forged-secret"),
          )
        ).status,
      ).toBe(401);
      expect(
        (
          await postWebhook(
            r.endpoint,
            sign(checkInPayload({ tillId: "kasse2", msn: TEST_MSN, customerToken: "token-2" })),
          )
        ).status,
      ).toBe(200);

      await vi.waitFor(() => expect(two.checkIns.map((c) => c.customerToken)).toEqual(["token-2"]), WAIT);
      expect(one.checkIns.map((c) => c.customerToken)).toEqual(["token-1"]);
      expect(one.payments).toEqual([]);
      expect(two.payments.map((p) => [p.reference, p.name, p.amount])).toEqual([
        ["kasse2-000001", "AUTHORIZED", { currency: "NOK", value: 4900 }],
      ]);
      expect(one.link.counters()).toMatchObject({ received: 1, delivered: 1, rejected: 0 });
      expect(two.link.counters()).toMatchObject({ received: 2, delivered: 2, rejected: 0 });
    });

    it("while the till is offline webhooks are acknowledged and queued; all arrive when it is back", async () => {
      const r = await rig();
      const first = till({ ...r, tillId: "kasse1" });
      await online(first.link);
      await first.link.stop();
      first.db.close();

      const references = Array.from({ length: 20 }, (_, i) => `kasse1-${String(i + 1).padStart(6, "0")}`);
      for (const reference of references) {
        const answer = await postWebhook(
          r.endpoint,
          signedWebhook(TEST_WEBHOOK_SECRET, TEST_WEBHOOK_URL, paymentPayload({ reference, msn: TEST_MSN })),
        );
        expect(answer.status).toBe(200);
      }
      const again = till({ ...r, tillId: "kasse1" });
      again.link.start();
      await vi.waitFor(() => expect(again.payments.map((p) => p.reference)).toEqual(references), WAIT);
    });

    it("a broker restart mid-stream loses nothing, and each event is acted on once", async () => {
      const r = await rig();
      // A slow handler builds a backlog in the broker, so the restart really has queued work to keep.
      const acted = new Map<string, number>();
      const t = till({
        ...r,
        tillId: "kasse1",
        onPayment: async (e) => {
          acted.set(e.pspReference, (acted.get(e.pspReference) ?? 0) + 1);
          await new Promise((resolve) => setTimeout(resolve, 15));
        },
      });
      await online(t.link);

      const webhooks = Array.from({ length: 60 }, (_, i) =>
        signedWebhook(
          TEST_WEBHOOK_SECRET,
          TEST_WEBHOOK_URL,
          paymentPayload({ reference: `kasse1-${i + 1}`, msn: TEST_MSN, pspReference: `psp-${i + 1}` }),
        ),
      );
      const sending = (async () => {
        const results: { status: number }[] = [];
        for (let i = 0; i < webhooks.length; i += 6) {
          const batch = webhooks
            .slice(i, i + 6)
            .map((w) => deliverLikeVipps(r.endpoint, w, { retryDelayMs: 100 }));
          results.push(...(await Promise.all(batch)));
        }
        return results;
      })();
      await vi.waitFor(() => expect(r.bridge.counters.published).toBeGreaterThanOrEqual(30), WAIT);
      const backlog = r.bridge.counters.published - t.link.counters().delivered;
      await r.broker.restart();

      const results = await sending;
      expect(results.every((x) => x.status === 200)).toBe(true);
      await vi.waitFor(() => expect(t.payments).toHaveLength(60), WAIT);
      expect(backlog).toBeGreaterThan(0);
      expect([...acted.values()].every((n) => n === 1)).toBe(true);
      expect(new Set(t.payments.map((p) => p.pspReference)).size).toBe(60);
      expect(t.link.counters().connects).toBeGreaterThanOrEqual(2);
    });
  });
}
