import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort, startMosquitto, type MosquittoBroker } from "../../test/helpers/mosquitto.js";
import { connectMqtt } from "./mqtt-connect.js";
import type { RefusedPacket } from "./packet-size-guard.js";

const LIMIT = 64 * 1024;

describe("connectMqtt (real mosquitto)", () => {
  let broker: MosquittoBroker;
  let v6Port: number;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    v6Port = await freePort("::1");
    broker = await startMosquitto({ persistence: false, extraConfig: [`listener ${v6Port} ::1`] });
  });
  afterAll(async () => {
    for (const client of clients) client.end(true);
    await broker.cleanup();
  });

  function connect(
    url: string,
    clientId: string,
    options: IClientOptions = {},
    refused: RefusedPacket[] = [],
  ): MqttClient {
    const client = connectMqtt(
      url,
      { clientId, protocolVersion: 5, reconnectPeriod: 0, writeCache: false, ...options },
      { maxPacketBytes: LIMIT, onRefused: (packet) => refused.push(packet) },
    );
    clients.push(client);
    return client;
  }

  async function roundTrip(url: string, name: string): Promise<string> {
    const client = connect(url, name);
    await vi.waitFor(() => expect(client.connected).toBe(true), { timeout: 15_000 });
    const received = new Promise<string>((resolve) =>
      client.on("message", (_topic, payload) => resolve(payload.toString("utf8"))),
    );
    await client.subscribeAsync(`test/${name}`, { qos: 1 });
    await client.publishAsync(`test/${name}`, `hello ${name}`, { qos: 1 });
    return received;
  }

  it("speaks MQTT over TCP to an IPv4 host (QoS 1 packet ids written without mqtt.js's number cache)", async () => {
    expect(await roundTrip(broker.url, "v4")).toBe("hello v4");
  });

  it("connects to an IPv6 literal in brackets", async () => {
    expect(await roundTrip(`mqtt://[::1]:${v6Port}`, "v6")).toBe("hello v6");
  });

  for (const protocolVersion of [4, 5] as const) {
    it(`skips a message over the limit unread and acknowledges it, so it never comes again (MQTT ${protocolVersion === 5 ? "5" : "3.1.1"})`, async () => {
      const clientId = `guarded-${protocolVersion}`;
      const session: IClientOptions = {
        clean: false,
        protocolVersion,
        ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: 600 } } : {}),
      };
      const topic = `test/guarded/${protocolVersion}`;
      const refused: RefusedPacket[] = [];
      const received: string[] = [];
      const first = connect(broker.url, clientId, session, refused);
      first.on("message", (_t, payload) => received.push(payload.length > 100 ? "BIG" : payload.toString()));
      await vi.waitFor(() => expect(first.connected).toBe(true), { timeout: 15_000 });
      await first.subscribeAsync(topic, { qos: 1 });

      const publisher = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
      await publisher.publishAsync(topic, Buffer.alloc(5 * 1024 * 1024, 0x61), { qos: 1 });
      await publisher.publishAsync(topic, "small", { qos: 1 });
      await vi.waitFor(() => expect(received).toEqual(["small"]), { timeout: 15_000 });
      expect(refused).toEqual([
        { bytes: expect.any(Number) as number, qos: 1, packetId: expect.any(Number) as number },
      ]);
      expect(refused[0]?.bytes).toBeGreaterThan(5 * 1024 * 1024);
      expect(first.connected).toBe(true);
      await first.endAsync();

      // Acknowledged: the broker does not hold it for the session any more.
      const again = connect(broker.url, clientId, session, refused);
      again.on("message", (_t, payload) => received.push(payload.length > 100 ? "BIG" : payload.toString()));
      await vi.waitFor(() => expect(again.connected).toBe(true), { timeout: 15_000 });
      await publisher.publishAsync(topic, "after", { qos: 1 });
      await vi.waitFor(() => expect(received).toEqual(["small", "after"]), { timeout: 15_000 });
      expect(refused).toHaveLength(1);
      await publisher.endAsync();
    });
  }

  it("drops the connection when the broker sends an oversized packet it cannot skip", async () => {
    const client = connect(broker.url, "guarded-qos2", { protocolVersion: 4 });
    await vi.waitFor(() => expect(client.connected).toBe(true), { timeout: 15_000 });
    await client.subscribeAsync("test/qos2", { qos: 2 });
    const errors: Error[] = [];
    client.on("error", (error) => errors.push(error));
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    const publisher = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
    await publisher.publishAsync("test/qos2", Buffer.alloc(LIMIT * 2), { qos: 2 });
    await closed;
    await publisher.endAsync();
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/MQTT_TOO_LARGE|over the limit/) as string,
    ]);
  });

  it("hands WebSocket URLs to mqtt.js's WebSocket stream, which reports a refused connection", async () => {
    const port = await freePort();
    const client = connect(`ws://127.0.0.1:${port}`, "ws");
    const failure = await new Promise<Error>((resolve) => client.once("error", resolve));
    expect(failure.message).toMatch(/ECONNREFUSED/);
    expect(client.connected).toBe(false);
  });
});
