import { ErrorWithReasonCode } from "mqtt";
import { afterAll, describe, expect, it, vi } from "vitest";
import { systemClock } from "../lib/clock.js";
import { isAgentError } from "../lib/errors.js";
import { silentLogger } from "../lib/log.js";
import { startMosquitto } from "../test/helpers/mosquitto.js";
import { connectPublisher, publishFailure, type BrokerPublisher } from "./broker-publisher.js";

describe("the bridge's publisher: why a publish failed", () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("calls a PUBACK with a failure reason code a refusal, anything else a lost connection", () => {
    const refused = publishFailure(new ErrorWithReasonCode("Publish error: Not authorized", 135));
    expect(refused).toMatchObject({ code: "BRIDGE_PUBLISH_REFUSED", details: { reasonCode: 135 } });
    // What mqtt.js passes when a reconnect's replay of unacknowledged publishes is cut short.
    expect(publishFailure(new Error("Connection closed"))).toMatchObject({
      code: "BRIDGE_BROKER_UNAVAILABLE",
    });
  });

  it("rejects BRIDGE_PUBLISH_REFUSED when an MQTT 5 broker's ACL denies the topic", async () => {
    const broker = await startMosquitto({
      persistence: false,
      users: { "pos-bridge": "bridge-password" },
      acl: "user pos-bridge\ntopic write vipps-pos/+/+/webhook\n",
    });
    cleanups.push(() => broker.cleanup());
    const publisher: BrokerPublisher = connectPublisher(
      {
        urls: [broker.url],
        protocolVersion: 5,
        clientId: "publisher-test",
        username: "pos-bridge",
        password: "bridge-password",
        rejectUnauthorized: true,
      },
      systemClock,
      silentLogger(),
    );
    cleanups.push(() => publisher.close(1_000));
    await vi.waitFor(() => expect(publisher.connected).toBe(true), { timeout: 15_000 });
    await publisher.publish("vipps-pos/123456/kasse1/webhook", Buffer.from("{}"), { qos: 1 }, 5_000);
    const denied = await publisher
      .publish("vipps-pos/123456/_unrouted", Buffer.from("{}"), { qos: 1 }, 5_000)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isAgentError(denied, "BRIDGE_PUBLISH_REFUSED")).toBe(true);
  });
});
