import { readFileSync } from "node:fs";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createMqttLink } from "../agent/mqtt/index.js";
import { openDatabase } from "../agent/store/database.js";
import { silentLogger } from "../lib/log.js";
import { startBridge } from "../bridge/index.js";
import { startDocumentedBroker } from "../test/helpers/documented-broker.js";
import { startMosquitto, type MosquittoBroker } from "../test/helpers/mosquitto.js";
import { FLEET_TOKEN, fleetSettings, healthOf, saleEventOf } from "../test/helpers/fleet.js";
import {
  TEST_MSN,
  TEST_WEBHOOK_SECRET,
  TEST_WEBHOOK_URL,
  linkConfig,
  linkSecrets,
  webhookEnvelope,
} from "../test/helpers/mqtt-link-fixtures.js";
import { tempDir } from "../test/helpers/temp-dir.js";
import { checkInPayload, postWebhook, signedWebhook } from "../test/helpers/vipps-webhooks.js";
import { fleetSubscriptions } from "./ingest/consumer.js";
import { startFleet, type RunningFleet } from "./service.js";

/**
 * The fleet service against a real mosquitto: what real tills (the agent's own MQTT link) and a
 * hostile publisher send, what it keeps in its SQLite, and what its API answers.
 */
const WAIT = { timeout: 15_000, interval: 50 };
const topic = (till: string, kind: string): string => `vipps-pos/${TEST_MSN}/${till}/${kind}`;

