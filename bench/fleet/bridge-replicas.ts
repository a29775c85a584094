import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { freePort } from "../../demo/free-port.js";
import { builtFile } from "../built.js";
import { cpuMs, rssMb } from "../daemon-process.js";
import { killWithParent } from "../orphan-guard.js";

/**
 * Bridge replicas as real `pos-bridge serve` processes, configured only by environment
 * variables as in production; each gets the cluster's nodes in its own order (`MQTT_URL`), so
 * each starts on a different node and fails over to the next.
 */
export interface BridgeReplica {
  /** `http://127.0.0.1:<port>/vipps/webhook` */
  readonly webhookUrl: string;
  readonly healthUrl: string;
  readonly pid: number | undefined;
  rssMb(): number;
  /** CPU used so far, ms. */
  cpuMs(): number;
  /** GET /metrics (JSON): the counters, whether it is connected, its publish → PUBACK histogram. */
  metrics(): Promise<BridgeMetrics>;
  stop(): Promise<void>;
}

export interface BridgeMetrics {
  readonly published: number;
  readonly failed: number;
  readonly brokerConnected: boolean;
  /** Seconds; cumulative bucket counts, `le` "+Inf" for the last (bridge/counters.ts). */
  readonly publishSeconds: {
    readonly count: number;
    readonly sum: number;
    readonly buckets: readonly { readonly le: number | "+Inf"; readonly count: number }[];
  };
}

export async function startBridgeReplicas(o: {
  readonly count: number;
  readonly nodes: readonly string[];
  readonly publicUrl: string;
  readonly secret: string;
  readonly password: string;
  readonly caFile: string;
  readonly logDir: string;
}): Promise<BridgeReplica[]> {
  const replicas: BridgeReplica[] = [];
  for (let i = 0; i < o.count; i++) {
    const port = await freePort();
    const nodes = o.nodes.map((_, k) => o.nodes[(i + k) % o.nodes.length] ?? "");
    const child: ChildProcess = spawn(process.execPath, [builtFile("bridge/cli/main.js"), "serve"], {
      env: {
        ...process.env,
        BRIDGE_HOST: "127.0.0.1",
        BRIDGE_PORT: String(port),
        BRIDGE_PUBLIC_URL: o.publicUrl,
        VIPPS_WEBHOOK_SECRETS: o.secret,
        MQTT_URL: nodes.join(","),
        MQTT_PROTOCOL_VERSION: "4",
        MQTT_USERNAME: "pos-bridge",
        MQTT_PASSWORD: o.password,
        MQTT_CA: o.caFile,
        MQTT_CLIENT_ID: `pos-bridge-fleet-${i + 1}`,
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    killWithParent(child.pid);
    const log = createWriteStream(join(o.logDir, `bridge-${i + 1}.log`));
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const base = `http://127.0.0.1:${port}`;
    const replica: BridgeReplica = {
      webhookUrl: `${base}${new URL(o.publicUrl).pathname}`,
      healthUrl: `${base}/healthz`,
      pid: child.pid,
      rssMb: () => (child.pid === undefined ? Number.NaN : rssMb(child.pid)),
      cpuMs: () => (child.pid === undefined ? Number.NaN : cpuMs(child.pid)),
      async metrics() {
        const answer = await fetch(`${base}/metrics`, { headers: { accept: "application/json" } });
        return (await answer.json()) as BridgeMetrics;
      },
      async stop() {
        child.kill("SIGTERM");
        await exited;
      },
    };
    replicas.push(replica);
  }
  const deadline = Date.now() + 30_000;
  for (const replica of replicas) {
    while (
      !(await fetch(replica.healthUrl).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline) {
        await Promise.all(replicas.map((r) => r.stop()));
        throw new Error(`bridge ${replica.healthUrl} not healthy in 30 s; see ${o.logDir}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return replicas;
}
