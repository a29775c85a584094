import mqtt from "mqtt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startMosquitto, type MosquittoBroker } from "./mosquitto.js";

/** The helper other engineers' end-to-end tests rely on: prove what it promises. */
describe("startMosquitto", () => {
  const brokers: MosquittoBroker[] = [];
  const clients: mqtt.MqttClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await Promise.all(brokers.splice(0).map((b) => b.cleanup()));
  });

  it("keeps a persistent session's queued messages across a restart on the same port", async () => {
    const broker = await startMosquitto();
    brokers.push(broker);
    const sub = await mqtt.connectAsync(broker.url, {
      clientId: "helper-sub",
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    await sub.subscribeAsync("t/x", { qos: 1 });
    await sub.endAsync();
    const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
    await pub.publishAsync("t/x", "kept", { qos: 1 });
    await pub.endAsync();

    const port = broker.port;
    await broker.restart();
    expect(broker.port).toBe(port);
    expect(broker.running).toBe(true);

    // Listen before the CONNACK: the broker sends the queued message right after it.
    const again = mqtt.connect(broker.url, {
      clientId: "helper-sub",
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    clients.push(again);
    const got: string[] = [];
    again.on("message", (_t, payload) => got.push(payload.toString()));
    await vi.waitFor(() => expect(got).toEqual(["kept"]), { timeout: 10_000 });
  });

  it("enforces users and an ACL", async () => {
    const broker = await startMosquitto({
      users: { alice: "a-pass", bob: "b-pass" },
      acl: "user alice\ntopic readwrite a/#\n\nuser bob\ntopic readwrite b/#\ntopic write a/#\n",
    });
    brokers.push(broker);
    await expect(
      mqtt.connectAsync(broker.url, { reconnectPeriod: 0, username: "alice", password: "wrong" }),
    ).rejects.toThrow();
    await expect(mqtt.connectAsync(broker.url, { reconnectPeriod: 0 })).rejects.toThrow();
    const alice = await mqtt.connectAsync(broker.url, {
      reconnectPeriod: 0,
      username: "alice",
      password: "a-pass",
    });
    const bob = await mqtt.connectAsync(broker.url, {
      reconnectPeriod: 0,
      username: "bob",
      password: "b-pass",
    });
    clients.push(alice, bob);
    const got: string[] = [];
    alice.on("message", (topic) => got.push(topic));
    // mosquitto grants every subscription and filters by the ACL when it delivers.
    await alice.subscribeAsync(["a/1", "b/1"], { qos: 1 });
    await bob.publishAsync("b/1", "not for alice", { qos: 1 });
    await bob.publishAsync("a/1", "for alice", { qos: 1 });
    await vi.waitFor(() => expect(got).toEqual(["a/1"]), { timeout: 10_000 });
  });

  it("stops and cleans up", async () => {
    const broker = await startMosquitto({ persistence: false });
    await broker.stop();
    expect(broker.running).toBe(false);
    await expect(
      mqtt.connectAsync(broker.url, { reconnectPeriod: 0, connectTimeout: 2_000 }),
    ).rejects.toThrow();
    await broker.cleanup();
    await broker.cleanup();
  });
});