describe("fleet service over a real broker", () => {
  let broker: MosquittoBroker;
  let publisher: mqtt.MqttClient;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    broker = await startMosquitto();
    publisher = await mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  afterAll(async () => {
    await publisher?.endAsync(true);
    await broker?.cleanup();
  });

  async function fleetIn(dir: string, clientId: string): Promise<RunningFleet> {
    const fleet = await startFleet(await fleetSettings({ brokerUrl: broker.url, dir, clientId }), {
      logger: silentLogger(),
    });
    cleanups.push(() => fleet.close());
    await vi.waitFor(() => expect(fleet.consumer.state).toBe("connected"), WAIT);
    return fleet;
  }

  const api = async (fleet: RunningFleet, path: string): Promise<Record<string, unknown>> => {
    const answer = await fetch(`${fleet.url}${path}`, {
      headers: { authorization: `Bearer ${FLEET_TOKEN}` },
    });
    expect(answer.status).toBe(200);
    return (await answer.json()) as Record<string, unknown>;
  };
  const tillOf = async (fleet: RunningFleet, tillId: string): Promise<Record<string, unknown>> =>
    api(fleet, `/api/tills/${tillId}`);

  function realTill(tillId: string, dir: string) {
    const db = openDatabase(join(dir, `${tillId}.db`));
    const link = createMqttLink({
      config: linkConfig({ mqttUrl: broker.url, tillId, healthIntervalSeconds: 5 }),
      secrets: linkSecrets(),
      db,
      health: () => ({ links: { register: "up", printer: "paper_out" }, degraded: ["printer paper out"] }),
    });
    cleanups.push(() => {
      db.close();
    });
    cleanups.push(() => link.stop());
    return link;
  }

  it("subscribes to status, health, sales and unrouted of its MSN only — never a webhook topic", () => {
    expect(Object.keys(fleetSubscriptions("vipps-pos", TEST_MSN)).sort()).toEqual([
      `vipps-pos/${TEST_MSN}/+/health`,
      `vipps-pos/${TEST_MSN}/+/sales`,
      `vipps-pos/${TEST_MSN}/+/status`,
      `vipps-pos/${TEST_MSN}/_unrouted`,
    ]);
  });

  it("shows a real till: online with its health, then its sale; offline after it stops", async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const fleet = await fleetIn(dir.path, "pos-fleet-a");
    const link = realTill("kasse1", dir.path);
    link.start();
    await vi.waitFor(async () => {
      expect(await tillOf(fleet, "kasse1")).toMatchObject({
        status: "online",
        statusSinceExact: true,
        version: "0.1.0",
        links: { register: "up", printer: "paper_out", mqtt: "connected" },
        degraded: true,
        degradedReasons: ["printer paper out"],
      });
    }, WAIT);
    link.publishSaleEvent({
      eventId: "kasse1-abc-1-captured",
      type: "sale.captured",
      saleId: "S-1",
      reference: "kasse1-abc-1",
      amount: { currency: "NOK", value: 6150 },
      occurredAt: new Date().toISOString(),
      receiptNumber: "000001",
    });
    await vi.waitFor(async () => {
      const till = await tillOf(fleet, "kasse1");
      expect(till.today).toEqual({ sales: 1, captured: [{ currency: "NOK", value: 6150 }] });
      expect(till.recentSales).toEqual([
        expect.objectContaining({
          reference: "kasse1-abc-1",
          type: "sale.captured",
          amount: { currency: "NOK", value: 6150 },
        }),
      ]);
    }, WAIT);
    await link.stop();
    await vi.waitFor(async () => expect((await tillOf(fleet, "kasse1")).status).toBe("offline"), WAIT);
    const list = await api(fleet, "/api/tills");
    expect(list.totals).toMatchObject({ tills: 1, online: 0, offline: 1, degraded: 0, salesToday: 1 });
    const metrics = await (
      await fetch(`${fleet.url}/metrics`, { headers: { authorization: `Bearer ${FLEET_TOKEN}` } })
    ).text();
    for (const line of [
      'pos_fleet_tills{status="online"} 0',
      'pos_fleet_tills{status="offline"} 1',
      'pos_fleet_till_online{till="kasse1"} 0',
      "pos_fleet_sales_today 1",
      'pos_fleet_captured_today_minor_units{currency="NOK"} 6150',
      'pos_fleet_messages_total{kind="sale"} 1',
      'pos_fleet_messages_rejected_total{reason="FLEET_BAD_HEALTH"} 0',
    ])
      expect(metrics.split("\n")).toContain(line);
  });

  it("loses nothing while it is stopped: the persistent session queues, the store remembers", async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const clientId = "pos-fleet-restart";
    const first = await fleetIn(dir.path, clientId);
    await publisher.publishAsync(topic("kasse2", "status"), "online", { qos: 1, retain: true });
    await publisher.publishAsync(topic("kasse2", "sales"), JSON.stringify(saleEventOf("kasse2", { n: 1 })), {
      qos: 1,
    });
    await vi.waitFor(
      async () => expect((await tillOf(first, "kasse2")).today).toMatchObject({ sales: 1 }),
      WAIT,
    );
    await first.close();

    // While it is down: two more sales, a duplicate, and the till goes offline.
    for (const n of [2, 3, 3])
      await publisher.publishAsync(topic("kasse2", "sales"), JSON.stringify(saleEventOf("kasse2", { n })), {
        qos: 1,
      });
    await publisher.publishAsync(topic("kasse2", "status"), "offline", { qos: 1, retain: true });

    const second = await fleetIn(dir.path, clientId);
    await vi.waitFor(async () => {
      const till = await tillOf(second, "kasse2");
      expect(till.today).toEqual({ sales: 3, captured: [{ currency: "NOK", value: 3 * 6150 }] });
      expect(till.status).toBe("offline");
    }, WAIT);
    expect(second.consumer.counters.duplicateSales).toBe(1);
  });

  it("learns a till's retained status on first start, marked as not exact", async () => {
    await publisher.publishAsync(topic("kasse3", "status"), "offline", { qos: 1, retain: true });
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const fleet = await fleetIn(dir.path, "pos-fleet-retained");
    await vi.waitFor(
      async () =>
        expect(await tillOf(fleet, "kasse3")).toMatchObject({
          status: "offline",
          statusSinceExact: false,
          lastSeen: null,
        }),
      WAIT,
    );
  });

  it("drops and counts what fails the contract, keeps going, and never keeps a customer token", async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const fleet = await fleetIn(dir.path, "pos-fleet-hostile");
    const token = "CUSTOMER-TOKEN-MUST-NOT-BE-STORED";
    const bad: [string, string | Buffer][] = [
      [topic("kasse4", "status"), "ONLINE<script>"],
      [topic("kasse4", "health"), JSON.stringify(healthOf("kasse9"))], // names another till
      [topic("kasse4", "health"), "{not json"],
      [
        topic("kasse4", "sales"),
        JSON.stringify(saleEventOf("kasse4", { n: 1, amount: { currency: "NOK", value: 65_000_001 } })),
      ],
      [
        topic("kasse4", "sales"),
        JSON.stringify({ ...saleEventOf("kasse4", { n: 2 }), customerToken: token }),
      ],
      [`vipps-pos/${TEST_MSN}/_unrouted`, "garbage"],
    ];
    for (const [t, payload] of bad) await publisher.publishAsync(t, payload, { qos: 1 });
    // An unroutable check-in (its body holds a customer token) and good messages after the bad ones.
    const unrouted = webhookEnvelope(
      checkInPayload({ tillId: "not-a-till", msn: TEST_MSN, customerToken: token }),
    );
    await publisher.publishAsync(`vipps-pos/${TEST_MSN}/_unrouted`, unrouted, { qos: 1 });
    await publisher.publishAsync(topic("kasse4", "status"), "online", { qos: 1, retain: true });
    await publisher.publishAsync(
      topic("kasse4", "health"),
      JSON.stringify(healthOf("kasse4", { degraded: ["<b>bold</b>"] })),
      { qos: 0 },
    );
    await vi.waitFor(async () => {
      expect(await tillOf(fleet, "kasse4")).toMatchObject({
        status: "online",
        degradedReasons: ["<b>bold</b>"],
        today: { sales: 0 },
      });
      expect(fleet.consumer.counters.received.unrouted).toBe(1);
    }, WAIT);
    expect(fleet.consumer.counters.rejected).toEqual({
      FLEET_BAD_TOPIC: 0,
      FLEET_BAD_STATUS: 1,
      FLEET_BAD_HEALTH: 2,
      FLEET_BAD_SALE_EVENT: 2,
      FLEET_BAD_UNROUTED: 1,
      FLEET_TOO_LARGE: 0,
    });
    const alerts = await api(fleet, "/api/alerts");
    const page = await (
      await fetch(`${fleet.url}/tills/kasse4`, { headers: { authorization: `Bearer ${FLEET_TOKEN}` } })
    ).text();
    expect(page).toContain("&lt;b&gt;bold&lt;/b&gt;");
    expect(page).not.toContain("<b>bold</b>");
    await fleet.close();
    const stored = ["fleet.db", "fleet.db-wal"].map((f) => {
      try {
        return readFileSync(join(dir.path, f)).toString("latin1");
      } catch {
        return "";
      }
    });
    for (const text of [...stored, JSON.stringify(alerts), page]) expect(text.includes(token)).toBe(false);
    // The bridge's routing note was kept (in UTF-8 in the file: compare bytes).
    const note = Buffer.from("merchantQrId is not a till id (2–20 letters or digits)").toString("latin1");
    expect(stored.join("").includes(note)).toBe(true);
  });
});

