import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort, startMosquitto, type MosquittoBroker } from "../../test/helpers/mosquitto.js";
import { connectMqtt } from "./mqtt-connect.js";

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

  function connect(url: string, clientId: string): MqttClient {
    const client = connectMqtt(url, { clientId, protocolVersion: 5, reconnectPeriod: 0, writeCache: false });
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

  it("hands WebSocket URLs to mqtt.js's own connect, which reports a refused connection", async () => {
    const port = await freePort();
    const client = connect(`ws://127.0.0.1:${port}`, "ws");
    const failure = await new Promise<Error>((resolve) => client.once("error", resolve));
    expect(failure.message).toMatch(/ECONNREFUSED/);
    expect(client.connected).toBe(false);
  });
});
