import { join } from "node:path";
import mqtt from "mqtt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startMosquitto } from "../../test/helpers/mosquitto.js";
import { linkConfig, linkSecrets } from "../../test/helpers/mqtt-link-fixtures.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { openDatabase } from "../store/database.js";
import { createMqttLink } from "./index.js";

const ACL_WITHOUT_SALES = `
user till-123456-kasse1
topic read vipps-pos/123456/kasse1/webhook
topic write vipps-pos/123456/kasse1/status
topic write vipps-pos/123456/kasse1/health

user backoffice
topic read vipps-pos/#
`;

describe("sale events the broker refuses (MQTT 5, real mosquitto)", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("stay in the outbox and are retried while connected until the broker accepts them", async () => {
    const users = { "till-123456-kasse1": "till-pass", backoffice: "bo-pass" };
    // debug logging shows each refused attempt ("Denied PUBLISH").
    const broker = await startMosquitto({
      persistence: false,
      users,
      acl: ACL_WITHOUT_SALES,
      extraConfig: ["log_type debug"],
    });
    cleanups.push(() => broker.cleanup());
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const db = openDatabase(join(dir.path, "agent.db"));
    cleanups.push(() => {
      db.close();
    });
    const config = linkConfig({
      mqttUrl: broker.url,
      username: "till-123456-kasse1",
      reconnectMinMs: 100,
      reconnectMaxMs: 1_000,
    });
    const link = createMqttLink({
      config,
      secrets: linkSecrets({ mqttPassword: users["till-123456-kasse1"] }),
      db,
    });
    cleanups.push(() => link.stop());
    const backoffice = await mqtt.connectAsync(broker.url, {
      protocolVersion: 5,
      reconnectPeriod: 0,
      username: "backoffice",
      password: users.backoffice,
    });
    cleanups.push(() => backoffice.endAsync(true));
    const sales: string[] = [];
    backoffice.on("message", (topic, payload) => {
      if (topic.endsWith("/sales"))
        sales.push((JSON.parse(payload.toString()) as { eventId: string }).eventId);
    });
    await backoffice.subscribeAsync("vipps-pos/#", { qos: 1 });

    link.start();
    await vi.waitFor(() => expect(link.counters().connects).toBe(1), { timeout: 15_000 });
    link.publishSaleEvent({
      eventId: "e-1",
      type: "sale.captured",
      saleId: "1",
      amount: { currency: "NOK", value: 100 },
      occurredAt: "2026-01-01T12:00:00Z",
    });
    link.publishSaleEvent({
      eventId: "e-2",
      type: "sale.captured",
      saleId: "2",
      amount: { currency: "NOK", value: 200 },
      occurredAt: "2026-01-01T12:01:00Z",
    });
    // Refused (PUBACK reason 0x87) again and again: nothing is lost, nothing skipped.
    const denied = (): number =>
      broker
        .logs()
        .split("\n")
        .filter((l) => l.includes("Denied PUBLISH") && l.includes("/kasse1/sales")).length;
    await vi.waitFor(() => expect(denied()).toBeGreaterThanOrEqual(3), { timeout: 15_000 });
    expect(link.counters()).toMatchObject({ outboxPending: 2, salesPublished: 0 });
    expect(link.state).toBe("connected");

    await broker.setAcl(
      `${ACL_WITHOUT_SALES}\nuser till-123456-kasse1\ntopic write vipps-pos/123456/kasse1/sales\n`,
    );
    await vi.waitFor(() => expect(sales).toEqual(["e-1", "e-2"]), { timeout: 15_000 });
    await vi.waitFor(() => expect(link.counters()).toMatchObject({ outboxPending: 0, salesPublished: 2 }), {
      timeout: 15_000,
    });
  });
});
