import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createMqttLink, type CheckIn, type MqttLink, type MqttLinkState } from "../../agent/mqtt/index.js";
import { openDatabase } from "../../agent/store/database.js";
import { startBridge, type RunningBridge } from "../../bridge/index.js";
import { heartbeatOptions } from "../../bridge/broker-publisher.js";
import { silentLogger } from "../../lib/log.js";
import { MAX_MQTT_PACKET_BYTES, MAX_WEBHOOK_BODY_BYTES } from "../../lib/mqtt-contract/index.js";
import { REPO_ROOT } from "../helpers/cli.js";
import {
  MOSQUITTO_DEPLOY_DIR,
  startDocumentedBroker,
  type BrokerLogin,
  type DocumentedBroker,
} from "../helpers/documented-broker.js";
import {
  TEST_MSN,
  TEST_WEBHOOK_SECRET,
  TEST_WEBHOOK_URL,
  linkConfig,
  linkSecrets,
} from "../helpers/mqtt-link-fixtures.js";
import { tempDir } from "../helpers/temp-dir.js";
import { checkInPayload, postWebhook, signedWebhook } from "../helpers/vipps-webhooks.js";

/**
 * The broker set-up in deploy/mosquitto/ — the file an operator installs, the users its script
 * makes — on a real mosquitto, attacked the way one till's stolen login would be used.
 */

const EXAMPLE_USERS = [
  ["bridge", "a"],
  ["till", TEST_MSN, "kasse1"],
  ["till", TEST_MSN, "kasse2"],
  ["backoffice", TEST_MSN],
  ["monitor", "ops"],
] as const;

describe("deploy/mosquitto: the files agree with each other and with the documents", () => {
  it("acl.example is what broker-user.sh writes for the documented example, and the document shows it", () => {
    const dir = tempDir();
    try {
      for (const args of EXAMPLE_USERS)
        execFileSync(join(MOSQUITTO_DEPLOY_DIR, "broker-user.sh"), ["-d", dir.path, ...args]);
      const example = readFileSync(join(MOSQUITTO_DEPLOY_DIR, "acl.example"), "utf8");
      expect(readFileSync(join(dir.path, "acl"), "utf8")).toBe(example);
      const doc = readFileSync(join(REPO_ROOT, "docs/mqtt-contract.md"), "utf8");
      const block = /<!-- contract:mosquitto-acl -->\n```text\n([\s\S]*?)```/.exec(doc)?.[1];
      expect(block).toBe(example);
    } finally {
      dir.cleanup();
    }
  });

  it("limits packets to the size the tills enforce", () => {
    const conf = readFileSync(join(MOSQUITTO_DEPLOY_DIR, "pos-agent.conf"), "utf8");
    expect(/^max_packet_size (\d+)$/m.exec(conf)?.[1]).toBe(String(MAX_MQTT_PACKET_BYTES));
  });

  it("refuses arguments that would widen a rule or add a topic level", () => {
    const dir = tempDir();
    try {
      for (const args of [
        ["till", TEST_MSN, "+"],
        ["till", "#", "kasse1"],
        ["till", TEST_MSN, "kasse1/webhook"],
        ["backoffice", "123456/#"],
        ["bridge", "a\nuser admin"],
        ["-p", "vipps-pos/#", "till", TEST_MSN, "kasse1"],
      ]) {
        let status: number | undefined;
        try {
          execFileSync(join(MOSQUITTO_DEPLOY_DIR, "broker-user.sh"), ["-d", dir.path, ...args], {
            stdio: "ignore",
          });
        } catch (error) {
          status = (error as { status?: number }).status;
        }
        expect({ args, status }).toEqual({ args, status: 65 });
      }
    } finally {
      dir.cleanup();
    }
  });
});

