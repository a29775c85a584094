import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createMqttLink, type PaymentEvent, type CheckIn } from "../../agent/mqtt/index.js";
import { openDatabase } from "../../agent/store/database.js";
import { startBridge } from "../../bridge/index.js";
import { silentLogger } from "../../lib/log.js";
import { freePort } from "../../test/helpers/mosquitto.js";
import {
  TEST_MSN,
  TEST_WEBHOOK_SECRET,
  TEST_WEBHOOK_URL,
  linkConfig,
  linkSecrets,
} from "../../test/helpers/mqtt-link-fixtures.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import {
  checkInPayload,
  paymentPayload,
  postWebhook,
  signedWebhook,
} from "../../test/helpers/vipps-webhooks.js";
import { startEmbeddedBroker } from "./embedded-broker.js";

const WAIT = { timeout: 15_000 };

describe("embedded aedes broker (the demo's)", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("carries webhooks from the bridge to the agent link at MQTT 3.1.1, also across an agent restart", async () => {
    const broker = await startEmbeddedBroker();
    cleanups.push(() => broker.close());
    const bridge = await startBridge({
      publicUrl: TEST_WEBHOOK_URL,
      webhookSecrets: [TEST_WEBHOOK_SECRET],
      mqtt: { url: broker.url, protocolVersion: 4 },
      logger: silentLogger(),
    });
    cleanups.push(() => bridge.close());
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const config = linkConfig({ mqttUrl: broker.url, protocolVersion: 4 });
    const endpoint = `${bridge.url}${bridge.webhookPath}`;

    const db1 = openDatabase(join(dir.path, "agent.db"));
    const first = createMqttLink({ config, secrets: linkSecrets(), db: db1 });
    const checkIns: CheckIn[] = [];
    first.onCheckIn((c) => {
      checkIns.push(c);
    });
    first.start();
    await vi.waitFor(() => expect(first.counters().connects).toBe(1), WAIT);
    await vi.waitFor(() => expect(bridge.brokerConnected).toBe(true), WAIT);
    expect(
      (
        await postWebhook(
          endpoint,
          signedWebhook(
            TEST_WEBHOOK_SECRET,
            TEST_WEBHOOK_URL,
            checkInPayload({ tillId: "kasse1", msn: TEST_MSN, customerToken: "aedes-token" }),
          ),
        )
      ).status,
    ).toBe(200);
    await vi.waitFor(() => expect(checkIns.map((c) => c.customerToken)).toEqual(["aedes-token"]), WAIT);
    await first.stop();
    db1.close();

    // While the agent is away the broker queues for its persistent session (in memory).
    for (const n of [1, 2, 3]) {
      const answer = await postWebhook(
        endpoint,
        signedWebhook(
          TEST_WEBHOOK_SECRET,
          TEST_WEBHOOK_URL,
          paymentPayload({ reference: `kasse1-${n}`, msn: TEST_MSN }),
        ),
      );
      expect(answer.status).toBe(200);
    }
    const db2 = openDatabase(join(dir.path, "agent.db"));
    cleanups.push(() => {
      db2.close();
    });
    const second = createMqttLink({ config, secrets: linkSecrets(), db: db2 });
    cleanups.push(() => second.stop());
    const payments: PaymentEvent[] = [];
    second.onPaymentEvent((e) => {
      payments.push(e);
    });
    second.start();
    await vi.waitFor(
      () => expect(payments.map((p) => p.reference)).toEqual(["kasse1-1", "kasse1-2", "kasse1-3"]),
      WAIT,
    );
  });

  it("listens on a given port and closes idempotently", async () => {
    const port = await freePort();
    const broker = await startEmbeddedBroker({ port, host: "127.0.0.1" });
    expect(broker.url).toBe(`mqtt://127.0.0.1:${port}`);
    await Promise.all([broker.close(), broker.close()]);
    const again = await startEmbeddedBroker({ port });
    cleanups.push(() => again.close());
    await expect(startEmbeddedBroker({ port })).rejects.toThrow("EADDRINUSE");
  });
});
