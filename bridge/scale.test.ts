import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createMqttLink, type MqttLink } from "../agent/mqtt/index.js";
import { openDatabase, type Db } from "../agent/store/database.js";
import { silentLogger } from "../lib/log.js";
import { startMosquitto } from "../test/helpers/mosquitto.js";
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
  paymentPayload,
  postWebhook,
  signedWebhook,
  type SignedWebhook,
} from "../test/helpers/vipps-webhooks.js";
import { startBridge, type RunningBridge } from "./index.js";

const TILLS = 20;
const WEBHOOKS = 2_000;
const DUPLICATE_EVERY = 10; // every 10th delivery repeats an earlier one (Vipps retries, overlapping registrations)
const CONCURRENCY = 24;

/**
 * Two stateless bridge replicas behind a "load balancer" (round robin), twenty tills (half on
 * MQTT 5, half on 3.1.1), 2 000 webhooks of which 200 are duplicates sent to the other replica:
 * every till receives exactly its own events and its handler acts on each once.
 */
describe("two bridge replicas, 20 tills, 2 000 webhooks (real mosquitto)", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("routes every event to its till exactly once", { timeout: 180_000 }, async () => {
    const broker = await startMosquitto({ persistence: false });
    cleanups.push(() => broker.cleanup());
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const replicas: RunningBridge[] = [];
    for (let i = 0; i < 2; i++) {
      const bridge = await startBridge({
        publicUrl: TEST_WEBHOOK_URL,
        webhookSecrets: [TEST_WEBHOOK_SECRET],
        mqtt: { url: broker.url },
        logger: silentLogger(),
      });
      cleanups.push(() => bridge.close());
      replicas.push(bridge);
    }
    const tillIds = Array.from({ length: TILLS }, (_, i) => `kasse${i + 1}`);
    const acted = new Map<string, Map<string, number>>(tillIds.map((t) => [t, new Map()]));
    const links: MqttLink[] = [];
    for (const [i, tillId] of tillIds.entries()) {
      const db: Db = openDatabase(join(dir.path, `${tillId}.db`));
      cleanups.push(() => {
        db.close();
      });
      const config = linkConfig({ mqttUrl: broker.url, tillId, protocolVersion: i % 2 === 0 ? 5 : 4 });
      const link = createMqttLink({ config, secrets: linkSecrets(), db });
      const count = (key: string): void => {
        const seen = acted.get(tillId);
        seen?.set(key, (seen.get(key) ?? 0) + 1);
      };
      link.onCheckIn((c) => count(`check-in:${c.merchantQrId}:${c.customerToken}`));
      link.onPaymentEvent((e) => count(`payment:${e.reference}:${e.name}:${e.pspReference}`));
      cleanups.push(() => link.stop());
      link.start();
      links.push(link);
    }
    await vi.waitFor(() => expect(links.every((l) => l.counters().connects === 1)).toBe(true), {
      timeout: 30_000,
    });
    await vi.waitFor(() => expect(replicas.every((r) => r.brokerConnected)).toBe(true), { timeout: 30_000 });

    // The unique events and what each till should act on.
    const expected = new Map<string, Set<string>>(tillIds.map((t) => [t, new Set()]));
    const unique: SignedWebhook[] = [];
    for (let n = 0; unique.length < WEBHOOKS - WEBHOOKS / DUPLICATE_EVERY; n++) {
      const tillId = tillIds[n % TILLS] ?? "kasse1";
      if (n % 3 === 0) {
        const token = `token-${n}`;
        unique.push(
          signedWebhook(
            TEST_WEBHOOK_SECRET,
            TEST_WEBHOOK_URL,
            checkInPayload({ tillId, msn: TEST_MSN, customerToken: token }),
          ),
        );
        expected.get(tillId)?.add(`check-in:${tillId}:${token}`);
      } else {
        const reference = `${tillId}-${String(n).padStart(6, "0")}`;
        const name = n % 3 === 1 ? "AUTHORIZED" : "CAPTURED";
        unique.push(
          signedWebhook(
            TEST_WEBHOOK_SECRET,
            TEST_WEBHOOK_URL,
            paymentPayload({ reference, msn: TEST_MSN, name, pspReference: `psp-${n}` }),
          ),
        );
        expected.get(tillId)?.add(`payment:${reference}:${name}:psp-${n}`);
      }
    }
    // Deliveries: the unique ones, with a repeat of an earlier event after every 9th.
    const deliveries: SignedWebhook[] = [];
    for (const [i, webhook] of unique.entries()) {
      deliveries.push(webhook);
      if ((i + 1) % (DUPLICATE_EVERY - 1) === 0) deliveries.push(unique[Math.floor(i / 2)] ?? webhook);
    }
    expect(deliveries).toHaveLength(WEBHOOKS);

    let next = 0;
    const statuses: number[] = [];
    const worker = async (): Promise<void> => {
      for (let i = next++; i < deliveries.length; i = next++) {
        const replica = replicas[i % replicas.length];
        const webhook = deliveries[i];
        if (replica === undefined || webhook === undefined) continue;
        statuses.push((await postWebhook(`${replica.url}${replica.webhookPath}`, webhook)).status);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(replicas.reduce((sum, r) => sum + r.counters.published, 0)).toBe(WEBHOOKS);
    expect(replicas.every((r) => r.counters.published > WEBHOOKS / 4)).toBe(true);

    const delivered = (): number => links.reduce((sum, l) => sum + l.counters().delivered, 0);
    const dropped = (): number => links.reduce((sum, l) => sum + l.counters().duplicates, 0);
    await vi.waitFor(() => expect(delivered() + dropped()).toBe(WEBHOOKS), {
      timeout: 120_000,
      interval: 200,
    });
    expect(delivered()).toBe(unique.length);
    expect(dropped()).toBe(WEBHOOKS / DUPLICATE_EVERY);
    for (const tillId of tillIds) {
      const seen = acted.get(tillId) ?? new Map<string, number>();
      expect([...seen.keys()].sort()).toEqual([...(expected.get(tillId) ?? [])].sort());
      expect([...seen.values()].every((times) => times === 1)).toBe(true);
    }
    expect(links.every((l) => l.counters().rejected === 0)).toBe(true);
  });
});
