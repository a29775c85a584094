import { join } from "node:path";
import { startAgent, type AgentParts, type RunningAgent } from "../../agent/runtime/agent.js";
import { devicesFromConfig } from "../../agent/runtime/devices.js";
import { systemClock } from "../../lib/clock.js";
import { silentLogger } from "../../lib/log.js";
import { startSystem, type RunningSystem, type SystemOptions } from "../../demo/system.js";
import { createReferenceRegister, type ReferenceRegister } from "../../sim/register/reference-register.js";
import type { Basket } from "../../drivers/register/index.js";
import { startMosquitto, type MosquittoBroker } from "../helpers/mosquitto.js";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.js";
import { createPtyPair, type PtyPair } from "../helpers/pty-pair.js";
import { tempDir } from "../helpers/temp-dir.js";

/**
 * The whole system over real parts on loopback: the Vipps simulator over HTTP, a real
 * mosquitto, the bridge, the agent, and the reference register on the other end of a real pty
 * pair. One per test file (`beforeAll`), torn down completely.
 */
export interface E2E {
  readonly dir: string;
  readonly system: RunningSystem;
  readonly broker: MosquittoBroker;
  readonly cable: PtyPair;
  readonly register: ReferenceRegister;
  /** With `mqttProxy`: the agent reaches the broker through it (the bridge does not), to cut the link. */
  readonly mqttProxy?: TcpProxy;
  agent: RunningAgent;
  /**
   * Stops the agent and starts a new one on the same journal (a clean restart), and waits for
   * the new hello exchange with the register unless `waitForRegister` is false (cable unplugged).
   */
  restartAgent(parts?: AgentParts, options?: { waitForRegister?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export async function startE2E(
  options: { system?: Partial<SystemOptions>; parts?: AgentParts; mqttProxy?: boolean } = {},
): Promise<E2E> {
  const dir = tempDir("pos-e2e-");
  const broker = await startMosquitto();
  const mqttProxy =
    options.mqttProxy === true ? await startTcpProxy({ host: broker.host, port: broker.port }) : undefined;
  const cable = await createPtyPair({ a: join(dir.path, "agent-tty"), b: join(dir.path, "register-tty") });
  const system = await startSystem({
    directory: dir.path,
    brokerUrl: broker.url,
    mqttProtocol: 5,
    registerPath: cable.a,
    ...options.system,
    config: {
      ...options.system?.config,
      ...(mqttProxy === undefined
        ? {}
        : { mqtt: { ...options.system?.config?.mqtt, url: `mqtt://127.0.0.1:${mqttProxy.port}` } }),
      register: {
        heartbeatIntervalMs: 1_000,
        reopenMinMs: 100,
        reopenMaxMs: 1_000,
        ...options.system?.config?.register,
      },
    },
  });
  const register = createReferenceRegister({
    path: cable.b,
    heartbeatIntervalMs: 1_000,
    reopenMinMs: 100,
    reopenMaxMs: 1_000,
  });
  register.start();
  /** The agent as `pos-agent run` builds it: devices from the config, plus the caller's parts. */
  const agentWith = async (parts: AgentParts | undefined): Promise<RunningAgent> =>
    startAgent(system.loaded, {
      ...(await devicesFromConfig(system.loaded.config, silentLogger(), systemClock)),
      ...parts,
    });
  const e2e: E2E = {
    dir: dir.path,
    system,
    broker,
    cable,
    register,
    ...(mqttProxy === undefined ? {} : { mqttProxy }),
    agent: await agentWith(options.parts),
    async restartAgent(parts, { waitForRegister = true } = {}) {
      await e2e.agent.stop();
      e2e.agent = await agentWith(parts ?? options.parts);
      if (!waitForRegister) return;
      // A sale sent before the new agent's hello exchange is done would be refused by the
      // register's own link ("restarting its hello exchange"), as on a real cable.
      await e2e.agent.register.waitForState("up", 10_000);
      await register.waitUntilUp(10_000);
    },
    async stop() {
      await e2e.agent.stop().catch(() => undefined);
      await register.stop().catch(() => undefined);
      await system.stop();
      await cable.close();
      await mqttProxy?.close();
      await broker.cleanup();
      dir.cleanup();
    },
  };
  await register.waitUntilUp(10_000);
  return e2e;
}

let saleCounter = 0;

/** A fresh sale id and a two-line basket (49.00 + 12.50 NOK). */
export function newBasket(total?: number): Basket {
  saleCounter++;
  const saleId = `E2E-${process.pid}-${saleCounter}`;
  if (total !== undefined) {
    return {
      saleId,
      currency: "NOK",
      total,
      lines: [{ id: "sku-x", name: "Vare", quantity: "1", unitPrice: total, total, vatRate: 2500 }],
    };
  }
  return {
    saleId,
    currency: "NOK",
    total: 6150,
    lines: [
      { id: "sku-1", name: "Kaffe", quantity: "2", unitPrice: 2450, total: 4900, vatRate: 1500, unit: "PCS" },
      { id: "sku-2", name: "Bolle", quantity: "1", unitPrice: 1250, total: 1250, vatRate: 1500, unit: "PCS" },
    ],
  };
}

/** The customer at the counter scans the till's QR with the app. */
export function scan(e2e: E2E, msisdn = "4712345678"): void {
  e2e.system.sim.control.scan({ msisdn, qrContent: e2e.system.qrContent });
}