describe("deploy/mosquitto on a real mosquitto", () => {
  let documented: DocumentedBroker;
  let bridge: RunningBridge;
  let dir: ReturnType<typeof tempDir>;
  const cleanups: (() => unknown)[] = [];
  let login: (user: string) => BrokerLogin;

  beforeAll(async () => {
    documented = await startDocumentedBroker([
      ...EXAMPLE_USERS,
      ["bridge", "b"],
      ["till", "654321", "kasse9"],
    ]);
    login = (user) => {
      const found = documented.logins[user];
      if (found === undefined) throw new Error(`no broker user ${user}`);
      return found;
    };
    dir = tempDir();
    bridge = await startBridge({
      publicUrl: TEST_WEBHOOK_URL,
      webhookSecrets: [`${TEST_MSN}:${TEST_WEBHOOK_SECRET}`],
      mqtt: { url: documented.url, caFile: documented.caFile, ...login("pos-bridge-a") },
      maxBodyBytes: MAX_WEBHOOK_BODY_BYTES,
      logger: silentLogger(),
    });
    await vi.waitFor(() => expect(bridge.brokerConnected).toBe(true), { timeout: 15_000 });
  }, 60_000);
  // Each test's links and clients go when it ends: two links with one login would keep taking
  // each other's session.
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await bridge?.close();
    await documented?.cleanup();
    dir?.cleanup();
  });

  /** A raw client with someone's login; closed when the test ends. */
  async function client(user: string, options: IClientOptions = {}): Promise<MqttClient> {
    const c = await mqtt.connectAsync(documented.url, {
      ca: readFileSync(documented.caFile),
      protocolVersion: 5,
      reconnectPeriod: 0,
      ...login(user),
      ...options,
    });
    cleanups.push(() => c.endAsync(true));
    return c;
  }

  interface Till {
    readonly link: MqttLink;
    readonly checkIns: CheckIn[];
    readonly states: MqttLinkState[];
  }

  /** The till's real MQTT link with its own login, as `pos-agent run` builds it. */
  function till(msn: string, tillId: string, protocolVersion: 4 | 5 = 5): Till {
    const user = `till-${msn}-${tillId}`;
    const db = openDatabase(join(dir.path, `${user}-${Math.random().toString(36).slice(2)}.db`));
    const link = createMqttLink({
      config: linkConfig({
        mqttUrl: documented.url,
        msn,
        tillId,
        protocolVersion,
        username: user,
        tls: { caFile: documented.caFile },
      }),
      secrets: linkSecrets({ mqttPassword: login(user).password }),
      db,
    });
    const checkIns: CheckIn[] = [];
    const states: MqttLinkState[] = [];
    link.onCheckIn((c) => {
      checkIns.push(c);
    });
    link.onStateChange((s) => states.push(s));
    cleanups.push(() => db.close());
    cleanups.push(() => link.stop());
    link.start();
    return { link, checkIns, states };
  }

  async function scanAt(tillId: string, customerToken: string, msn = TEST_MSN): Promise<void> {
    const answer = await postWebhook(
      `${bridge.url}${bridge.webhookPath}`,
      signedWebhook(TEST_WEBHOOK_SECRET, TEST_WEBHOOK_URL, checkInPayload({ tillId, msn, customerToken })),
    );
    expect(answer.status).toBe(200);
  }

  const connected = (t: Till): Promise<void> =>
    vi.waitFor(() => expect(t.link.state).toBe("connected"), { timeout: 15_000 });

  it("binds every client id to its login: another till's password can neither resume, kick nor read a till's session", async () => {
    const kasse2 = till(TEST_MSN, "kasse2");
    await connected(kasse2);
    await kasse2.link.stop();
    // Queued in kasse2's persistent session while it is away.
    await scanAt("kasse2", "queued-for-kasse2");

    // kasse1's password with every client id kasse2 could have, persistent sessions, both protocols.
    const stolen: string[] = [];
    const present: boolean[] = [];
    for (const clientId of ["till-123456-kasse2", "pos-agent-123456-kasse2"]) {
      for (const protocolVersion of [5, 4] as const) {
        const intruder = await client("till-123456-kasse1", {
          clientId,
          clean: false,
          protocolVersion,
          ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: 3_600 } } : {}),
        });
        // Every till may read the bridges' heartbeats (kasse1's own session subscribes to them).
        const kasse2s = (topic: string): boolean => !topic.startsWith("vipps-pos/_bridge/");
        intruder.on("message", (topic) => {
          if (kasse2s(topic)) stolen.push(topic);
        });
        intruder.on("packetreceive", (packet) => {
          if (packet.cmd === "publish" && kasse2s(packet.topic)) stolen.push(packet.topic);
        });
        present.push(intruder.connected);
        await intruder.subscribeAsync("vipps-pos/123456/kasse2/webhook", { qos: 1 });
        await intruder.endAsync();
      }
    }
    expect(present).toEqual([true, true, true, true]);

    // kasse2 comes back and gets what was queued for it: nobody resumed or emptied its session.
    const back = till(TEST_MSN, "kasse2");
    await vi.waitFor(() => expect(back.checkIns.map((c) => c.customerToken)).toEqual(["queued-for-kasse2"]), {
      timeout: 15_000,
    });
    expect(stolen).toEqual([]);

    // While kasse2 is connected, connections with its client ids and kasse1's password do not
    // take its connection over (a takeover would close it and publish its Will, `offline`).
    const statuses: string[] = [];
    const monitor = await client("monitor-ops");
    monitor.on("message", (topic, payload) => {
      if (topic === "vipps-pos/123456/kasse2/status") statuses.push(payload.toString("utf8"));
    });
    await monitor.subscribeAsync("vipps-pos/123456/kasse2/status", { qos: 1 });
    await vi.waitFor(() => expect(statuses).toEqual(["online"]), { timeout: 15_000 });
    const before = { states: back.states.length, connects: back.link.counters().connects };
    for (let i = 0; i < 8; i++) {
      const intruder = await client("till-123456-kasse1", {
        clientId: i % 2 === 0 ? "till-123456-kasse2" : "pos-agent-123456-kasse2",
        clean: false,
      });
      await intruder.endAsync(true);
    }
    // Every takeover would have happened at the intruders' CONNECT; a webhook delivered after
    // them shows the link went on undisturbed.
    await scanAt("kasse2", "after-the-intruders");
    await vi.waitFor(
      () => expect(back.checkIns.map((c) => c.customerToken)).toContain("after-the-intruders"),
      {
        timeout: 15_000,
      },
    );
    expect({ states: back.states.length, connects: back.link.counters().connects }).toEqual(before);
    expect(statuses).toEqual(["online"]);
    expect(stolen).toEqual([]);
  });

  it("keeps each till in its own subtree and lets the bridge publish but read nothing", async () => {
    // (The broker makes this connection kasse1's own, whatever id it asks for.)
    const intruder = await client("till-123456-kasse1", { clientId: "ignored" });
    await expect(
      intruder.publishAsync("vipps-pos/123456/kasse2/status", "offline", { qos: 1, retain: true }),
    ).rejects.toThrow(/authori[sz]ed/i);
    await expect(
      intruder.publishAsync("vipps-pos/123456/kasse2/webhook", "forged", { qos: 1 }),
    ).rejects.toThrow(/authori[sz]ed/i);
    await intruder.endAsync(true);

    const reader = await client("pos-bridge-b");
    const read: string[] = [];
    reader.on("message", (topic) => read.push(topic));
    await reader.subscribeAsync("vipps-pos/#", { qos: 1 });
    const kasse1 = till(TEST_MSN, "kasse1");
    await connected(kasse1);
    await scanAt("kasse1", "for-kasse1");
    await vi.waitFor(() => expect(kasse1.checkIns.map((c) => c.customerToken)).toContain("for-kasse1"), {
      timeout: 15_000,
    });
    expect(read).toEqual([]);
  });

  it("gives the back office its sales unit's sales, status, health and unrouted envelopes — never a webhook", async () => {
    const office = await client("backoffice-123456");
    const seen: string[] = [];
    office.on("message", (topic) => seen.push(topic));
    // mosquitto grants every subscription and filters what it delivers by the ACL.
    await office.subscribeAsync(["vipps-pos/#", "vipps-pos/123456/kasse1/webhook"], { qos: 1 });

    const kasse1 = till(TEST_MSN, "kasse1");
    const other = till("654321", "kasse9");
    await connected(kasse1);
    await connected(other);
    await scanAt("kasse1", "token-for-kasse1");
    // A check-in whose QR is not a till's goes to the sales unit's unrouted topic.
    await scanAt("not-a-till-id-but-a-uuid-aaaaaaaaaaaaaaaa", "unroutable");
    kasse1.link.publishSaleEvent({
      eventId: "kasse1-1-captured",
      type: "sale.captured",
      saleId: "1",
      amount: { currency: "NOK", value: 100 },
      occurredAt: "2026-08-21T10:00:00Z",
    });
    await vi.waitFor(
      () => expect(kasse1.checkIns.map((c) => c.customerToken)).toContain("token-for-kasse1"),
      {
        timeout: 15_000,
      },
    );
    await vi.waitFor(
      () =>
        expect(seen).toEqual(
          expect.arrayContaining([
            "vipps-pos/123456/_unrouted",
            "vipps-pos/123456/kasse1/health",
            "vipps-pos/123456/kasse1/sales",
            "vipps-pos/123456/kasse1/status",
          ]),
        ),
      { timeout: 15_000 },
    );
    // (Retained statuses of this sales unit's other tills may be among them.)
    expect(
      seen.filter((t) => !/^vipps-pos\/123456\/(\w+\/(sales|status|health)|_unrouted)$/.test(t)),
    ).toEqual([]);
  });

  it("refuses a packet over the limit from anyone, and passes the largest webhook the bridge can send", async () => {
    const tills = [till(TEST_MSN, "kasse1", 5), till(TEST_MSN, "kasse2", 4)];
    for (const t of tills) await connected(t);
    const received = tills.map((t) => t.link.counters().received);

    // The bridge's own login: only the broker's limit stands between it and the tills.
    const sender = await client("pos-bridge-b", { protocolVersion: 4 });
    const closed = new Promise<void>((resolve) => sender.once("close", () => resolve()));
    sender.publish("vipps-pos/123456/kasse1/webhook", Buffer.alloc(MAX_MQTT_PACKET_BYTES + 1), { qos: 1 });
    sender.publish("vipps-pos/123456/kasse2/webhook", Buffer.alloc(MAX_MQTT_PACKET_BYTES + 1), { qos: 1 });
    await closed;

    // A 1 MiB body — the most the contract carries — reaches both tills.
    for (const tillId of ["kasse1", "kasse2"]) {
      const payload = checkInPayload({ tillId, msn: TEST_MSN, customerToken: `largest-${tillId}` });
      const json = JSON.stringify(payload);
      const padded = `${json.slice(0, -1)},"padding":"${"p".repeat(MAX_WEBHOOK_BODY_BYTES - json.length - 13)}"}`;
      expect(Buffer.byteLength(padded)).toBe(MAX_WEBHOOK_BODY_BYTES);
      const answer = await postWebhook(
        `${bridge.url}${bridge.webhookPath}`,
        signedWebhook(TEST_WEBHOOK_SECRET, TEST_WEBHOOK_URL, padded),
      );
      expect(answer.status).toBe(200);
    }
    for (const [i, t] of tills.entries()) {
      await vi.waitFor(
        () => expect(t.checkIns.map((c) => c.customerToken)).toContain(`largest-kasse${i + 1}`),
        { timeout: 15_000 },
      );
      // The oversized ones never arrived: one message each since.
      expect(t.link.counters().received).toBe((received[i] ?? 0) + 1);
    }
  });

  it("carries the bridges' heartbeats: each replica writes only its own, every till reads them all, a dead replica's will says offline", async () => {
    const kasse1 = till(TEST_MSN, "kasse1");
    await connected(kasse1);
    // Bridge replica a (beforeAll) is named after its broker user pos-bridge-a.
    await vi.waitFor(() => expect(kasse1.link.bridgesOnline).toEqual(["a"]), { timeout: 15_000 });

    // Replica b, started and stopped cleanly: online, then offline (its own, not the will).
    const b = await startBridge({
      publicUrl: TEST_WEBHOOK_URL,
      webhookSecrets: [`${TEST_MSN}:${TEST_WEBHOOK_SECRET}`],
      mqtt: { url: documented.url, caFile: documented.caFile, ...login("pos-bridge-b") },
      logger: silentLogger(),
    });
    await vi.waitFor(() => expect(kasse1.link.bridgesOnline).toEqual(["a", "b"]), { timeout: 15_000 });
    await b.close();
    await vi.waitFor(() => expect(kasse1.link.bridgesOnline).toEqual(["a"]), { timeout: 15_000 });

    // Replica b again, with the bridge's own will, and its connection cut dead (no DISCONNECT):
    // the broker publishes the will at once (will delay 0).
    const settings = {
      urls: [documented.url],
      protocolVersion: 5 as const,
      clientId: "pos-bridge-b",
      caFile: documented.caFile,
      rejectUnauthorized: true,
      ...login("pos-bridge-b"),
    };
    const dying = await mqtt.connectAsync(documented.url, {
      ...heartbeatOptions(settings, { topic: "vipps-pos/_bridge/b/status" }),
      reconnectPeriod: 0,
    });
    cleanups.push(() => dying.endAsync(true));
    await dying.publishAsync("vipps-pos/_bridge/b/status", "online", { qos: 1, retain: true });
    await vi.waitFor(() => expect(kasse1.link.bridgesOnline).toEqual(["a", "b"]), { timeout: 15_000 });
    dying.stream.destroy();
    await vi.waitFor(() => expect(kasse1.link.bridgesOnline).toEqual(["a"]), { timeout: 15_000 });

    // Nobody else may speak for replica a: not replica b, not a till.
    for (const user of ["pos-bridge-b", "till-123456-kasse2"]) {
      const intruder = await client(user);
      await expect(
        intruder.publishAsync("vipps-pos/_bridge/a/status", "offline", { qos: 1, retain: true }),
      ).rejects.toThrow(/authori[sz]ed/i);
      await intruder.endAsync(true);
    }
    expect(kasse1.link.bridgesOnline).toEqual(["a"]);

    // A till's view is rebuilt from the retained heartbeats after its own reconnect.
    await kasse1.link.stop();
    expect(kasse1.link.bridgesOnline).toEqual([]);
    kasse1.link.start();
    await vi.waitFor(() => expect(kasse1.link.bridgesOnline).toEqual(["a"]), { timeout: 15_000 });
  });
});
