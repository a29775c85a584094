import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { isAgentError } from "../../lib/errors.js";
import { startMosquitto, type MosquittoBroker } from "../../test/helpers/mosquitto.js";
import { TEST_MSN, linkConfig, linkSecrets, webhookEnvelope } from "../../test/helpers/mqtt-link-fixtures.js";
import { startTcpProxy } from "../../test/helpers/tcp-proxy.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { checkInPayload, paymentPayload } from "../../test/helpers/vipps-webhooks.js";
import { openDatabase, type Db } from "../store/database.js";
import { VERSION } from "../../lib/version.js";
import {
  createMqttLink,
  type AgentHealthReport,
  type CheckIn,
  type MqttLink,
  type PaymentEvent,
} from "./index.js";

const WAIT = { timeout: 15_000, interval: 20 };
const topic = (till: string, kind: string): string => `vipps-pos/${TEST_MSN}/${till}/${kind}`;

for (const protocolVersion of [5, 4] as const) {
  describe(`MQTT link over MQTT ${protocolVersion === 5 ? "5" : "3.1.1"} (real mosquitto)`, () => {
    let broker: MosquittoBroker;
    let watcher: mqtt.MqttClient;
    const seen: { topic: string; text: string; retain: boolean }[] = [];
    const cleanups: (() => Promise<void> | void)[] = [];

    beforeAll(async () => {
      broker = await startMosquitto();
      watcher = await mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 200 });
      watcher.on("message", (t, payload, packet) =>
        seen.push({ topic: t, text: payload.toString("utf8"), retain: packet.retain }),
      );
      await watcher.subscribeAsync(["vipps-pos/+/+/status", "vipps-pos/+/+/health", "vipps-pos/+/+/sales"], {
        qos: 1,
      });
    });
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      seen.length = 0;
    });
    afterAll(async () => {
      await watcher.endAsync(true);
      await broker.cleanup();
    });

    /** A db file that outlives one link, so a second link can "restart" on it. */
    function storeFile(): string {
      const dir = tempDir();
      cleanups.push(dir.cleanup);
      return join(dir.path, "agent.db");
    }
    function openDb(file: string): Db {
      const db = openDatabase(file);
      cleanups.push(() => {
        db.close();
      });
      return db;
    }

    function newLink(
      p: {
        tillId?: string;
        file?: string;
        url?: string;
        healthIntervalSeconds?: number;
        health?: () => AgentHealthReport;
      } = {},
    ) {
      const tillId = p.tillId ?? "kasse1";
      const config = linkConfig({
        mqttUrl: p.url ?? broker.url,
        tillId,
        protocolVersion,
        healthIntervalSeconds: p.healthIntervalSeconds ?? 60,
      });
      const db = openDb(p.file ?? storeFile());
      const link = createMqttLink({
        config,
        secrets: linkSecrets(),
        db,
        ...(p.health === undefined ? {} : { health: p.health }),
      });
      const checkIns: CheckIn[] = [];
      const payments: PaymentEvent[] = [];
      link.onCheckIn((c) => {
        checkIns.push(c);
      });
      link.onPaymentEvent((e) => {
        payments.push(e);
      });
      cleanups.push(() => link.stop());
      return { link, checkIns, payments, tillId, db };
    }

    /** Starts the link and waits for its retained `online`, which follows its SUBACK. */
    async function startOnline(link: MqttLink, tillId = "kasse1"): Promise<void> {
      const before = seen.filter((m) => m.topic === topic(tillId, "status") && m.text === "online").length;
      link.start();
      await vi.waitFor(
        () =>
          expect(
            seen.filter((m) => m.topic === topic(tillId, "status") && m.text === "online").length,
          ).toBeGreaterThan(before),
        WAIT,
      );
    }

    async function publishRaw(t: string, payload: Buffer | string): Promise<void> {
      await watcher.publishAsync(t, payload, { qos: 1 });
    }

    it("delivers genuine webhooks and refuses forged or foreign envelopes published straight to the broker", async () => {
      const { link, checkIns, payments } = newLink();
      await startOnline(link);
      const webhookTopic = topic("kasse1", "webhook");
      await publishRaw(
        webhookTopic,
        webhookEnvelope(checkInPayload({ tillId: "kasse1", msn: TEST_MSN, customerToken: "tok-genuine" })),
      );
      await publishRaw(
        webhookTopic,
        webhookEnvelope(checkInPayload({ tillId: "kasse1", msn: TEST_MSN, customerToken: "tok-forged" }), {
          secret: "attacker",
        }),
      );
      await publishRaw(webhookTopic, "garbage");
      await publishRaw(webhookTopic, webhookEnvelope(checkInPayload({ tillId: "kasse2", msn: TEST_MSN })));
      await publishRaw(
        webhookTopic,
        webhookEnvelope(
          checkInPayload({
            tillId: "kasse1",
            msn: TEST_MSN,
            initiatedAt: new Date(Date.now() - 20 * 60_000),
          }),
        ),
      );
      await publishRaw(
        webhookTopic,
        webhookEnvelope(paymentPayload({ reference: "kasse1-000001", msn: TEST_MSN, name: "AUTHORIZED" })),
      );

      await vi.waitFor(() => expect(link.counters().received).toBe(6), WAIT);
      expect(checkIns.map((c) => c.customerToken)).toEqual(["tok-genuine"]);
      expect(payments.map((p) => [p.reference, p.name])).toEqual([["kasse1-000001", "AUTHORIZED"]]);
      expect(link.counters()).toMatchObject({
        delivered: 2,
        rejected: 4,
        rejectedByReason: {
          MQTT_BAD_SIGNATURE: 1,
          MQTT_BAD_ENVELOPE: 1,
          MQTT_OTHER_TILL: 1,
          MQTT_STALE_CHECKIN: 1,
          MQTT_BAD_PAYLOAD: 0,
        },
      });
      expect(link.state).toBe("connected");
    });

    it("announces itself: retained online, health with the agent's links, retained offline on stop", async () => {
      const { link } = newLink({
        healthIntervalSeconds: 5,
        health: () => ({ links: { register: "up", printer: "offline" }, degraded: ["printer offline"] }),
      });
      const states: string[] = [];
      link.onStateChange((s) => states.push(s));
      await startOnline(link);
      await vi.waitFor(
        () => expect(seen.some((m) => m.topic === topic("kasse1", "health"))).toBe(true),
        WAIT,
      );
      const health = JSON.parse(
        seen.find((m) => m.topic === topic("kasse1", "health"))?.text ?? "{}",
      ) as Record<string, unknown>;
      expect(health).toMatchObject({
        v: 1,
        tillId: "kasse1",
        msn: TEST_MSN,
        version: VERSION,
        links: { mqtt: "connected", register: "up", printer: "offline" },
        degraded: ["printer offline"],
        counters: { received: 0 },
      });
      expect(health.memory).toMatchObject({ rssBytes: expect.any(Number) as number });

      await link.stop();
      expect(states).toEqual(["connecting", "connected", "stopped"]);
      // A new subscriber gets the retained state: offline.
      const late = await mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
      const retained: string[] = [];
      late.on("message", (_t, payload, packet) => {
        if (packet.retain) retained.push(payload.toString());
      });
      await late.subscribeAsync(topic("kasse1", "status"), { qos: 1 });
      await vi.waitFor(() => expect(retained).toEqual(["offline"]), WAIT);
      await late.endAsync();
    });

    it("has its Last Will publish offline when the network drops, and comes back online by itself", async () => {
      const proxy = await startTcpProxy({ host: "127.0.0.1", port: broker.port });
      cleanups.push(() => proxy.close());
      const { link } = newLink({ url: `mqtt://127.0.0.1:${proxy.port}` });
      await startOnline(link);
      const before = seen.length;
      proxy.cut();
      const statuses = (): string[] =>
        seen
          .slice(before)
          .filter((m) => m.topic === topic("kasse1", "status"))
          .map((m) => m.text);
      await vi.waitFor(() => expect(statuses()).toEqual(["offline", "online"]), WAIT);
      expect(link.state).toBe("connected");
      // Counted once its `online` is acknowledged, a moment after the broker forwarded it.
      await vi.waitFor(() => expect(link.counters().connects).toBe(2), WAIT);
    });

    it("does not acknowledge when the handler fails: the broker redelivers, in order, and each event is acted on once", async () => {
      const { link } = newLink();
      const acted: string[] = [];
      let failNext = true;
      link.onPaymentEvent((e) => {
        if (e.pspReference === "psp-a" && failNext) {
          failNext = false;
          throw new Error("journal unavailable");
        }
        acted.push(e.pspReference);
      });
      await startOnline(link);
      for (const psp of ["psp-a", "psp-b", "psp-c"]) {
        await publishRaw(
          topic("kasse1", "webhook"),
          webhookEnvelope(paymentPayload({ reference: "kasse1-000002", msn: TEST_MSN, pspReference: psp })),
        );
      }
      await vi.waitFor(() => expect(acted).toEqual(["psp-a", "psp-b", "psp-c"]), WAIT);
      expect(link.counters()).toMatchObject({ handlerFailures: 1, delivered: 3 });
      await vi.waitFor(() => expect(link.counters().connects).toBeGreaterThanOrEqual(2), WAIT);
    });

    it("acts once on an event redelivered on the next connection while its first delivery is still being handled", async () => {
      const proxy = await startTcpProxy({ host: "127.0.0.1", port: broker.port });
      cleanups.push(() => proxy.close());
      const { link } = newLink({ url: `mqtt://127.0.0.1:${proxy.port}` });
      let release: () => void = () => undefined;
      const firstHeld = new Promise<void>((resolve) => (release = resolve));
      const acted: string[] = [];
      link.onPaymentEvent(async (e) => {
        acted.push(e.pspReference);
        if (acted.length === 1) await firstHeld;
      });
      await startOnline(link);
      await publishRaw(
        topic("kasse1", "webhook"),
        webhookEnvelope(
          paymentPayload({ reference: "kasse1-000005", msn: TEST_MSN, pspReference: "psp-held" }),
        ),
      );
      await vi.waitFor(() => expect(acted).toEqual(["psp-held"]), WAIT);
      // The PUBACK is held with the handler; the cut makes the broker send the message again on
      // the next connection (same session), while the first delivery has not finished.
      proxy.cut();
      await vi.waitFor(() => expect(link.counters().received).toBe(2), WAIT);
      release();
      await vi.waitFor(() => expect(link.counters().duplicates).toBe(1), WAIT);
      expect(acted).toEqual(["psp-held"]);
      expect(link.counters()).toMatchObject({ received: 2, delivered: 1 });
    });

    it("writes an event's identity in the handler's own transaction: rolled back with it, kept with it", async () => {
      const { link, db } = newLink();
      db.exec("CREATE TABLE acted (psp TEXT)");
      const insert = db.prepare("INSERT INTO acted (psp) VALUES (?)");
      const identities = db.prepare("SELECT COUNT(*) AS n FROM mqtt_link_seen");
      const seenInside: unknown[] = [];
      let failNext = true;
      link.onPaymentEvent((e, remember) => {
        db.transaction(() => {
          insert.run(e.pspReference);
          remember();
          seenInside.push(identities.get());
          if (failNext) {
            failNext = false;
            throw new Error("journal write failed");
          }
        })();
      });
      await startOnline(link);
      const event = webhookEnvelope(
        paymentPayload({ reference: "kasse1-000004", msn: TEST_MSN, pspReference: "psp-tx" }),
      );
      await publishRaw(topic("kasse1", "webhook"), event);
      await vi.waitFor(
        () => expect(link.counters()).toMatchObject({ handlerFailures: 1, delivered: 1 }),
        WAIT,
      );
      // Written inside both transactions; the first one's rollback took it away, so the broker's
      // redelivery was acted on.
      expect(seenInside).toEqual([{ n: 1 }, { n: 1 }]);
      await publishRaw(topic("kasse1", "webhook"), event);
      await vi.waitFor(() => expect(link.counters().duplicates).toBe(1), WAIT);
      expect(db.prepare("SELECT psp FROM acted").all()).toEqual([{ psp: "psp-tx" }]);
    });

    it("drops duplicates, also after a restart", async () => {
      const file = storeFile();
      const first = newLink({ file });
      await startOnline(first.link);
      const event = webhookEnvelope(
        paymentPayload({ reference: "kasse1-000003", msn: TEST_MSN, pspReference: "psp-dup" }),
      );
      await publishRaw(topic("kasse1", "webhook"), event);
      await publishRaw(topic("kasse1", "webhook"), event);
      await vi.waitFor(
        () => expect(first.link.counters()).toMatchObject({ delivered: 1, duplicates: 1 }),
        WAIT,
      );
      await first.link.stop();
      first.db.close();

      const second = newLink({ file });
      await startOnline(second.link);
      await publishRaw(topic("kasse1", "webhook"), event);
      await vi.waitFor(() => expect(second.link.counters().duplicates).toBe(1), WAIT);
      expect(second.payments).toEqual([]);
    });

    it("keeps its session while stopped: webhooks published meanwhile arrive after the restart", async () => {
      const file = storeFile();
      const first = newLink({ file, tillId: "kasse3" });
      await startOnline(first.link, "kasse3");
      await first.link.stop();
      first.db.close();
      for (let i = 1; i <= 5; i++) {
        await publishRaw(
          topic("kasse3", "webhook"),
          webhookEnvelope(
            paymentPayload({ reference: `kasse3-${i}`, msn: TEST_MSN, pspReference: `psp-${i}` }),
          ),
        );
      }
      const second = newLink({ file, tillId: "kasse3" });
      second.link.start();
      await vi.waitFor(
        () =>
          expect(second.payments.map((p) => p.reference)).toEqual([
            "kasse3-1",
            "kasse3-2",
            "kasse3-3",
            "kasse3-4",
            "kasse3-5",
          ]),
        WAIT,
      );
    });

    it("acknowledges and counts an event nobody handles, and keeps going", async () => {
      const config = linkConfig({ mqttUrl: broker.url, tillId: "kasse4", protocolVersion });
      const link = createMqttLink({ config, secrets: linkSecrets(), db: openDb(storeFile()) });
      cleanups.push(() => link.stop());
      const checkIns: CheckIn[] = [];
      link.onCheckIn((c) => {
        checkIns.push(c);
      });
      await startOnline(link, "kasse4");
      await publishRaw(
        topic("kasse4", "webhook"),
        webhookEnvelope(paymentPayload({ reference: "kasse4-1", msn: TEST_MSN })),
      );
      await publishRaw(
        topic("kasse4", "webhook"),
        webhookEnvelope(checkInPayload({ tillId: "kasse4", msn: TEST_MSN, customerToken: "after" })),
      );
      await vi.waitFor(() => expect(checkIns.map((c) => c.customerToken)).toEqual(["after"]), WAIT);
      expect(link.counters()).toMatchObject({ unhandled: 1, delivered: 1, handlerFailures: 0 });
    });

    it("refuses an invalid sale event and queues nothing", () => {
      const { link } = newLink();
      let error: unknown;
      try {
        link.publishSaleEvent({
          eventId: "e1",
          type: "sale.captured",
          saleId: "s1",
          amount: { currency: "NOK", value: 49.5 },
          occurredAt: "2026-01-01T12:00:00Z",
        });
      } catch (e) {
        error = e;
      }
      expect(isAgentError(error, "MQTT_BAD_SALE_EVENT")).toBe(true);
      expect((error as Error).message).toContain("amount.value");
      expect(link.counters().outboxPending).toBe(0);
    });
  });
}

