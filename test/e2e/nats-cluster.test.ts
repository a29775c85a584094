import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { join } from "node:path";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runDoctor } from "../../agent/doctor/index.js";
import { createMqttLink, type CheckIn, type MqttLink } from "../../agent/mqtt/index.js";
import { openDatabase } from "../../agent/store/database.js";
import { startNatsCluster, type NatsCluster } from "../../bench/fleet/nats-cluster.js";
import { natsUsersConf } from "../../bridge/nats-users.js";
import { startBridge, type RunningBridge } from "../../bridge/index.js";
import { systemClock } from "../../lib/clock.js";
import { silentLogger } from "../../lib/log.js";
import {
  TEST_MSN,
  TEST_WEBHOOK_SECRET,
  TEST_WEBHOOK_URL,
  linkConfig,
  linkSecrets,
} from "../helpers/mqtt-link-fixtures.js";
import { writeAgentConfig } from "../helpers/technician-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { checkInPayload, deliverLikeVipps, postWebhook, signedWebhook } from "../helpers/vipps-webhooks.js";

/**
 * deploy/nats/node.conf and the users `pos-bridge nats-users` writes, on a real three-node
 * nats-server cluster (TLS on MQTT): the same rights as the mosquitto ACL, what NATS cannot
 * enforce (client ids) pinned as documented, and a node killed under a till and a bridge.
 */
const password = (): string => randomBytes(12).toString("hex");
const USERS = {
  bridge: password(),
  kasse1: password(),
  kasse2: password(),
  kasse3: password(),
  office: password(),
};

