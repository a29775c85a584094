import mqtt from "mqtt";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { verifyWebhookSignature } from "../lib/webhook-signature.js";
import { silentLogger } from "../lib/log.js";
import { decodeEnvelope } from "../lib/mqtt-contract/index.js";
import { startMosquitto, type MosquittoBroker } from "../test/helpers/mosquitto.js";
import {
  checkInPayload,
  paymentPayload,
  postWebhook,
  signedWebhook,
} from "../test/helpers/vipps-webhooks.js";
import { startBridge, type RunningBridge } from "./index.js";

const PUBLIC_URL = "https://bridge.example.com/vipps/webhook?tenant=1";
const SECRET = "A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A==";
const OLD_SECRET = "the-secret-being-rotated-out";
const MSN = "123456";

interface Seen {
  topic: string;
  payload: Buffer;
  retain: boolean;
  qos: number;
}

for (const protocolVersion of [5, 4] as const) {
  describe(`bridge over MQTT ${protocolVersion === 5 ? "5" : "3.1.1"} (real mosquitto)`, () => {
    let broker: MosquittoBroker;
    let bridge: RunningBridge;
    let watcher: mqtt.MqttClient;
    let seen: Seen[];
    let endpoint: string;

    beforeAll(async () => {
      broker = await startMosquitto({ persistence: false });
      bridge = await startBridge({
        publicUrl: PUBLIC_URL,
        webhookSecrets: [OLD_SECRET, SECRET],
        mqtt: { url: broker.url, protocolVersion },
        maxBodyBytes: 4096,
        logger: silentLogger(),
      });
      endpoint = `${bridge.url}${bridge.webhookPath}`;
      watcher = await mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
      // The bridge's own heartbeat (vipps-pos/_bridge/…) is tested in test/deploy/mosquitto-setup.test.ts.
      watcher.on("message", (topic, payload, packet) => {
        if (!topic.startsWith("vipps-pos/_bridge/"))
          seen.push({ topic, payload, retain: packet.retain, qos: packet.qos });
      });
      await watcher.subscribeAsync("vipps-pos/#", { qos: 1 });
      await vi.waitFor(() => expect(bridge.brokerConnected).toBe(true), { timeout: 10_000 });
    });
    afterAll(async () => {
      await watcher.endAsync(true);
      await bridge.close();
      await broker.cleanup();
    });
    beforeEach(() => {
      seen = [];
    });

    it("publishes a signed check-in to its till's webhook topic with the raw body and signature headers", async () => {
      const before = { ...bridge.counters };
      const webhook = signedWebhook(SECRET, PUBLIC_URL, checkInPayload({ tillId: "kasse1", msn: MSN }));
      const answer = await postWebhook(endpoint, webhook);
      expect(answer).toEqual({ status: 200, body: { status: "published" } });
      // The PUBACK came before the 200, so the broker has it: the watcher gets it promptly.
      await vi.waitFor(() => expect(seen).toHaveLength(1), { timeout: 10_000 });
      const message = seen[0];
      expect(message?.topic).toBe(`vipps-pos/${MSN}/kasse1/webhook`);
      expect(message?.qos).toBe(1);
      expect(message?.retain).toBe(false);
      const decoded = decodeEnvelope(message?.payload ?? Buffer.alloc(0));
      if (!decoded.ok) throw new Error(decoded.problem);
      expect(decoded.rawBody.equals(webhook.body)).toBe(true);
      expect(decoded.envelope.registeredUrl).toBe(PUBLIC_URL);
      expect(decoded.envelope.route).toEqual({ msn: MSN, tillId: "kasse1", event: "user.checked-in.v1" });
      expect(Math.abs(Date.parse(decoded.envelope.receivedAt) - Date.now())).toBeLessThan(60_000);
      // Anyone holding the secret can verify the envelope again, bit for bit.
      expect(
        verifyWebhookSignature({
          secrets: [SECRET],
          registeredUrl: PUBLIC_URL,
          rawBody: decoded.rawBody,
          headers: decoded.envelope.headers,
        }),
      ).toBe(true);
      expect(bridge.counters.received - before.received).toBe(1);
      expect(bridge.counters.verified - before.verified).toBe(1);
      expect(bridge.counters.published - before.published).toBe(1);
    });

    it("routes ePayment events by the till id in the reference, and accepts every configured secret", async () => {
      const answer = await postWebhook(
        endpoint,
        signedWebhook(OLD_SECRET, PUBLIC_URL, paymentPayload({ reference: "kasse2-0001-000042", msn: MSN })),
      );
      expect(answer.status).toBe(200);
      await vi.waitFor(() => expect(seen.map((m) => m.topic)).toEqual([`vipps-pos/${MSN}/kasse2/webhook`]), {
        timeout: 10_000,
      });
    });

    it("refuses a forged or missing signature with 401 and publishes nothing", async () => {
      const before = { ...bridge.counters };
      const payload = checkInPayload({ tillId: "kasse1", msn: MSN });
      const forged = signedWebhook("not-the-secret", PUBLIC_URL, payload);
      const otherUrl = signedWebhook(SECRET, "https://evil.example.com/vipps/webhook?tenant=1", payload);
      const tampered = signedWebhook(SECRET, PUBLIC_URL, payload);
      const tamperedBody = {
        ...tampered,
        body: Buffer.from(JSON.stringify({ ...payload, merchantQrId: "kasse9" })),
      };
      const unsigned = {
        body: Buffer.from(JSON.stringify(payload)),
        headers: { "content-type": "application/json" },
      };
      for (const webhook of [forged, otherUrl, tamperedBody, unsigned]) {
        const answer = await postWebhook(endpoint, webhook);
        expect(answer.status).toBe(401);
        expect(answer.body.error).toBe("BRIDGE_BAD_SIGNATURE");
      }
      // A signed marker published afterwards arrives alone: nothing from the refused ones.
      await postWebhook(
        endpoint,
        signedWebhook(SECRET, PUBLIC_URL, checkInPayload({ tillId: "marker", msn: MSN })),
      );
      await vi.waitFor(() => expect(seen.map((m) => m.topic)).toEqual([`vipps-pos/${MSN}/marker/webhook`]), {
        timeout: 10_000,
      });
      expect(bridge.counters.rejected - before.rejected).toBe(4);
      expect(bridge.counters.verified - before.verified).toBe(1);
    });

    it("answers 413 to a body over the limit, declared or streamed", async () => {
      const big = signedWebhook(SECRET, PUBLIC_URL, { pad: "x".repeat(5000) });
      expect((await postWebhook(endpoint, big)).status).toBe(413);
      const streamed = await fetch(endpoint, {
        method: "POST",
        headers: big.headers,
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new Uint8Array(big.body));
            controller.close();
          },
        }),
        duplex: "half",
      });
      expect(streamed.status).toBe(413);
      expect(seen).toEqual([]);
    });

    it("answers 400 to a correctly signed body that is not JSON", async () => {
      const answer = await postWebhook(endpoint, signedWebhook(SECRET, PUBLIC_URL, "{not json"));
      expect(answer).toMatchObject({ status: 400, body: { error: "BRIDGE_BAD_JSON" } });
    });

    it("acknowledges an unroutable webhook and publishes it to the unrouted topic", async () => {
      const before = bridge.counters.unrouted;
      const uuidQr = checkInPayload({ tillId: "d8b7d76d-49aa-48b8-90c6-38779372c163", msn: MSN });
      expect(await postWebhook(endpoint, signedWebhook(SECRET, PUBLIC_URL, uuidQr))).toEqual({
        status: 200,
        body: { status: "unrouted" },
      });
      expect(
        (await postWebhook(endpoint, signedWebhook(SECRET, PUBLIC_URL, { something: "else" }))).status,
      ).toBe(200);
      await vi.waitFor(
        () => expect(seen.map((m) => m.topic)).toEqual([`vipps-pos/${MSN}/_unrouted`, "vipps-pos/_unrouted"]),
        { timeout: 10_000 },
      );
      const decoded = decodeEnvelope(seen[0]?.payload ?? Buffer.alloc(0));
      expect(decoded.ok && decoded.envelope.route.reason).toContain("merchantQrId");
      expect(bridge.counters.unrouted - before).toBe(2);
    });

    it("serves health, metrics and clear answers for other paths", async () => {
      const health = await fetch(`${bridge.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "ok", broker: "connected" });
      const metrics = await (await fetch(`${bridge.url}/metrics`)).text();
      expect(metrics).toMatch(/^pos_bridge_webhooks_received_total \d+$/m);
      expect(metrics).toContain("pos_bridge_broker_connected 1");
      // One latency observation per acknowledged publish, cumulative buckets ending in +Inf.
      const published = bridge.counters.published;
      expect(published).toBeGreaterThan(0);
      expect(metrics).toContain(`pos_bridge_publish_duration_seconds_count ${published}\n`);
      expect(metrics).toContain(`pos_bridge_publish_duration_seconds_bucket{le="+Inf"} ${published}\n`);
      const buckets = [
        ...metrics.matchAll(/^pos_bridge_publish_duration_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm),
      ];
      expect(buckets.map((m) => m[1])).toEqual([
        "0.001",
        "0.0025",
        "0.005",
        "0.01",
        "0.025",
        "0.05",
        "0.1",
        "0.25",
        "0.5",
        "1",
        "2.5",
        "5",
        "9",
        "+Inf",
      ]);
      const counts = buckets.map((m) => Number(m[2]));
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      expect(Number(/^pos_bridge_publish_duration_seconds_sum (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(
        0,
      );
      const json = (await (
        await fetch(`${bridge.url}/metrics`, { headers: { accept: "application/json" } })
      ).json()) as Record<string, unknown>;
      expect(json).toMatchObject({
        received: bridge.counters.received,
        brokerConnected: true,
        publishSeconds: { count: published },
      });
      expect((await fetch(`${bridge.url}/nope`)).status).toBe(404);
      const get = await fetch(endpoint);
      expect(get.status).toBe(405);
      expect(get.headers.get("allow")).toBe("POST");
    });
  });
}

describe("bridge with the broker down", () => {
  it("answers 503 (so Vipps retries) and reports unhealthy, then recovers", async () => {
    const broker = await startMosquitto({ persistence: false });
    const bridge = await startBridge({
      publicUrl: PUBLIC_URL,
      webhookSecrets: [SECRET],
      mqtt: { url: broker.url },
      logger: silentLogger(),
    });
    try {
      const endpoint = `${bridge.url}${bridge.webhookPath}`;
      await vi.waitFor(() => expect(bridge.brokerConnected).toBe(true), { timeout: 10_000 });
      await broker.stop();
      await vi.waitFor(() => expect(bridge.brokerConnected).toBe(false), { timeout: 10_000 });
      const webhook = signedWebhook(SECRET, PUBLIC_URL, checkInPayload({ tillId: "kasse1", msn: MSN }));
      const answer = await postWebhook(endpoint, webhook);
      expect(answer).toMatchObject({ status: 503, body: { error: "BRIDGE_BROKER_UNAVAILABLE" } });
      expect(bridge.counters.failed).toBe(1);
      expect(bridge.counters.published).toBe(0);
      expect((await fetch(`${bridge.url}/healthz`)).status).toBe(503);

      await broker.start();
      await vi.waitFor(() => expect(bridge.brokerConnected).toBe(true), { timeout: 15_000 });
      expect((await postWebhook(endpoint, webhook)).status).toBe(200);
    } finally {
      await bridge.close();
      await broker.cleanup();
    }
  });
});
