import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import type { ConfigInput } from "../../config/schema.js";
import { SECRET_FILES } from "../../config/secrets.js";
import type { VippsClient } from "../../agent/vipps/index.js";
import { systemClock } from "../../lib/clock.js";
import { createReferenceRegister, type ReferenceRegister } from "../../sim/register/reference-register.js";
import type { SalesUnit, VippsSimulator } from "../../sim/vipps/index.js";
import { cpuMs, rssMb, startDaemon } from "../daemon-process.js";
import { socatPair } from "../serial-pair.js";
import { redirectUrlOf } from "../../sim/vipps/epayment/redirect-url.js";
import { sellUntilStopped, type FleetCustomer, type SaleRecord } from "./sales-loop.js";

/**
 * Real tills: `pos-agent run` daemons (the bundled CLI, as systemd runs it), each with its own
 * QR at the Vipps simulator, its journal on disk, and the reference register on a socat pty.
 * Sales go through them while the fleet's webhooks flow: the customer scans, the simulator
 * sends its webhooks to the bridges' load balancer, the daemon captures.
 */
export interface DaemonTill {
  readonly tillId: string;
  readonly register: ReferenceRegister;
  readonly pid: number | undefined;
  /** Every sale run: its final report (undefined if none came in time). */
  readonly sales: SaleRecord[];
  /** Sells, one sale after another, until `finishSales`. */
  startSales(): void;
  /** No new sale after the current one; resolves once it ended. */
  finishSales(): Promise<void>;
  rssMb(): number;
  /** CPU used so far, ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}

export async function startDaemonTills(o: {
  readonly sim: VippsSimulator;
  readonly unit: SalesUnit;
  /** The sales unit's client, to create each till's callback QR (what `pos-agent setup` does). */
  readonly vipps: VippsClient;
  /** The webhook URL registered at the simulator (the load balancer) and its secret. */
  readonly webhookUrl: string;
  readonly webhookSecret: string;
  readonly tills: readonly {
    readonly tillId: string;
    readonly password: string;
    readonly urls: readonly string[];
  }[];
  readonly caFile: string;
  readonly dir: string;
}): Promise<DaemonTill[]> {
  const started: DaemonTill[] = [];
  try {
    for (const till of o.tills) started.push(await startOne(o, till));
  } catch (error) {
    for (const t of started) await t.stop();
    throw error;
  }
  return started;
}

/** The customer of docs/simulator.md's control API: the till's QR, or the per-sale QR the display shows. */
function simulatedCustomer(sim: VippsSimulator, msn: string, tillQr: string): FleetCustomer {
  const msisdn = "4712345678";
  return {
    scanTillQr: () => void sim.control.scan({ msisdn, qrContent: tillQr }),
    scanPaymentQr(reference) {
      const payment = sim.control.payment(reference, msn);
      const url =
        payment.userFlow === "QR" && payment.state === "CREATED" ? redirectUrlOf(payment) : undefined;
      if (url === undefined) return false;
      sim.control.scanPaymentQr({ qrContent: url, msisdn });
      return true;
    },
  };
}

async function startOne(
  o: Parameters<typeof startDaemonTills>[0],
  till: { readonly tillId: string; readonly password: string; readonly urls: readonly string[] },
): Promise<DaemonTill> {
  const dir = join(o.dir, till.tillId);
  mkdirSync(join(dir, "secrets"), { recursive: true, mode: 0o700 });
  const secret = (name: string, value: string): void =>
    writeFileSync(join(dir, "secrets", name), `${value}\n`, { mode: 0o600 });
  secret(SECRET_FILES.clientSecret, o.unit.clientSecret);
  secret(SECRET_FILES.subscriptionKey, o.unit.subscriptionKey);
  secret(SECRET_FILES.webhookSecrets, o.webhookSecret);
  secret(SECRET_FILES.mqttPassword, till.password);
  const agentTty = join(dir, "agent-tty");
  const registerTty = join(dir, "register-tty");
  const input: ConfigInput = {
    vipps: {
      baseUrl: o.sim.url,
      clientId: o.unit.clientId,
      msn: o.unit.msn,
      currency: o.unit.currency,
      webhookUrl: o.webhookUrl,
      requestTimeoutMs: 5_000,
    },
    till: { id: till.tillId, locationDescription: `Fleet ${till.tillId}` },
    mqtt: {
      urls: [...till.urls],
      protocolVersion: 4,
      username: `till-${o.unit.msn}-${till.tillId}`,
      reconnectMinMs: 250,
      reconnectMaxMs: 2_000,
      tls: { caFile: o.caFile },
    },
    register: { path: agentTty, heartbeatIntervalMs: 1_000, reopenMinMs: 100, reopenMaxMs: 1_000 },
    storage: { directory: join(dir, "state") },
    control: { socketPath: join(dir, "control.sock") },
  };
  const configFile = join(dir, "pos-agent.yaml");
  writeFileSync(configFile, stringify(input));
  await o.vipps.qr.putMerchantCallback(till.tillId, { locationDescription: `Fleet ${till.tillId}` });
  const qrContent = (await o.vipps.qr.getMerchantCallback(till.tillId)).qrContent;

  const cable = await socatPair(agentTty, registerTty);
  const daemon = await startDaemon(configFile).catch((error: unknown) => {
    cable.close();
    throw error;
  });
  const register = createReferenceRegister({
    path: registerTty,
    heartbeatIntervalMs: 1_000,
    reopenMinMs: 100,
    reopenMaxMs: 1_000,
  });
  register.start();
  try {
    await register.waitUntilUp(30_000);
  } catch (error) {
    await register.stop();
    await daemon.stop();
    cable.close();
    throw error;
  }
  const sales: SaleRecord[] = [];
  let running: Promise<void> | undefined;
  let stopping = false;
  const salesLoop = (): Promise<void> =>
    sellUntilStopped({
      tillId: till.tillId,
      register,
      customer: simulatedCustomer(o.sim, o.unit.msn, qrContent),
      sales,
      stopping: () => stopping,
      clock: systemClock,
    });
  return {
    tillId: till.tillId,
    register,
    pid: daemon.child.pid,
    sales,
    startSales() {
      running ??= salesLoop();
    },
    async finishSales() {
      stopping = true;
      await running;
    },
    rssMb: () => (daemon.child.pid === undefined ? Number.NaN : rssMb(daemon.child.pid)),
    cpuMs: () => (daemon.child.pid === undefined ? Number.NaN : cpuMs(daemon.child.pid)),
    async stop() {
      stopping = true;
      try {
        await running;
        await register.stop();
      } finally {
        await daemon.stop();
        cable.close();
      }
    },
  };
}
