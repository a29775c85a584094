import { Writable } from "node:stream";
import mqtt from "mqtt";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { WEBHOOK_DATE_MAX_AGE_MS, WEBHOOK_DATE_MAX_AHEAD_MS } from "../lib/webhook-date.js";
import { systemClock, type Clock } from "../lib/clock.js";
import { createLogger, silentLogger } from "../lib/log.js";
import { startMosquitto, type MosquittoBroker } from "../test/helpers/mosquitto.js";
import { checkInPayload, postWebhook, signedWebhook } from "../test/helpers/vipps-webhooks.js";
import { startBridge, type RunningBridge } from "./index.js";

/**
 * Over real HTTP on loopback, with a real mosquitto behind: a delivery whose signed x-ms-date is
 * outside the window is refused, and a secret bound to one sales unit cannot sign another's
 * webhooks — and in neither case is anything published.
 */
const URL_ = "https://bridge.example.com/vipps/webhook";
const SECRET_A = "secret-of-msn-123456-A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIc=";
const SECRET_B = "secret-of-msn-654321-lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V=";
const LEGACY = "an-unbound-secret-from-before-the-upgrade-ee6e441bcc4a=";
/** The bridge's clock for this file: "now" stands still, timers are real. */
const NOW = Date.UTC(2026, 7, 21, 10, 45, 40);
const clock: Clock = { ...systemClock, now: () => NOW };

