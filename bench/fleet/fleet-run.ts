import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { measureFleet, type FleetReport } from "./fleet-report.js";
import { cpuBetween, cpuSnapshot, waitActed, watchReplicas, type CpuSnapshot } from "./fleet-observe.js";
import { startFleetParts, type FleetParts } from "./fleet-parts.js";
import { bridgeHistograms, measureStages, type FleetStages } from "./fleet-stages.js";
import { planWebhooks, sendWebhooks, type Delivery, type PlannedWebhook } from "./webhook-load.js";

/**
 * The fleet on a clustered broker, end to end (issue 18): three NATS nodes from deploy/nats,
 * bridge replicas as `pos-bridge serve` processes each starting on a different node, a thousand
 * tills' real MQTT links in this process, real `pos-agent run` daemons selling through the
 * Vipps simulator (fleet-parts.ts), and a stream of signed webhooks (some repeated, to other
 * replicas) during which one node is killed with SIGKILL and started again. What it returns is
 * measured, never assumed: fleet-report.ts derives every figure from what the parts recorded.
 */
export interface FleetOptions {
  readonly tills: number;
  /** The tills are spread over this many sales units (MSNs). */
  readonly merchants: number;
  readonly daemons: number;
  readonly replicas: number;
  readonly webhooks: number;
  /** One delivery in this many repeats an earlier one, sent to another replica. */
  readonly duplicateEvery: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** Kill a node once this share of the stream has started (0–1); undefined: no kill. */
  readonly killAt?: number;
  /** Which node to kill (0-based); default the second. */
  readonly killNode?: number;
  /** Start the killed node again this long after the kill. */
  readonly restartAfterMs?: number;
  /** A first, fixed-rate stream for latency (no duplicates, no kill). */
  readonly latency?: { readonly webhooks: number; readonly ratePerSecond: number };
  /** How long to wait for every accepted webhook to be acted on after the stream. */
  readonly drainTimeoutMs?: number;
  /** Afterwards, measure the cluster's CPU use with every till connected and no traffic for this long. */
  readonly idleCpuMs?: number;
  readonly progress?: (line: string) => void;
}

export interface FleetTimeline {
  readonly killAt?: number;
  readonly restartedAt?: number;
  /** Per replica, its broker outages seen by polling /healthz: [from, to] (performance.now()). */
  readonly replicaOutages: readonly (readonly [number, number])[][];
}

export async function runFleet(o: FleetOptions): Promise<FleetReport> {
  const say = o.progress ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), "pos-fleet-"));
  const stops: (() => Promise<unknown> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  try {
    const parts = await startFleetParts(o, dir, stops, say);
    const send = (
      planned: readonly PlannedWebhook[],
      ratePerSecond?: number,
      onStarted?: (n: number) => void,
    ) =>
      sendWebhooks(planned, {
        replicas: parts.replicas.map((r) => r.webhookUrl),
        secret: parts.webhookSecret,
        registeredUrl: parts.webhookUrl,
        concurrency: o.concurrency,
        ...(ratePerSecond === undefined ? {} : { ratePerSecond }),
        ...(onStarted === undefined ? {} : { onStarted }),
      });

    let latencyRun: Delivery[] = [];
    let stages: FleetStages | undefined;
    if (o.latency !== undefined) {
      const planned = planWebhooks({
        tills: parts.specs,
        count: o.latency.webhooks,
        duplicateEvery: Number.MAX_SAFE_INTEGER,
        replicas: o.replicas,
        runId: "lat",
      });
      const before = await bridgeHistograms(parts.replicas);
      latencyRun = await send(planned, o.latency.ratePerSecond);
      say(`latency stream: ${latencyRun.length} webhooks at ${o.latency.ratePerSecond}/s`);
      const after = await bridgeHistograms(parts.replicas);
      await waitActed(parts.fleet, latencyRun, o.drainTimeoutMs ?? 60_000);
      stages = measureStages({ deliveries: latencyRun, fleet: parts.fleet, before, after });
    }

    for (const d of parts.daemons) d.startSales();
    const watching = watchReplicas(parts.replicas);
    const kill = killSchedule(o, parts, say);
    const planned = mainStream(o, parts, kill.index);
    const cpuAtStart = cpuSnapshot(parts);
    const streamStart = performance.now();
    const stream = await send(planned, undefined, kill.onStarted);
    const cpuAtKill = kill.cpuBefore ?? cpuSnapshot(parts);
    say(`stream: ${stream.length} webhooks in ${Math.round(performance.now() - streamStart)} ms`);
    await waitActed(parts.fleet, [...latencyRun, ...stream], o.drainTimeoutMs ?? 60_000);
    say("every accepted webhook acted on (or the drain timed out)");
    for (const d of parts.daemons) await d.finishSales();
    await kill.done();
    watching.stop();
    await parts.cluster.waitReady();
    const idleClusterCpuPercent = o.idleCpuMs === undefined ? undefined : await idleCpu(parts, o.idleCpuMs);
    if (idleClusterCpuPercent !== undefined)
      say(`idle cluster: ${Math.round(idleClusterCpuPercent)} % of one core`);

    return measureFleet({
      options: o,
      parts,
      latencyRun,
      stream,
      streamStart,
      timeline: {
        ...(kill.at === undefined ? {} : { killAt: kill.at }),
        ...(kill.restartedAt === undefined ? {} : { restartedAt: kill.restartedAt }),
        replicaOutages: watching.outages,
      },
      killedNode: kill.at === undefined ? undefined : parts.cluster.nodes[o.killNode ?? 1]?.mqttUrl,
      idleClusterCpuPercent,
      cpuUsed: cpuBetween(cpuAtStart, cpuAtKill),
      stages,
    });
  } finally {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
  }
}

