import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort, startMosquitto, type MosquittoBroker } from "../test/helpers/mosquitto.js";
import { connectMqttNodes } from "./mqtt-connect.js";

describe("connectMqttNodes (real mosquitto)", () => {
  let broker: MosquittoBroker;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    broker = await startMosquitto({ persistence: false });
  });
  afterAll(async () => {
    for (const client of clients) client.end(true);
    await broker.cleanup();
  });

  it("goes round the nodes of a cluster, one URL per (re)connection, until one answers", async () => {
    const deadPort = await freePort();
    const attempts: string[] = [];
    const nodes = [`mqtt://127.0.0.1:${deadPort}`, broker.url];
    const client = connectMqttNodes(
      nodes,
      { clientId: "nodes", protocolVersion: 5, reconnectPeriod: 50, writeCache: false },
      (url) => attempts.push(url),
    );
    clients.push(client);
    const refused: string[] = [];
    client.on("error", (error) => refused.push(error.message));
    await vi.waitFor(() => expect(client.connected).toBe(true), { timeout: 15_000 });
    expect(attempts).toEqual(nodes);
    expect(refused).toEqual([expect.stringContaining("ECONNREFUSED")]);
    // The node it is on drops it: the next attempt goes round to the first URL again.
    client.stream.destroy();
    await vi.waitFor(() => expect(attempts.length).toBeGreaterThan(2), { timeout: 15_000 });
    expect(attempts[2]).toBe(nodes[0]);
    await vi.waitFor(() => expect(client.connected).toBe(true), { timeout: 15_000 });
    expect(attempts.at(-1)).toBe(broker.url);
  });

  it("refuses WebSocket URLs in a list of nodes", () => {
    expect(() => connectMqttNodes(["mqtt://127.0.0.1:1", "ws://127.0.0.1:2"], {})).toThrow(
      /must be mqtt:\/\/ or mqtts:\/\//,
    );
  });
});