describe("the bridge refuses replays and other sales units' signatures (real HTTP, real mosquitto)", () => {
  let broker: MosquittoBroker;
  let watcher: mqtt.MqttClient;
  let seen: string[];
  const bridges: RunningBridge[] = [];
  const logLines: Record<string, unknown>[] = [];

  async function bridge(webhookSecrets: string[], logged = false): Promise<string> {
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of chunk.toString("utf8").trim().split("\n"))
          logLines.push(JSON.parse(line) as Record<string, unknown>);
        cb();
      },
    });
    const b = await startBridge({
      publicUrl: URL_,
      webhookSecrets,
      mqtt: { url: broker.url },
      clock,
      logger: logged ? createLogger({ destination, level: "warn" }) : silentLogger(),
    });
    bridges.push(b);
    await vi.waitFor(() => expect(b.brokerConnected).toBe(true), { timeout: 10_000 });
    return `${b.url}${b.webhookPath}`;
  }

  let bound: string;
  beforeAll(async () => {
    broker = await startMosquitto({ persistence: false });
    watcher = await mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
    // Not the bridge's own heartbeat (vipps-pos/_bridge/…; test/deploy/mosquitto-setup.test.ts).
    watcher.on("message", (topic) => {
      if (!topic.startsWith("vipps-pos/_bridge/")) seen.push(topic);
    });
    await watcher.subscribeAsync("vipps-pos/#", { qos: 1 });
    bound = await bridge(["123456:" + SECRET_A, "654321:" + SECRET_B]);
  });
  afterAll(async () => {
    for (const b of bridges) await b.close();
    await watcher?.endAsync(true);
    await broker?.cleanup();
  });
  beforeEach(() => {
    seen = [];
  });

  const checkIn = (msn: string, tillId = "kasse1") =>
    checkInPayload({ tillId, msn, customerToken: `tok-${msn}` });

  /** A marker sent last, through the same broker: once it arrives, anything published before it has too. */
  async function publishedBeforeMarker(endpoint: string): Promise<string[]> {
    const marker = await postWebhook(
      endpoint,
      signedWebhook(SECRET_A, URL_, checkIn("123456", "marker"), new Date(NOW)),
    );
    expect(marker.status).toBe(200);
    await vi.waitFor(() => expect(seen).toContain("vipps-pos/123456/marker/webhook"), { timeout: 10_000 });
    return seen.filter((t) => t !== "vipps-pos/123456/marker/webhook");
  }

  it('refuses a signed delivery dated 2018, 2099, "banana", or just outside the window, and publishes none', async () => {
    const dates = [
      "Mon, 01 Jan 2018 00:00:00 GMT",
      "Thu, 01 Jan 2099 00:00:00 GMT",
      "banana",
      new Date(NOW - WEBHOOK_DATE_MAX_AGE_MS - 60_000).toUTCString(),
      new Date(NOW + WEBHOOK_DATE_MAX_AHEAD_MS + 60_000).toUTCString(),
      new Date(NOW).toISOString(),
    ];
    for (const date of dates) {
      const answer = await postWebhook(bound, signedWebhook(SECRET_A, URL_, checkIn("123456"), date));
      expect({ date, answer }).toEqual({
        date,
        answer: { status: 401, body: { error: "BRIDGE_BAD_DATE", message: expect.any(String) as string } },
      });
    }
    expect(await publishedBeforeMarker(bound)).toEqual([]);
  });

  it("accepts a retry signed 7 days and 23 hours ago, and a Vipps clock 14 minutes ahead", async () => {
    for (const at of [NOW - WEBHOOK_DATE_MAX_AGE_MS + 3_600_000, NOW + 14 * 60_000]) {
      const answer = await postWebhook(bound, signedWebhook(SECRET_A, URL_, checkIn("123456"), new Date(at)));
      expect(answer).toEqual({ status: 200, body: { status: "published" } });
    }
    expect(await publishedBeforeMarker(bound)).toEqual([
      "vipps-pos/123456/kasse1/webhook",
      "vipps-pos/123456/kasse1/webhook",
    ]);
  });

  it("publishes a webhook only if a secret bound to the MSN it names signed it", async () => {
    const cases: [string, string, number][] = [
      [SECRET_A, "123456", 200],
      [SECRET_B, "654321", 200],
      [SECRET_A, "654321", 403],
      [SECRET_B, "123456", 403],
    ];
    for (const [secret, msn, status] of cases) {
      const answer = await postWebhook(bound, signedWebhook(secret, URL_, checkIn(msn), new Date(NOW)));
      expect({ msn, secretOf: secret === SECRET_A ? "123456" : "654321", status: answer.status }).toEqual({
        msn,
        secretOf: secret === SECRET_A ? "123456" : "654321",
        status,
      });
      if (status === 403) expect(answer.body.error).toBe("BRIDGE_WRONG_MSN");
    }
    // An unroutable webhook of another sales unit is refused too; one naming no MSN goes to the
    // operator's topic, whichever secret signed it.
    const foreignUnrouted = await postWebhook(
      bound,
      signedWebhook(SECRET_A, URL_, { msn: "654321", something: "else" }, new Date(NOW)),
    );
    expect(foreignUnrouted.status).toBe(403);
    const noMsn = await postWebhook(
      bound,
      signedWebhook(SECRET_B, URL_, { something: "else" }, new Date(NOW)),
    );
    expect(noMsn).toEqual({ status: 200, body: { status: "unrouted" } });
    expect((await publishedBeforeMarker(bound)).sort()).toEqual([
      "vipps-pos/123456/kasse1/webhook",
      "vipps-pos/654321/kasse1/webhook",
      "vipps-pos/_unrouted",
    ]);
  });

  it("keeps an unbound secret from before the upgrade working for any MSN, and warns about it at start", async () => {
    const legacy = await bridge(["123456:" + SECRET_A, LEGACY], true);
    expect(logLines).toContainEqual(
      expect.objectContaining({
        level: "warn",
        unbound: 1,
        msg: expect.stringContaining("<msn>:<secret>") as string,
      }),
    );
    for (const msn of ["123456", "654321"]) {
      const answer = await postWebhook(legacy, signedWebhook(LEGACY, URL_, checkIn(msn), new Date(NOW)));
      expect(answer.status).toBe(200);
    }
    // …while the bound one stays bound.
    expect(
      (await postWebhook(legacy, signedWebhook(SECRET_A, URL_, checkIn("654321"), new Date(NOW)))).status,
    ).toBe(403);
    expect(JSON.stringify(logLines)).not.toContain(LEGACY);
  });
});
