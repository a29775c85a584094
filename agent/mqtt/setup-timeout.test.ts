import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../../lib/manual-clock.js";
import { linkConfig, linkSecrets } from "../../test/helpers/mqtt-link-fixtures.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { openDatabase } from "../store/database.js";
import { SETUP_TIMEOUT_MS } from "./connection.js";
import { createMqttLink } from "./index.js";

/**
 * A broker that accepts the connection (CONNACK) but never answers the SUBSCRIBE — what
 * nats-server 2.9 did to a till whose session another login took over during its set-up
 * (test/e2e/nats-cluster.test.ts). No real broker misbehaves on demand, so this peer speaks
 * just enough MQTT 3.1.1 over a real loopback socket: CONNACK to every CONNECT, nothing else.
 */
function startDeafBroker(): Promise<{ server: Server; port: number; connects: () => number }> {
  let connects = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    socket.on("data", (data) => {
      // A CONNECT packet starts with 0x10; answer "accepted, no session present".
      if (data[0] === 0x10) {
        connects += 1;
        socket.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
      }
    });
  });
  server.on("close", () => sockets.forEach((s) => s.destroy()));
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      resolve({ server, port, connects: () => connects });
    }),
  );
}

describe("MQTT link set-up timeout", () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("drops a connection whose SUBSCRIBE is never answered, and connects again", async () => {
    const deaf = await startDeafBroker();
    cleanups.push(() => new Promise((resolve) => deaf.server.close(resolve)));
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const db = openDatabase(join(dir.path, "agent.db"));
    cleanups.push(() => {
      db.close();
    });
    const clock = new ManualClock();
    const config = linkConfig({
      mqttUrl: `mqtt://127.0.0.1:${deaf.port}`,
      protocolVersion: 4,
      reconnectMinMs: 1_000,
      reconnectMaxMs: 4_000,
    });
    const link = createMqttLink({ config, secrets: linkSecrets(), db, clock, random: () => 0.5 });
    cleanups.push(async () => {
      // stop() waits (on this clock) for a farewell this broker never acknowledges.
      const stopped = link.stop();
      for (let i = 0; i < 4; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        clock.advance(2_000);
      }
      await stopped;
    });

    link.start();
    await vi.waitFor(() => expect(link.state).toBe("connected"), { timeout: 10_000 });
    clock.advance(SETUP_TIMEOUT_MS - 1);
    expect(link.state).toBe("connected");
    clock.advance(1);
    await vi.waitFor(() => expect(link.state).toBe("disconnected"), { timeout: 10_000 });
    expect(link.counters().connects).toBe(0);
    clock.advance(500);
    await vi.waitFor(() => expect(deaf.connects()).toBe(2), { timeout: 10_000 });
  });
});