describe("fleet service on the documented broker set-up (deploy/mosquitto/, real mosquitto)", () => {
  it("sees the MSN's tills, sales and unrouted webhooks as the read-only back-office user", async () => {
    const documented = await startDocumentedBroker([
      ["bridge", "a"],
      ["till", TEST_MSN, "kasse1"],
      ["backoffice", TEST_MSN],
    ]);
    const login = (user: string): { username: string; password: string } => {
      const found = documented.logins[user];
      if (found === undefined) throw new Error(`no login ${user}`);
      return found;
    };
    const dir = tempDir();
    const cleanups: (() => Promise<void> | void)[] = [() => documented.cleanup(), dir.cleanup];
    try {
      const backoffice = login(`backoffice-${TEST_MSN}`);
      const settings = await fleetSettings({
        brokerUrl: documented.url,
        dir: dir.path,
        // The documented broker binds client ids to logins: the service's is its user name.
        clientId: backoffice.username,
        username: backoffice.username,
        password: backoffice.password,
        caFile: documented.caFile,
      });
      const fleet = await startFleet(settings, { logger: silentLogger() });
      cleanups.push(() => fleet.close());
      await vi.waitFor(() => expect(fleet.consumer.state).toBe("connected"), WAIT);

      const db = openDatabase(join(dir.path, "kasse1.db"));
      cleanups.push(() => {
        db.close();
      });
      const till = login(`till-${TEST_MSN}-kasse1`);
      const link = createMqttLink({
        config: linkConfig({
          mqttUrl: documented.url,
          tillId: "kasse1",
          username: till.username,
          tls: { caFile: documented.caFile },
        }),
        secrets: linkSecrets({ mqttPassword: till.password }),
        db,
        health: () => ({ links: { register: "up" }, degraded: [] }),
      });
      cleanups.push(() => link.stop());
      link.start();
      link.publishSaleEvent({
        eventId: "kasse1-acl-1-captured",
        type: "sale.captured",
        saleId: "S-1",
        amount: { currency: "NOK", value: 100 },
        occurredAt: new Date().toISOString(),
      });
      const bridgeLogin = login("pos-bridge-a");
      const bridge = await startBridge({
        publicUrl: TEST_WEBHOOK_URL,
        webhookSecrets: [TEST_WEBHOOK_SECRET],
        mqtt: { url: documented.url, caFile: documented.caFile, ...bridgeLogin },
        logger: silentLogger(),
      });
      cleanups.push(() => bridge.close());
      await vi.waitFor(() => expect(bridge.brokerConnected).toBe(true), WAIT);
      const unroutable = signedWebhook(
        TEST_WEBHOOK_SECRET,
        TEST_WEBHOOK_URL,
        checkInPayload({ tillId: "a-uuid-qr", msn: TEST_MSN }),
      );
      expect((await postWebhook(`${bridge.url}${bridge.webhookPath}`, unroutable)).status).toBe(200);

      await vi.waitFor(async () => {
        const answer = await fetch(`${fleet.url}/api/tills/kasse1`, {
          headers: { authorization: `Bearer ${FLEET_TOKEN}` },
        });
        expect(await answer.json()).toMatchObject({
          status: "online",
          version: "0.1.0",
          today: { sales: 1 },
        });
        expect(fleet.consumer.counters.received.unrouted).toBe(1);
      }, WAIT);
    } finally {
      for (const c of cleanups.reverse()) await c();
    }
  });
});
