import type { BridgeReplica } from "./bridge-replicas.js";
import type { FleetParts } from "./fleet-parts.js";
import type { TillFleet } from "./till-fleet.js";
import type { Delivery } from "./webhook-load.js";

/** CPU used so far (ms) by the nodes, the bridge replicas, this process (the tills and the sender) and the daemons. */
export interface CpuSnapshot {
  readonly nodes: number;
  readonly bridges: number;
  readonly tills: number;
  readonly daemons: number;
}

export function cpuSnapshot(parts: FleetParts): CpuSnapshot {
  const own = process.cpuUsage();
  return {
    nodes: parts.cluster.nodes.reduce((sum, n) => sum + n.cpuMs(), 0),
    bridges: parts.replicas.reduce((sum, r) => sum + r.cpuMs(), 0),
    tills: (own.user + own.system) / 1000,
    daemons: parts.daemons.reduce((sum, d) => sum + d.cpuMs(), 0),
  };
}

export function cpuBetween(from: CpuSnapshot, to: CpuSnapshot): CpuSnapshot {
  return {
    nodes: to.nodes - from.nodes,
    bridges: to.bridges - from.bridges,
    tills: to.tills - from.tills,
    daemons: to.daemons - from.daemons,
  };
}

/** Polls each replica's /healthz every 100 ms: the windows in which it said it had no broker. */
export function watchReplicas(replicas: readonly BridgeReplica[]): {
  readonly outages: [number, number][][];
  stop(): void;
} {
  const outages = replicas.map(() => [] as [number, number][]);
  const down: (number | undefined)[] = replicas.map(() => undefined);
  const timer = setInterval(() => {
    replicas.forEach((replica, i) => {
      void fetch(replica.healthUrl)
        .then(
          (r) => r.ok,
          () => false,
        )
        .then((ok) => {
          const now = performance.now();
          const since = down[i];
          if (!ok && since === undefined) down[i] = now;
          if (ok && since !== undefined) {
            outages[i]?.push([since, now]);
            down[i] = undefined;
          }
        });
    });
  }, 100);
  return { outages, stop: () => clearInterval(timer) };
}

/** Waits until every till acted on every event it was sent that some replica accepted. */
export async function waitActed(
  fleet: TillFleet,
  deliveries: readonly Delivery[],
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const pending = (): number =>
    deliveries.filter(
      (d) => d.acceptedAt !== undefined && !fleet.tills.get(d.webhook.tillId)?.acted.has(d.webhook.key),
    ).length;
  while (pending() > 0 && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 250));
}