describe("a NATS cluster from deploy/nats (3 nodes, MQTT over TLS)", () => {
  let cluster: NatsCluster;
  let dir: ReturnType<typeof tempDir>;
  const cleanups: (() => Promise<unknown> | void)[] = [];

  beforeAll(async () => {
    dir = tempDir("pos-nats-test-");
    cluster = await startNatsCluster({
      users: natsUsersConf({
        bridgePassword: USERS.bridge,
        tills: (["kasse1", "kasse2", "kasse3"] as const).map((tillId) => ({
          msn: TEST_MSN,
          tillId,
          password: USERS[tillId],
        })),
        backOffices: [{ msn: TEST_MSN, password: USERS.office }],
      }),
    });
  }, 90_000);
  // Links, bridges and clients of one test end with it: two tills with one client id would
  // take the session from each other.
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  afterAll(async () => {
    await cluster?.cleanup();
    dir?.cleanup();
  });

  const ca = (): Buffer => readFileSync(cluster.pki.caFile);
  /**
   * An MQTT 3.1.1 client on node `node`. nats-server holds a connection whose client id was
   * just taken over for a second and closes it without a CONNACK (its "flapper" guard): that
   * is retried, a refusal is not.
   */
  const client = async (node: number, options: IClientOptions): Promise<MqttClient> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const c = await mqtt.connectAsync(
          cluster.mqttUrls[node] ?? "",
          { protocolVersion: 4, reconnectPeriod: 0, ca: ca(), ...options },
          false,
        );
        cleanups.push(() => c.endAsync(true));
        return c;
      } catch (error) {
        if (attempt === 10 || !/Couldn't connect/.test(String(error))) throw error;
      }
    }
  };
  const till = (
    tillId: "kasse1" | "kasse2" | "kasse3",
    urls: readonly string[],
  ): { link: MqttLink; checkIns: CheckIn[] } => {
    const db = openDatabase(join(dir.path, `${tillId}-${randomBytes(3).toString("hex")}.db`));
    const link = createMqttLink({
      config: linkConfig({
        mqttUrl: urls[0] ?? "",
        mqttUrls: urls,
        tillId,
        protocolVersion: 4,
        username: `till-${TEST_MSN}-${tillId}`,
        tls: { caFile: cluster.pki.caFile },
      }),
      secrets: linkSecrets({ mqttPassword: USERS[tillId] }),
      db,
    });
    const checkIns: CheckIn[] = [];
    link.onCheckIn((c) => {
      checkIns.push(c);
    });
    cleanups.push(() => {
      db.close();
    });
    cleanups.push(() => link.stop());
    link.start();
    return { link, checkIns };
  };
  const bridgeOn = async (urls: readonly string[]): Promise<RunningBridge> => {
    const bridge = await startBridge({
      publicUrl: TEST_WEBHOOK_URL,
      webhookSecrets: [TEST_WEBHOOK_SECRET],
      mqtt: {
        urls,
        protocolVersion: 4,
        username: "pos-bridge",
        password: USERS.bridge,
        caFile: cluster.pki.caFile,
      },
      logger: silentLogger(),
    });
    cleanups.push(() => bridge.close());
    await vi.waitFor(() => expect(bridge.brokerConnected).toBe(true), { timeout: 15_000 });
    return bridge;
  };
  const checkIn = (tillId: string, token: string) =>
    signedWebhook(
      TEST_WEBHOOK_SECRET,
      TEST_WEBHOOK_URL,
      checkInPayload({ tillId, msn: TEST_MSN, customerToken: token }),
    );

  it("gives each till its own topics, the bridge publish rights only, the back office read access to sales, status, health and unrouted", async () => {
    const office = await client(2, {
      clientId: "office",
      username: "backoffice-123456",
      password: USERS.office,
    });
    const seen: { topic: string; text: string }[] = [];
    office.on("message", (topic, payload) => seen.push({ topic, text: payload.toString("utf8") }));
    for (const kind of ["sales", "status", "health"])
      expect(await office.subscribeAsync(`vipps-pos/${TEST_MSN}/+/${kind}`, { qos: 1 })).toEqual([
        { topic: `vipps-pos/${TEST_MSN}/+/${kind}`, qos: 1 },
      ]);
    await office.subscribeAsync(`vipps-pos/${TEST_MSN}/_unrouted`, { qos: 1 });
    // Webhooks carry customer tokens: not for the back office, not even through a wildcard.
    for (const filter of [`vipps-pos/${TEST_MSN}/+/webhook`, `vipps-pos/${TEST_MSN}/#`])
      await expect(office.subscribeAsync(filter, { qos: 1 })).rejects.toThrow(/Subscribe error/);

    const k1 = till("kasse1", cluster.mqttUrls);
    const k2 = till("kasse2", [...cluster.mqttUrls].reverse());
    await vi.waitFor(
      () =>
        expect(
          seen
            .filter((m) => m.topic.endsWith("/status") && m.text === "online")
            .map((m) => m.topic)
            .sort(),
        ).toEqual([`vipps-pos/${TEST_MSN}/kasse1/status`, `vipps-pos/${TEST_MSN}/kasse2/status`]),
      { timeout: 20_000 },
    );
    expect([k1.link.broker, k2.link.broker]).toEqual([cluster.mqttUrls[0], cluster.mqttUrls[2]]);

    // kasse1's credentials: not kasse2's webhooks, not kasse2's status, no forged webhooks.
    // nats-server answers a denied MQTT 3.1.1 PUBLISH with a PUBACK and drops it; a sale event of
    // kasse1's own, sent after, shows the dropped ones would have arrived by then.
    const intruder = await client(1, {
      clientId: "intruder",
      username: "till-123456-kasse1",
      password: USERS.kasse1,
    });
    const stolen: string[] = [];
    intruder.on("message", (topic) => stolen.push(topic));
    await expect(intruder.subscribeAsync(`vipps-pos/${TEST_MSN}/kasse2/webhook`, { qos: 1 })).rejects.toThrow(
      /Subscribe error/,
    );
    // As in the mosquitto ACL, a till reads its own webhooks and nothing else, not even its status.
    await expect(intruder.subscribeAsync(`vipps-pos/${TEST_MSN}/kasse1/status`, { qos: 0 })).rejects.toThrow(
      /Subscribe error/,
    );
    await intruder.publishAsync(`vipps-pos/${TEST_MSN}/kasse2/status`, "offline", { qos: 1, retain: true });
    await intruder.publishAsync(`vipps-pos/${TEST_MSN}/kasse2/webhook`, "forged", { qos: 1 });
    await intruder.publishAsync(`vipps-pos/${TEST_MSN}/kasse1/sales`, "sentinel", { qos: 1 });
    await vi.waitFor(() => expect(seen.some((m) => m.text === "sentinel")).toBe(true), { timeout: 10_000 });

    const bridge = await bridgeOn([cluster.mqttUrls[1] ?? ""]);
    for (const tillId of ["kasse1", "kasse2"])
      expect(
        (await postWebhook(`${bridge.url}${bridge.webhookPath}`, checkIn(tillId, `token-${tillId}`))).status,
      ).toBe(200);
    await vi.waitFor(
      () => {
        expect(k1.checkIns.map((c) => c.customerToken)).toEqual(["token-kasse1"]);
        expect(k2.checkIns.map((c) => c.customerToken)).toEqual(["token-kasse2"]);
      },
      { timeout: 15_000 },
    );
    expect(stolen).toEqual([]);
    expect(seen.filter((m) => m.topic.endsWith("/kasse2/status")).map((m) => m.text)).toEqual(["online"]);
    expect(seen.filter((m) => m.topic.endsWith("/webhook"))).toEqual([]);
    expect(k2.link.counters().rejected).toBe(0);

    // The bridge's user reads nothing.
    const bridgeUser = await client(0, {
      clientId: "bridge-reader",
      username: "pos-bridge",
      password: USERS.bridge,
    });
    await expect(
      bridgeUser.subscribeAsync(`vipps-pos/${TEST_MSN}/kasse1/webhook`, { qos: 0 }),
    ).rejects.toThrow(/Subscribe error/);
  }, 90_000);

  it("refuses anonymous clients, plain TCP on the TLS listener, and the NATS protocol for MQTT users", async () => {
    await expect(client(0, { clientId: "anonymous" })).rejects.toThrow(/Not authorized/i);
    await expect(
      mqtt.connectAsync(
        cluster.mqttUrls[0]?.replace("mqtts://", "mqtt://") ?? "",
        {
          protocolVersion: 4,
          reconnectPeriod: 0,
          connectTimeout: 3_000,
          username: "till-123456-kasse1",
          password: USERS.kasse1,
        },
        false,
      ),
    ).rejects.toThrow(/Couldn't connect/);
    const node = cluster.nodes[0];
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = tcpConnect(node?.clientPort ?? 0, "127.0.0.1");
      let text = "";
      socket.on("data", (chunk) => {
        text += chunk.toString("utf8");
        if (text.startsWith("INFO ") && text.includes("\r\n") && !text.includes("CONNECT_SENT")) {
          text += "CONNECT_SENT";
          socket.write(
            `CONNECT ${JSON.stringify({ user: "till-123456-kasse1", pass: USERS.kasse1, verbose: false, pedantic: false, protocol: 1 })}\r\nPING\r\n`,
          );
        }
        if (/-ERR|PONG/.test(text)) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on("error", reject);
    });
    expect(answer).toMatch(/-ERR 'Authorization Violation'/);
  });

  it("lets a till added to users.conf log in once the nodes reloaded it, without a restart", async () => {
    const kasse4 = password();
    const login = (node: number): Promise<MqttClient> =>
      client(node, { clientId: "kasse4-probe", username: "till-123456-kasse4", password: kasse4 });
    await expect(login(0)).rejects.toThrow(/Not authorized/i);
    cluster.writeUsers(
      natsUsersConf({
        bridgePassword: USERS.bridge,
        tills: [
          ...(["kasse1", "kasse2", "kasse3"] as const).map((tillId) => ({
            msn: TEST_MSN,
            tillId,
            password: USERS[tillId],
          })),
          { msn: TEST_MSN, tillId: "kasse4", password: kasse4 },
        ],
        backOffices: [{ msn: TEST_MSN, password: USERS.office }],
      }),
    );
    for (const node of cluster.nodes) node.reload();
    await vi.waitFor(async () => (await login(2)).endAsync(), { timeout: 10_000, interval: 200 });
  });

  it("does not enforce max_payload on MQTT (nats-server 2.9): a 2 MB publish reaches its subscriber", async () => {
    const office = await client(0, {
      clientId: "office-big",
      username: "backoffice-123456",
      password: USERS.office,
    });
    const sizes: number[] = [];
    office.on("message", (_topic, payload) => sizes.push(payload.length));
    await office.subscribeAsync(`vipps-pos/${TEST_MSN}/+/sales`, { qos: 1 });
    const k3 = await client(1, {
      clientId: "kasse3-big",
      username: "till-123456-kasse3",
      password: USERS.kasse3,
    });
    await k3.publishAsync(`vipps-pos/${TEST_MSN}/kasse3/sales`, Buffer.alloc(2_000_000, 97), { qos: 1 });
    await vi.waitFor(() => expect(sizes).toEqual([2_000_000]), { timeout: 15_000 });
  });

  it("binds no client id to its user (nats-server 2.9): another till's login takes over a session and can wipe it, but never reads it", async () => {
    const victim = till("kasse3", [cluster.mqttUrls[0] ?? ""]);
    // Subscribed and announced (a takeover in the middle of that is the set-up timeout's case).
    await vi.waitFor(() => expect(victim.link.counters().connects).toBe(1), { timeout: 15_000 });
    const bridge = await bridgeOn([cluster.mqttUrls[1] ?? ""]);
    const url = `${bridge.url}${bridge.webhookPath}`;
    const victimId = `till-${TEST_MSN}-kasse3`;

    // kasse2's credentials with kasse3's client id and a persistent session: kasse3 is thrown off.
    const hijacker = await client(2, {
      clientId: victimId,
      clean: false,
      username: "till-123456-kasse2",
      password: USERS.kasse2,
    });
    const stolen: string[] = [];
    hijacker.on("message", (topic) => stolen.push(topic));
    // Thrown off, it reconnects and throws the hijacker off in turn.
    await vi.waitFor(() => expect(victim.link.counters().connects).toBe(2), { timeout: 15_000 });
    expect((await deliverLikeVipps(url, checkIn("kasse3", "during-takeover"))).status).toBe(200);
    await hijacker.endAsync(true);
    // The real till comes back and gets what was queued meanwhile; the hijacker read nothing.
    await vi.waitFor(() => expect(victim.checkIns.map((c) => c.customerToken)).toEqual(["during-takeover"]), {
      timeout: 20_000,
    });
    expect(stolen).toEqual([]);

    // A clean-session login with kasse3's id while kasse3 is off deletes its queued webhooks.
    await victim.link.stop();
    expect((await deliverLikeVipps(url, checkIn("kasse3", "wiped"))).status).toBe(200);
    const wiper = await client(2, {
      clientId: victimId,
      clean: true,
      username: "till-123456-kasse2",
      password: USERS.kasse2,
    });
    await wiper.endAsync();
    victim.link.start();
    await vi.waitFor(() => expect(victim.link.state).toBe("connected"), { timeout: 15_000 });
    expect((await deliverLikeVipps(url, checkIn("kasse3", "after-wipe"))).status).toBe(200);
    await vi.waitFor(() => expect(victim.checkIns.map((c) => c.customerToken)).toContain("after-wipe"), {
      timeout: 15_000,
    });
    expect(victim.checkIns.map((c) => c.customerToken)).toEqual(["during-takeover", "after-wipe"]);
  }, 90_000);

  it("tells a technician whose till speaks MQTT 5 to set protocolVersion 4, and checks every node", async () => {
    const tillDir = join(dir.path, "doctor-till");
    const configFor = (protocolVersion: 4 | 5): string =>
      writeAgentConfig(
        tillDir,
        {
          mqtt: {
            url: undefined,
            urls: [...cluster.mqttUrls],
            protocolVersion,
            username: "till-123456-kasse1",
            tls: { caFile: cluster.pki.caFile },
          },
        },
        { mqttPassword: USERS.kasse1 },
      );
    const mqttCheck = async (protocolVersion: 4 | 5) =>
      (
        await runDoctor({
          configFile: configFor(protocolVersion),
          env: {},
          clock: systemClock,
          cli: [],
          exec: () => Promise.resolve({ error: "not here" }),
          timesyncFlag: join(tillDir, "no-timesync-flag"),
          sysfsGpioRoot: join(tillDir, "no-gpio"),
        })
      ).checks.find((c) => c.id === "mqtt");
    expect(await mqttCheck(5)).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("Unacceptable protocol version") as unknown,
      hint: expect.stringContaining("set mqtt.protocolVersion: 4") as unknown,
    });
    // The doctor logs in as the till on each node in turn; kasse1's session (queued webhooks
    // included) is in the cluster, so every node has it.
    expect(await mqttCheck(4)).toMatchObject({
      status: "ok",
      detail: expect.stringMatching(
        /^all 3 broker nodes answer: logged in to mqtts:\/\/localhost:\d+ \(MQTT 3\.1\.1\) as the till \(client id till-123456-kasse1\); the broker keeps the till's session/,
      ) as unknown,
    });
  }, 60_000);

  it("kill -9 of the node under a till and a bridge replica: both move to another node, nothing is lost or repeated", async () => {
    const nodes = cluster.mqttUrls;
    const k1 = till("kasse1", nodes);
    await vi.waitFor(() => expect(k1.link.broker).toBe(nodes[0]), { timeout: 15_000 });
    const onKilled = await bridgeOn(nodes);
    const onOther = await bridgeOn([nodes[1] ?? "", nodes[2] ?? "", nodes[0] ?? ""]);
    const replicas = [onKilled, onOther].map((b) => `${b.url}${b.webhookPath}`);
    const before = k1.checkIns.length;

    await cluster.nodes[0]?.kill();
    // Vipps retries what got no 2xx: ten check-ins, through both replicas, during the outage.
    const tokens = Array.from({ length: 10 }, (_, i) => `after-kill-${i}`);
    const answers = await Promise.all(
      tokens.map((token, i) => deliverLikeVipps(replicas[i % 2] ?? "", checkIn("kasse1", token))),
    );
    expect(answers.map((a) => a.status)).toEqual(tokens.map(() => 200));
    await vi.waitFor(
      () =>
        expect(
          k1.checkIns
            .slice(before)
            .map((c) => c.customerToken)
            .sort(),
        ).toEqual([...tokens].sort()),
      { timeout: 30_000 },
    );
    expect(k1.link.broker).not.toBe(nodes[0]);
    expect(onKilled.brokerConnected).toBe(true);
    expect(onKilled.counters.published).toBeGreaterThan(0);
    // Acted on once each (the handler's list above); copies resent around the kill were dropped.
    expect(k1.link.counters().delivered).toBe(before + tokens.length);

    await cluster.nodes[0]?.start();
    await cluster.waitReady();
  }, 120_000);
});
