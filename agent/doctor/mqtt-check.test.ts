import { readFileSync } from "node:fs";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../config/load.js";
import { systemClock } from "../../lib/clock.js";
import { tillTopic } from "../../lib/mqtt-contract/index.js";
import { ControlApiDouble } from "../../test/helpers/control-api-double.js";
import { startDocumentedBroker, type DocumentedBroker } from "../../test/helpers/documented-broker.js";
import { writeAgentConfig, type SectionOverrides } from "../../test/helpers/technician-cli.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { startControlServer } from "../control/index.js";
import { createMqttLink, type MqttLink } from "../mqtt/index.js";
import { openDatabase } from "../store/database.js";
import { agentCheck } from "./agent-check.js";
import { configCheck, secretsCheck } from "./config-checks.js";
import type { DoctorEnvironment } from "./context.js";
import { runDoctor, type CheckResult } from "./index.js";
import { mqttCheck } from "./mqtt-check.js";

/**
 * The doctor's broker check against the documented broker set-up (deploy/mosquitto/), where a
 * till's login always gets the till's own session: the check must neither take a running
 * agent's connection over nor lose or create a session.
 */
describe("pos-agent doctor: the mqtt check on the documented broker", () => {
  let documented: DocumentedBroker;
  let dir: ReturnType<typeof tempDir>;
  const cleanups: (() => unknown)[] = [];
  const MSN = "123456";

  beforeAll(async () => {
    documented = await startDocumentedBroker([
      ["bridge", "a"],
      ["till", MSN, "kasse1"],
      ["till", MSN, "kasse2"],
      ["till", MSN, "kasse3"],
      ["till", MSN, "kasse4"],
    ]);
    dir = tempDir("pos-doctor-mqtt-");
  }, 60_000);
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await documented?.cleanup();
    dir?.cleanup();
  });

  const login = (tillId: string) => {
    const found = documented.logins[`till-${MSN}-${tillId}`];
    if (found === undefined) throw new Error(`no login for ${tillId}`);
    return found;
  };

  function till(
    tillId: string,
    protocolVersion: 4 | 5 = 5,
    mqttOverrides: SectionOverrides["mqtt"] = {},
  ): string {
    return writeAgentConfig(
      join(dir.path, tillId),
      {
        till: { id: tillId, locationDescription: tillId },
        mqtt: {
          url: documented.url,
          protocolVersion,
          username: login(tillId).username,
          tls: { caFile: documented.caFile },
          ...mqttOverrides,
        },
      },
      { mqttPassword: login(tillId).password },
    );
  }

  function environment(configFile: string): DoctorEnvironment {
    return {
      configFile,
      env: {},
      clock: systemClock,
      cli: [],
      timesyncFlag: join(dir.path, "absent"),
      sysfsGpioRoot: join(dir.path, "no-gpio"),
      exec: () => Promise.resolve({ error: "not here" }),
    };
  }

  async function mqttResult(configFile: string): Promise<CheckResult | undefined> {
    const report = await runDoctor(environment(configFile), {
      checks: [configCheck, secretsCheck, agentCheck, mqttCheck],
    });
    return report.checks.find((c) => c.id === "mqtt");
  }

  function link(configFile: string): MqttLink {
    const loaded = loadConfig(configFile, {});
    const db = openDatabase(
      join(dir.path, `${loaded.config.till.id}-${Math.random().toString(36).slice(2)}.db`),
    );
    const l = createMqttLink({ config: loaded.config, secrets: loaded.secrets, db });
    cleanups.push(() => db.close());
    cleanups.push(() => l.stop());
    l.start();
    return l;
  }

  async function queueWebhook(tillId: string, text: string): Promise<void> {
    const bridge = await mqtt.connectAsync(documented.url, {
      ca: readFileSync(documented.caFile),
      reconnectPeriod: 0,
      ...documented.logins["pos-bridge-a"],
    });
    await bridge.publishAsync(tillTopic("vipps-pos", MSN, tillId, "webhook"), text, { qos: 1 });
    await bridge.endAsync();
  }

  for (const protocolVersion of [5, 4] as const) {
    it(`logs in as the stopped till without losing what its session holds (MQTT ${protocolVersion === 5 ? "5" : "3.1.1"})`, async () => {
      const tillId = protocolVersion === 5 ? "kasse1" : "kasse2";
      const file = till(tillId, protocolVersion);
      const first = link(file);
      await vi.waitFor(() => expect(first.state).toBe("connected"), { timeout: 15_000 });
      await first.stop();
      await queueWebhook(tillId, "queued while the agent was stopped");

      const result = await mqttResult(file);
      expect(result).toMatchObject({
        status: "ok",
        detail: expect.stringContaining(`as the till (client id till-${MSN}-${tillId})`) as unknown,
      });

      // The agent comes back to its session and the webhook in it (a non-envelope: counted as rejected).
      const back = link(file);
      await vi.waitFor(() => expect(back.counters().rejectedByReason.MQTT_BAD_ENVELOPE).toBe(1), {
        timeout: 15_000,
      });
    });
  }

  it("asks a running agent instead of logging in beside it, which would take its connection over", async () => {
    const file = till("kasse3");
    const running = link(file);
    await vi.waitFor(() => expect(running.state).toBe("connected"), { timeout: 15_000 });
    const states: string[] = [];
    running.onStateChange((state) => states.push(state));
    const server = await startControlServer({
      socketPath: join(dir.path, "kasse3", "control.sock"),
      api: new ControlApiDouble(),
    });
    cleanups.push(() => server.close());

    const result = await mqttResult(file);
    expect(result).toMatchObject({
      status: "ok",
      detail: `the agent's link to ${documented.url} is connected`,
    });
    // A webhook after the doctor's run still reaches the undisturbed connection.
    await queueWebhook("kasse3", "after the doctor");
    await vi.waitFor(() => expect(running.counters().received).toBe(1), { timeout: 15_000 });
    expect({ states, connects: running.counters().connects }).toEqual({ states: [], connects: 1 });
  });

  for (const protocolVersion of [5, 4] as const) {
    it(`warns when the broker holds no session for the till yet, and leaves none behind (MQTT ${protocolVersion === 5 ? "5" : "3.1.1"})`, async () => {
      const file = till("kasse4", protocolVersion, { clientId: "something-else" });
      const result = await mqttResult(file);
      expect(result).toMatchObject({
        status: "warn",
        detail: expect.stringContaining("holds no session for the till") as unknown,
        hint: expect.stringContaining("start the agent") as unknown,
      });
      const check = mqtt.connect(documented.url, {
        ca: readFileSync(documented.caFile),
        reconnectPeriod: 0,
        clean: false,
        clientId: "any: the broker uses the user name",
        protocolVersion,
        ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: 60 } } : {}),
        ...login("kasse4"),
      });
      const present = await new Promise<boolean>((resolve, reject) => {
        check.once("connect", (connack) => resolve(connack.sessionPresent));
        check.once("error", reject);
      });
      expect(present).toBe(false);
      // This test's own connection made a session: clean it away for the next run.
      await check.endAsync(false, protocolVersion === 5 ? { properties: { sessionExpiryInterval: 0 } } : {});
      if (protocolVersion === 4) {
        const clean = await mqtt.connectAsync(documented.url, {
          ca: readFileSync(documented.caFile),
          reconnectPeriod: 0,
          clean: true,
          protocolVersion,
          ...login("kasse4"),
        });
        await clean.endAsync();
      }
    });
  }

  it("warns when mqtt.clientId is not the user name the broker will use", async () => {
    const file = till("kasse1", 5, { clientId: "pos-agent-123456-kasse1" });
    const first = link(file);
    await vi.waitFor(() => expect(first.state).toBe("connected"), { timeout: 15_000 });
    await first.stop();
    const result = await mqttResult(file);
    expect(result).toMatchObject({
      status: "warn",
      detail: expect.stringContaining('mqtt.clientId "pos-agent-123456-kasse1" differs') as unknown,
      hint: expect.stringContaining("remove mqtt.clientId") as unknown,
    });
  });
});