describe("sale-event outbox (real mosquitto)", () => {
  it("survives a restart while the broker is down and is drained, in order, after reconnect", async () => {
    const broker = await startMosquitto();
    const dir = tempDir();
    const file = join(dir.path, "agent.db");
    const config = linkConfig({ mqttUrl: broker.url, tillId: "kasse1" });
    try {
      await broker.stop();
      const db1 = openDatabase(file);
      const first = createMqttLink({ config, secrets: linkSecrets(), db: db1 });
      first.start();
      for (const n of [1, 2, 3]) {
        first.publishSaleEvent({
          eventId: `kasse1-00000${n}-captured`,
          type: "sale.captured",
          saleId: `s${n}`,
          reference: `kasse1-00000${n}`,
          amount: { currency: "NOK", value: 100 * n },
          occurredAt: "2026-01-01T12:00:00Z",
        });
      }
      expect(first.counters().outboxPending).toBe(3);
      await first.stop();
      db1.close();

      await broker.start();
      const watcher = await mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
      const got: Record<string, unknown>[] = [];
      watcher.on("message", (_t, payload) =>
        got.push(JSON.parse(payload.toString()) as Record<string, unknown>),
      );
      await watcher.subscribeAsync(topic("kasse1", "sales"), { qos: 1 });

      const db2 = openDatabase(file);
      const second = createMqttLink({ config, secrets: linkSecrets(), db: db2 });
      second.start();
      try {
        await vi.waitFor(
          () =>
            expect(got.map((m) => m.eventId)).toEqual([
              "kasse1-000001-captured",
              "kasse1-000002-captured",
              "kasse1-000003-captured",
            ]),
          WAIT,
        );
        expect(got[1]).toEqual({
          v: 1,
          msn: TEST_MSN,
          tillId: "kasse1",
          eventId: "kasse1-000002-captured",
          type: "sale.captured",
          saleId: "s2",
          reference: "kasse1-000002",
          amount: { currency: "NOK", value: 200 },
          occurredAt: "2026-01-01T12:00:00Z",
        });
        await vi.waitFor(
          () => expect(second.counters()).toMatchObject({ outboxPending: 0, salesPublished: 3 }),
          WAIT,
        );
      } finally {
        await second.stop();
        db2.close();
        await watcher.endAsync();
      }
    } finally {
      await broker.cleanup();
      dir.cleanup();
    }
  });
});
