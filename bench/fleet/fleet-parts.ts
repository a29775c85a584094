import { randomBytes } from "node:crypto";
import { freePort } from "../../demo/free-port.js";
import { VippsClient } from "../../agent/vipps/index.js";
import { AGENT_WEBHOOK_EVENTS } from "../../bridge/cli/webhooks.js";
import { natsUsersConf } from "../../bridge/nats-users.js";
import { startVippsSimulator, type VippsSimulator } from "../../sim/vipps/index.js";
import { startBridgeReplicas, type BridgeReplica } from "./bridge-replicas.js";
import { startDaemonTills, type DaemonTill } from "./daemon-tills.js";
import { startNatsCluster, type NatsCluster } from "./nats-cluster.js";
import { startRoundRobin } from "./round-robin.js";
import { startTillFleet, type FleetTillSpec, type TillFleet } from "./till-fleet.js";

/**
 * Everything the fleet runs on, provisioned as an operator would: the Vipps simulator with one
 * webhook registration for the load balancer's URL, the users file for every party, three
 * NATS nodes, the bridge replicas behind the load balancer, the tills' links and the daemons.
 * Each party gets the nodes in its own order (party i starts on node i mod n), so the fleet
 * spreads over them. `stops` collects how to take each part down again, in start order.
 */
export interface FleetParts {
  readonly sim: VippsSimulator;
  readonly cluster: NatsCluster;
  readonly replicas: readonly BridgeReplica[];
  readonly fleet: TillFleet;
  readonly daemons: readonly DaemonTill[];
  /** The load tills, in the order the fleet was built (till i starts on node i mod n). */
  readonly specs: readonly Omit<FleetTillSpec, "urls">[];
  /** The URL registered at Vipps (the load balancer) and the registration's secret. */
  readonly webhookUrl: string;
  readonly webhookSecret: string;
  readonly tillsReadyMs: number;
}

/** The load tills' sales units: MSN_BASE, MSN_BASE + 1, … */
const MSN_BASE = 700_001;

export async function startFleetParts(
  o: {
    readonly tills: number;
    readonly merchants: number;
    readonly daemons: number;
    readonly replicas: number;
  },
  dir: string,
  stops: (() => Promise<unknown> | void)[],
  say: (line: string) => void,
): Promise<FleetParts> {
  const secret = (): string => randomBytes(12).toString("hex");
  const t0 = performance.now();
  const sim = await startVippsSimulator({
    // The simulator retries like Vipps, sooner: the run is minutes, not days.
    webhooks: { retryDelaysMs: [500, 1_000, 1_000, 2_000, 2_000, 5_000, 5_000, 10_000, 10_000] },
    defaultBehaviour: { payment: { action: "approve", afterMs: 300 } },
  });
  stops.push(() => sim.close());
  const unit = sim.salesUnits[0];
  if (unit === undefined) throw new Error("the simulator has no sales unit");

  const specs = Array.from({ length: o.tills }, (_, i) => ({
    msn: String(MSN_BASE + (i % o.merchants)),
    tillId: `t${String(i + 1).padStart(5, "0")}`,
    password: secret(),
  }));
  const daemonSpecs = Array.from({ length: o.daemons }, (_, i) => ({
    msn: unit.msn,
    tillId: `pos${i + 1}`,
    password: secret(),
  }));
  const bridgePassword = secret();
  const cluster = await startNatsCluster({
    users: natsUsersConf({ bridgePassword, tills: [...specs, ...daemonSpecs] }),
  });
  stops.push(() => cluster.cleanup());
  const nodes = cluster.mqttUrls;
  const rotated = (i: number): string[] => nodes.map((_, k) => nodes[(i + k) % nodes.length] ?? "");
  say(`cluster of ${nodes.length} nodes ready in ${Math.round(performance.now() - t0)} ms`);

  const lbPort = await freePort();
  const webhookUrl = `http://127.0.0.1:${lbPort}/vipps/webhook`;
  const vipps = new VippsClient({
    baseUrl: sim.url,
    clientId: unit.clientId,
    clientSecret: unit.clientSecret,
    subscriptionKey: unit.subscriptionKey,
    msn: unit.msn,
    system: { name: "pos-fleet-bench", version: "1" },
    timeoutMs: 5_000,
    maxRetries: 2,
  });
  const registration = await vipps.webhooks.register({ url: webhookUrl, events: AGENT_WEBHOOK_EVENTS });
  const replicas = await startBridgeReplicas({
    count: o.replicas,
    nodes,
    publicUrl: webhookUrl,
    secret: registration.secret,
    password: bridgePassword,
    caFile: cluster.pki.caFile,
    logDir: dir,
  });
  stops.push(() => Promise.all(replicas.map((r) => r.stop())));
  const lb = await startRoundRobin(lbPort, () => replicas.map((r) => new URL(r.webhookUrl).origin));
  stops.push(() => lb.close());

  const t1 = performance.now();
  const fleet = await startTillFleet({
    tills: specs.map((s, i) => ({ ...s, urls: rotated(i) })),
    caFile: cluster.pki.caFile,
    webhookUrl,
    webhookSecret: registration.secret,
  });
  stops.push(() => fleet.stop());
  const tillsReadyMs = performance.now() - t1;
  say(`${o.tills} tills subscribed in ${Math.round(tillsReadyMs)} ms`);

  const daemons = await startDaemonTills({
    sim,
    unit,
    vipps,
    webhookUrl,
    webhookSecret: registration.secret,
    tills: daemonSpecs.map((d, i) => ({ tillId: d.tillId, password: d.password, urls: rotated(i) })),
    caFile: cluster.pki.caFile,
    dir,
  });
  stops.push(() => Promise.all(daemons.map((d) => d.stop())));
  say(`${o.daemons} pos-agent daemons serving`);
  return {
    sim,
    cluster,
    replicas,
    fleet,
    daemons,
    specs,
    webhookUrl,
    webhookSecret: registration.secret,
    tillsReadyMs,
  };
}
