import { join } from "node:path";
import mqtt from "mqtt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../../lib/manual-clock.js";
import { healthMessageSchema } from "../../lib/mqtt-contract/index.js";
import { startMosquitto } from "../../test/helpers/mosquitto.js";
import { TEST_MSN, linkConfig, linkSecrets } from "../../test/helpers/mqtt-link-fixtures.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { openDatabase } from "../store/database.js";
import { HEALTH_MIN_GAP_MS, createMqttLink } from "./link.js";

/**
 * `healthChanged()`: a fresh health message after the till's state changed, coalesced to at most
 * one per HEALTH_MIN_GAP_MS on the injected clock (no test time spent waiting), over a real
 * mosquitto. Each report call is numbered, so the messages that arrive say which calls made them.
 */
describe("MQTT link: health on change", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("publishes one health message per burst of changes, not before the gap, with the state at that moment", async () => {
    const broker = await startMosquitto({ persistence: false });
    cleanups.push(() => broker.cleanup());
    const watcher = await mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
    cleanups.push(() => watcher.endAsync(true));
    const seen: string[][] = [];
    watcher.on("message", (_topic, payload) => {
      const message = healthMessageSchema.parse(JSON.parse(payload.toString("utf8")));
      seen.push(message.degraded ?? []);
    });
    await watcher.subscribeAsync(`vipps-pos/${TEST_MSN}/kasse1/health`, { qos: 0 });

    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const db = openDatabase(join(dir.path, "agent.db"));
    cleanups.push(() => {
      db.close();
    });
    const clock = new ManualClock();
    let calls = 0;
    const link = createMqttLink({
      config: linkConfig({ mqttUrl: broker.url, healthIntervalSeconds: 3_600 }),
      secrets: linkSecrets(),
      db,
      clock,
      health: () => ({ links: { register: "up" }, degraded: [`call ${++calls}`] }),
    });
    cleanups.push(() => link.stop());

    link.healthChanged(); // not connected yet: nothing to publish, nothing scheduled
    expect(clock.pending).toBe(0);
    link.start();
    await vi.waitFor(() => expect(seen).toEqual([["call 1"]]), { timeout: 15_000 }); // right after connect
    const periodic = clock.pending; // the hourly health timer

    for (let i = 0; i < 5; i++) link.healthChanged();
    expect(clock.pending).toBe(periodic + 1);
    clock.advance(HEALTH_MIN_GAP_MS - 1);
    expect(calls).toBe(1);
    clock.advance(1);
    await vi.waitFor(() => expect(seen).toEqual([["call 1"], ["call 2"]]), { timeout: 15_000 });

    // A change a full gap later goes out without waiting.
    clock.advance(HEALTH_MIN_GAP_MS);
    link.healthChanged();
    clock.advance(0);
    await vi.waitFor(() => expect(seen).toEqual([["call 1"], ["call 2"], ["call 3"]]), { timeout: 15_000 });
    expect(calls).toBe(3);
  });
});
