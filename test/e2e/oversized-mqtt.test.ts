import { readFileSync } from "node:fs";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startSystem, type RunningSystem } from "../../demo/system.js";
import { controlRequest } from "../../agent/control/index.js";
import { tillTopic } from "../../lib/mqtt-contract/index.js";
import { startMosquitto, type MosquittoBroker } from "../helpers/mosquitto.js";
import { tempDir } from "../helpers/temp-dir.js";
import { serviceNodeFlags } from "../helpers/cli.js";
import { startAgentProcess, type AgentProcess } from "./agent-process.js";

/**
 * A 110 MB message on the till's webhook topic, sent to the real daemon (run as systemd runs it)
 * through a mosquitto that has no packet limit of its own — the worst case: the documented broker
 * refuses such a message from its sender already (test/deploy/). The daemon's peak memory must
 * not follow the message, and its link must go on with the next scan. Peak RSS is read from
 * /proc as a coarse bound. Before the size limit, this message cost the daemon +231 MB.
 *
 * MQTT 5: the broker drops it for the till (CONNECT announced the limit), nothing arrives.
 * MQTT 3.1.1: the bytes do arrive and are skipped unread; node frees the read buffers at its next
 * garbage collection, so the peak rises once by a bounded amount, whatever the message's size
 * (measured: +33 MB for 110 MB, +35 MB for 250 MB).
 */
const MESSAGE_BYTES = 110 * 1024 * 1024;
const BOUND_BYTES = { 5: 20 * 1024 * 1024, 4: 48 * 1024 * 1024 } as const;

/** The process's peak resident set (VmHWM), bytes. */
function peakRss(pid: number): number {
  const line = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (line?.[1] === undefined) throw new Error(`no VmHWM for ${pid}`);
  return Number(line[1]) * 1024;
}

for (const protocolVersion of [5, 4] as const) {
  describe(`the daemon and a ${MESSAGE_BYTES / 1024 / 1024} MB MQTT message (MQTT ${protocolVersion === 5 ? "5" : "3.1.1"})`, () => {
    let dir: ReturnType<typeof tempDir>;
    let broker: MosquittoBroker;
    let system: RunningSystem;
    let agent: AgentProcess;
    const socket = (): string => join(dir.path, "control.sock");
    const counters = async (): Promise<Record<string, number>> =>
      (await controlRequest(socket(), { method: "status" }, { timeoutMs: 5_000 })).counters;

    beforeAll(async () => {
      dir = tempDir("pos-oversized-");
      broker = await startMosquitto({ persistence: false });
      system = await startSystem({
        directory: dir.path,
        brokerUrl: broker.url,
        mqttProtocol: protocolVersion,
      });
      // As systemd runs it: the unit's node flags bound its young generation.
      agent = startAgentProcess(system.configFile, join(dir.path, "agent.log"), serviceNodeFlags());
      await vi.waitFor(
        async () =>
          expect(
            (await controlRequest(socket(), { method: "status" }, { timeoutMs: 5_000 })).links.mqtt.state,
          ).toBe("connected"),
        { timeout: 30_000, interval: 200 },
      );
    }, 60_000);
    afterAll(async () => {
      await agent?.stop();
      await system?.stop();
      await broker?.cleanup();
      dir?.cleanup();
    });

    it("is refused without the daemon's memory moving, and the next scan still arrives", async () => {
      const pid = agent.child.pid ?? 0;
      const scanned = async (times: number): Promise<void> => {
        system.sim.control.scan({ msisdn: "4712345678", qrContent: system.qrContent });
        await vi.waitFor(async () => expect((await counters())["mqtt.delivered"]).toBe(times), {
          timeout: 30_000,
          interval: 200,
        });
      };
      // A first scan, so what any first scan costs (code loaded and compiled) is paid before.
      await scanned(1);
      const before = await counters();
      const peakBefore = peakRss(pid);

      const sender = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
      const topic = tillTopic("vipps-pos", system.salesUnit.msn, system.tillId, "webhook");
      await sender.publishAsync(topic, Buffer.alloc(MESSAGE_BYTES, 0x7b), { qos: 1 });
      await sender.endAsync();

      await scanned(2);
      const after = await counters();
      const growth = peakRss(pid) - peakBefore;
      expect(growth, `peak RSS grew by ${growth} bytes`).toBeLessThan(BOUND_BYTES[protocolVersion]);
      if (protocolVersion === 5) {
        // The daemon announced its limit in CONNECT: the broker dropped the message for it.
        expect(after["mqtt.received"]).toBe((before["mqtt.received"] ?? 0) + 1);
      } else {
        // MQTT 3.1.1 cannot say so: the daemon skipped it unread and acknowledged it.
        expect(after["mqtt.rejectedByReason.MQTT_TOO_LARGE"]).toBe(1);
        expect(after["mqtt.received"]).toBe((before["mqtt.received"] ?? 0) + 2);
      }
      expect(after["mqtt.connects"]).toBe(before["mqtt.connects"]);
    }, 90_000);
  });
}
