import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startBridge } from "../../bridge/index.js";
import { silentLogger } from "../../lib/log.js";
import { startMosquitto, type MosquittoBroker } from "../../test/helpers/mosquitto.js";
import {
  TEST_MSN,
  TEST_WEBHOOK_SECRET,
  TEST_WEBHOOK_URL,
  linkConfig,
  linkSecrets,
} from "../../test/helpers/mqtt-link-fixtures.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { createTestPki, type TestPki } from "../../bench/test-pki.js";
import { checkInPayload, postWebhook, signedWebhook } from "../../test/helpers/vipps-webhooks.js";
import { openDatabase } from "../store/database.js";
import { createMqttLink, type CheckIn, type MqttLink } from "./index.js";

/** Bridge and till over TLS with client certificates, against mosquitto requiring them. */
describe("MQTT over TLS with client certificates (real mosquitto)", () => {
  let dir: { path: string; cleanup: () => void };
  let pki: TestPki;
  let broker: MosquittoBroker;
  const stops: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    dir = tempDir();
    pki = createTestPki(dir.path);
    broker = await startMosquitto({
      persistence: false,
      tls: {
        caFile: pki.caFile,
        certFile: pki.serverCertFile,
        keyFile: pki.serverKeyFile,
        requireCertificate: true,
      },
    });
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await broker.cleanup();
    dir.cleanup();
  });

  function link(tls: Parameters<typeof linkConfig>[0]["tls"], name: string): MqttLink {
    const db = openDatabase(join(dir.path, `${name}.db`));
    const l = createMqttLink({
      config: linkConfig({ mqttUrl: broker.url, tls }),
      secrets: linkSecrets(),
      db,
    });
    stops.push(() => {
      db.close();
    });
    stops.push(() => l.stop());
    return l;
  }

  it("delivers a webhook from a TLS bridge to a TLS till", async () => {
    const till = link(
      { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile },
      "good",
    );
    const checkIns: CheckIn[] = [];
    till.onCheckIn((c) => {
      checkIns.push(c);
    });
    till.start();
    await vi.waitFor(() => expect(till.counters().connects).toBe(1), { timeout: 15_000 });

    const bridge = await startBridge({
      publicUrl: TEST_WEBHOOK_URL,
      webhookSecrets: [TEST_WEBHOOK_SECRET],
      mqtt: { url: broker.url, caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile },
      logger: silentLogger(),
    });
    stops.push(() => bridge.close());
    await vi.waitFor(() => expect(bridge.brokerConnected).toBe(true), { timeout: 15_000 });
    const answer = await postWebhook(
      `${bridge.url}${bridge.webhookPath}`,
      signedWebhook(
        TEST_WEBHOOK_SECRET,
        TEST_WEBHOOK_URL,
        checkInPayload({ tillId: "kasse1", msn: TEST_MSN, customerToken: "tls-token" }),
      ),
    );
    expect(answer.status).toBe(200);
    await vi.waitFor(() => expect(checkIns.map((c) => c.customerToken)).toEqual(["tls-token"]), {
      timeout: 15_000,
    });
  });

  it("does not connect without a client certificate, nor to a broker it cannot verify, nor with an unreadable CA file", async () => {
    const noCert = link({ caFile: pki.caFile }, "nocert");
    const unknownCa = link({ certFile: pki.clientCertFile, keyFile: pki.clientKeyFile }, "noca");
    const missingFile = link({ caFile: join(dir.path, "missing.pem") }, "missing");
    const seen = new Map<MqttLink, string[]>();
    for (const l of [noCert, unknownCa, missingFile]) {
      seen.set(l, []);
      l.onStateChange((s) => seen.get(l)?.push(s));
      l.start();
    }
    // Each one fails, backs off and tries again — and never gets connected.
    await vi.waitFor(
      () => {
        for (const l of [noCert, unknownCa, missingFile])
          expect(seen.get(l)?.filter((s) => s === "disconnected").length).toBeGreaterThanOrEqual(2);
      },
      { timeout: 15_000 },
    );
    for (const l of [noCert, unknownCa, missingFile]) {
      expect(seen.get(l)).not.toContain("connected");
      expect(l.counters().connects).toBe(0);
    }
  });
});
