import type { PublishPacket } from "aedes";
import { describe, expect, it, vi } from "vitest";
import { silentLogger } from "../lib/log.js";
import { startEmbeddedBroker } from "../sim/broker/embedded-broker.js";
import { checkInPayload, postWebhook, signedWebhook } from "../test/helpers/vipps-webhooks.js";
import { startBridge } from "./index.js";

const PUBLIC_URL = "https://bridge.example.com/vipps/webhook";
const SECRET = "shutdown-test-secret";

/**
 * A real (embedded aedes) broker whose `authorizePublish` hook lets the test decide when — or
 * whether — the broker accepts the bridge's publish, i.e. when the PUBACK goes out.
 */
async function brokerWithGate() {
  const held: (() => void)[] = [];
  let mode: "hold" | "drop" | "pass" = "pass";
  const broker = await startEmbeddedBroker({
    aedes: {
      authorizePublish: (_client, packet: PublishPacket, callback) => {
        if (!packet.topic.endsWith("/webhook") || mode === "pass") callback(null);
        else if (mode === "hold") held.push(() => callback(null));
        // "drop": never answered, so no PUBACK ever comes.
      },
    },
  });
  return {
    broker,
    held,
    setMode: (m: typeof mode) => {
      mode = m;
    },
  };
}

describe("bridge shutdown and publish timeouts", () => {
  it("finishes an in-flight publish before it stops, then refuses connections", async () => {
    const gate = await brokerWithGate();
    const bridge = await startBridge({
      publicUrl: PUBLIC_URL,
      webhookSecrets: [SECRET],
      mqtt: { url: gate.broker.url, protocolVersion: 4 },
      logger: silentLogger(),
    });
    try {
      await vi.waitFor(() => expect(bridge.brokerConnected).toBe(true), { timeout: 10_000 });
      gate.setMode("hold");
      const answer = postWebhook(
        `${bridge.url}${bridge.webhookPath}`,
        signedWebhook(SECRET, PUBLIC_URL, checkInPayload({ tillId: "kasse1", msn: "123456" })),
      );
      await vi.waitFor(() => expect(gate.held).toHaveLength(1), { timeout: 10_000 });

      let closed = false;
      const closing = bridge.close().then(() => {
        closed = true;
      });
      // Still waiting for the PUBACK: the bridge must not have stopped, nor answered.
      await new Promise((r) => setImmediate(r));
      expect(closed).toBe(false);
      expect(bridge.counters.published).toBe(0);

      gate.held[0]?.();
      expect(await answer).toEqual({ status: 200, body: { status: "published" } });
      await closing;
      expect(bridge.counters.published).toBe(1);
      await expect(fetch(`${bridge.url}/healthz`)).rejects.toThrow();
    } finally {
      await bridge.close();
      await gate.broker.close();
    }
  });

  it("answers 503 when the broker does not acknowledge in time, and still shuts down", async () => {
    const gate = await brokerWithGate();
    const bridge = await startBridge({
      publicUrl: PUBLIC_URL,
      webhookSecrets: [SECRET],
      mqtt: { url: gate.broker.url, protocolVersion: 4 },
      publishTimeoutMs: 300,
      shutdownTimeoutMs: 300,
      logger: silentLogger(),
    });
    try {
      await vi.waitFor(() => expect(bridge.brokerConnected).toBe(true), { timeout: 10_000 });
      gate.setMode("drop");
      const answer = await postWebhook(
        `${bridge.url}${bridge.webhookPath}`,
        signedWebhook(SECRET, PUBLIC_URL, checkInPayload({ tillId: "kasse1", msn: "123456" })),
      );
      expect(answer).toMatchObject({ status: 503, body: { error: "BRIDGE_PUBLISH_TIMEOUT" } });
      expect(bridge.counters).toMatchObject({ received: 1, verified: 1, published: 0, failed: 1 });
    } finally {
      await bridge.close();
      await gate.broker.close();
    }
  });
});