/**
 * The main stream's webhooks. Right after the kill the killed node's tills come first (till i
 * starts on node i mod n): webhooks for tills that are away, which they must get once back.
 */
function mainStream(o: FleetOptions, parts: FleetParts, killIndex: number | undefined): PlannedWebhook[] {
  const planned = planWebhooks({
    tills: parts.specs,
    count: o.webhooks,
    duplicateEvery: o.duplicateEvery,
    replicas: o.replicas,
    runId: "main",
  });
  if (killIndex === undefined) return planned;
  const nodes = parts.cluster.nodes.length;
  const away = new Set(parts.specs.filter((_, i) => i % nodes === (o.killNode ?? 1)).map((s) => s.tillId));
  const window = planned.slice(killIndex, killIndex + 3 * away.size);
  const first = window.filter((w) => away.has(w.tillId));
  planned.splice(killIndex, window.length, ...first, ...window.filter((w) => !away.has(w.tillId)));
  return planned;
}

/** Kills the node when the stream reaches its index, starts it again later; remembers when. */
function killSchedule(
  o: FleetOptions,
  parts: FleetParts,
  say: (line: string) => void,
): {
  readonly index: number | undefined;
  readonly at: number | undefined;
  readonly restartedAt: number | undefined;
  readonly cpuBefore: CpuSnapshot | undefined;
  readonly onStarted: (started: number) => void;
  readonly done: () => Promise<void>;
} {
  const node = parts.cluster.nodes[o.killNode ?? 1];
  const index = o.killAt === undefined ? undefined : Math.floor(o.webhooks * o.killAt);
  let restarting: Promise<void> | undefined;
  let error: string | undefined;
  const schedule = {
    index,
    at: undefined as number | undefined,
    restartedAt: undefined as number | undefined,
    cpuBefore: undefined as CpuSnapshot | undefined,
    onStarted: (started: number): void => {
      if (started !== index || node === undefined) return;
      schedule.cpuBefore = cpuSnapshot(parts);
      schedule.at = performance.now();
      say(`kill -9 ${node.name} after ${started} webhooks`);
      restarting = (async () => {
        await node.kill();
        await new Promise((resolve) => setTimeout(resolve, o.restartAfterMs ?? 5_000));
        await node.start();
        schedule.restartedAt = performance.now();
        say(`${node.name} started again and healthy`);
      })().catch((e: unknown) => {
        error = e instanceof Error ? e.message : String(e);
      });
    },
    done: async (): Promise<void> => {
      await restarting;
      if (error !== undefined) throw new Error(`the killed node did not come back: ${error}`);
    },
  };
  return schedule;
}

async function idleCpu(parts: FleetParts, ms: number): Promise<number> {
  const before = cpuSnapshot(parts).nodes;
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ((cpuSnapshot(parts).nodes - before) / ms) * 100;
}
