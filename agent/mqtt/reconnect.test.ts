import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../../lib/manual-clock.js";
import { startMosquitto } from "../../test/helpers/mosquitto.js";
import { linkConfig, linkSecrets } from "../../test/helpers/mqtt-link-fixtures.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { openDatabase } from "../store/database.js";
import { createMqttLink, type MqttLinkState } from "./index.js";

/**
 * The reconnect schedule runs on the injected clock: with a ManualClock and a fixed jitter the
 * delays are exact, and no test time is spent waiting for them. The connection attempts
 * themselves are real (a stopped mosquitto refuses them, a started one accepts).
 */
describe("MQTT link reconnect backoff", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("waits base·2ⁿ·jitter between attempts, capped, and connects once the broker is back", async () => {
    const broker = await startMosquitto({ persistence: false });
    cleanups.push(() => broker.cleanup());
    await broker.stop();
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const db = openDatabase(join(dir.path, "agent.db"));
    cleanups.push(() => {
      db.close();
    });
    const clock = new ManualClock();
    const config = linkConfig({ mqttUrl: broker.url, reconnectMinMs: 1_000, reconnectMaxMs: 4_000 });
    const link = createMqttLink({ config, secrets: linkSecrets(), db, clock, random: () => 0.5 });
    cleanups.push(() => link.stop());
    const states: MqttLinkState[] = [];
    link.onStateChange((s) => states.push(s));

    link.start();
    expect(link.state).toBe("connecting");
    // Each refused attempt schedules the next one on the clock after floor(0.5 · min(4000, 1000·2ⁿ)).
    for (const delay of [500, 1_000, 2_000, 2_000, 2_000]) {
      await vi.waitFor(() => expect(link.state).toBe("disconnected"), { timeout: 10_000 });
      expect(clock.pending).toBe(1);
      clock.advance(delay - 1);
      expect(link.state).toBe("disconnected");
      clock.advance(1);
      expect(link.state).toBe("connecting");
    }
    await vi.waitFor(() => expect(link.state).toBe("disconnected"), { timeout: 10_000 });

    await broker.start();
    clock.advance(2_000);
    await vi.waitFor(() => expect(link.state).toBe("connected"), { timeout: 10_000 });
    expect(states.slice(0, 3)).toEqual(["connecting", "disconnected", "connecting"]);
    expect(states.filter((s) => s === "connecting")).toHaveLength(7);
  });

  it("moves to the next node of a cluster after a failed attempt and after a lost connection", async () => {
    const nodeA = await startMosquitto({ persistence: false });
    cleanups.push(() => nodeA.cleanup());
    const nodeB = await startMosquitto({ persistence: false });
    cleanups.push(() => nodeB.cleanup());
    await nodeA.stop();
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const db = openDatabase(join(dir.path, "agent.db"));
    cleanups.push(() => {
      db.close();
    });
    const clock = new ManualClock();
    const config = linkConfig({ mqttUrl: nodeA.url, reconnectMinMs: 1_000, reconnectMaxMs: 4_000 });
    const nodes = { ...config, mqtt: { ...config.mqtt, url: undefined, urls: [nodeA.url, nodeB.url] } };
    const link = createMqttLink({ config: nodes, secrets: linkSecrets(), db, clock, random: () => 0.5 });
    cleanups.push(() => link.stop());

    link.start();
    // The first node refuses; one backoff step later the second one takes the till.
    await vi.waitFor(() => expect(link.state).toBe("disconnected"), { timeout: 10_000 });
    clock.advance(500);
    await vi.waitFor(() => expect(link.state).toBe("connected"), { timeout: 10_000 });
    expect(link.broker).toBe(nodeB.url);

    // Its node dies: after one backoff step the till is on the first node, back meanwhile.
    await nodeA.start();
    await nodeB.kill();
    await vi.waitFor(() => expect(link.state).toBe("disconnected"), { timeout: 10_000 });
    expect(link.broker).toBeUndefined();
    clock.advance(1_000);
    await vi.waitFor(() => expect(link.state).toBe("connected"), { timeout: 10_000 });
    expect(link.broker).toBe(nodeA.url);
    expect(link.counters().connects).toBe(2);
  });
});
