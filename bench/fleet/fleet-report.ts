import { percentile, round } from "../stats.js";
import type { CpuSnapshot } from "./fleet-observe.js";
import type { FleetParts } from "./fleet-parts.js";
import type { FleetStages } from "./fleet-stages.js";
import type { FleetOptions, FleetTimeline } from "./fleet-run.js";
import type { Delivery } from "./webhook-load.js";

/** What `npm run bench:fleet` prints and the fleet test asserts on (issue 18). */
export interface FleetReport {
  readonly tills: number;
  readonly daemons: number;
  readonly nodes: number;
  readonly replicas: number;
  /** Deliveries of the main stream, duplicates included, and how many were duplicates. */
  readonly webhooks: number;
  readonly duplicatesSent: number;
  /** 2xx answers per second over the stream before the kill: all replicas, and each. */
  readonly webhooksPerSecond: { readonly aggregate: number; readonly perReplica: readonly number[] };
  /** From sending a webhook to its till acting on it, in the fixed-rate stream. */
  readonly webhookToTillP50Ms: number;
  readonly webhookToTillP99Ms: number;
  /** Of that, until the bridge's 2xx (its publish acknowledged by the broker). */
  readonly webhookAcceptedP50Ms: number;
  readonly webhookAcceptedP99Ms: number;
  readonly latencyRatePerSecond: number;
  readonly latencyWebhooks: number;
  /** Where the fixed-rate stream's time went (fleet-stages.ts). */
  readonly stages: FleetStages | undefined;
  /**
   * From the kill until the fleet was whole again: every till that lost its node subscribed on
   * another one, every replica connected, and every webhook accepted before the kill acted on.
   */
  readonly nodeKillRecoveryMs: number | undefined;
  /** Accepted (2xx) by a replica but never acted on by its till. */
  readonly lost: number;
  /** Events a till acted on more than once (each extra time counts). */
  readonly duplicateEffects: number;
  /** Events a till acted on that were not for it. */
  readonly misrouted: number;
  /** Webhooks that never got a 2xx (Vipps would still be retrying). */
  readonly neverAccepted: number;
  /** Non-2xx answers: how many, by the bridge's code, and how many outside the outage. */
  readonly answers5xx: {
    readonly count: number;
    readonly byCode: Readonly<Record<string, number>>;
    readonly outsideOutage: number;
  };
  /** When (ms after the kill) the first and last non-2xx answer came. */
  readonly fiveXxWindowMs: readonly [number, number] | undefined;
  /**
   * The answers outside the outage, each with its code and when it came (ms after the kill), and
   * when the killed node was healthy again (ms after the kill): what to look at when any came.
   */
  readonly outsideOutageAnswers: readonly { readonly code: string; readonly afterKillMs: number }[];
  readonly restartedAfterKillMs: number | undefined;
  /** Tills on the killed node, the webhooks queued for them while away, and how many arrived. */
  readonly killedNodeTills: {
    readonly tills: number;
    readonly reconnectedElsewhere: number;
    readonly queuedWhileAway: number;
    readonly receivedAfterReturn: number;
  };
  readonly daemonSales: {
    readonly sales: number;
    readonly capturedOnce: number;
    /** Of the sales, those paid by a per-sale QR (identification auto while the bridge was not seen). */
    readonly perSaleQr: number;
    readonly problems: readonly string[];
  };
  readonly memoryMb: {
    readonly bridges: readonly number[];
    readonly nodes: readonly number[];
    readonly daemons: readonly number[];
    /** The process holding every till's link. */
    readonly tillsProcess: number;
  };
  readonly tillsReadyMs: number;
  /**
   * CPU per webhook accepted before the kill, ms: the three nodes together, the replicas
   * together, this process (every till's link and the sender), the daemons. Less sensitive to
   * a busy machine than rates are.
   */
  readonly cpuMsPerWebhook: CpuSnapshot;
  /** The three nodes' CPU with every session connected and no traffic, % of one core. */
  readonly idleClusterCpuPercent: number | undefined;
}

export function measureFleet(p: {
  readonly options: FleetOptions;
  readonly parts: FleetParts;
  readonly latencyRun: readonly Delivery[];
  readonly stream: readonly Delivery[];
  readonly streamStart: number;
  readonly timeline: FleetTimeline;
  readonly killedNode: string | undefined;
  readonly idleClusterCpuPercent: number | undefined;
  readonly cpuUsed: CpuSnapshot;
  readonly stages: FleetStages | undefined;
}): FleetReport {
  const { stream, timeline } = p;
  const { fleet, daemons, sim, replicas, cluster } = p.parts;
  const all = [...p.latencyRun, ...stream];
  const killAt = timeline.killAt;

  // Effects: what each till acted on, against what was sent to it.
  const expected = new Map<string, Set<string>>();
  for (const d of all) {
    if (d.acceptedAt === undefined) continue;
    let keys = expected.get(d.webhook.tillId);
    if (keys === undefined) expected.set(d.webhook.tillId, (keys = new Set()));
    keys.add(d.webhook.key);
  }
  let lost = 0;
  let duplicateEffects = 0;
  let misrouted = 0;
  for (const [tillId, till] of fleet.tills) {
    const keys = expected.get(tillId) ?? new Set<string>();
    for (const key of keys) if (!till.acted.has(key)) lost += 1;
    for (const [key, times] of till.acted) {
      if (times > 1) duplicateEffects += times - 1;
      if (!keys.has(key)) misrouted += times;
    }
  }

  // Throughput before the kill (the whole stream without one).
  const before = stream.filter(
    (d) => d.acceptedAt !== undefined && (killAt === undefined || d.acceptedAt <= killAt),
  );
  const lastBefore = Math.max(...before.map((d) => d.acceptedAt ?? 0));
  const seconds = (lastBefore - p.streamStart) / 1000;
  const perReplica = replicas.map(
    (_, i) => before.filter((d) => d.attempts.at(-1)?.replica === i).length / seconds,
  );

  const latencies = p.latencyRun.flatMap((d) => {
    const at = fleet.tills.get(d.webhook.tillId)?.actedAt.get(d.webhook.key);
    return at === undefined || d.attempts.length !== 1 ? [] : [at - d.sentAt];
  });

  const answered = p.latencyRun.flatMap((d) =>
    d.acceptedAt === undefined || d.attempts.length !== 1 ? [] : [d.acceptedAt - d.sentAt],
  );

  const failures = stream.flatMap((d) => d.attempts.filter((a) => a.status < 200 || a.status >= 300));
  const byCode: Record<string, number> = {};
  for (const f of failures)
    byCode[f.code ?? String(f.status)] = (byCode[f.code ?? String(f.status)] ?? 0) + 1;

  // The killed node's tills: lost their connection after the kill, came back on another node.
  const killed = [...fleet.tills.values()].filter(
    (t) =>
      killAt !== undefined &&
      t.losses.some((at) => at >= killAt) &&
      t.connections[0]?.broker === p.killedNode,
  );
  let queuedWhileAway = 0;
  let receivedAfterReturn = 0;
  const returns: number[] = [];
  let reconnectedElsewhere = 0;
  for (const till of killed) {
    const lossAt = till.losses.find((at) => killAt !== undefined && at >= killAt) ?? 0;
    const back = till.connections.find((c) => c.at > lossAt);
    if (back !== undefined) returns.push(back.at);
    if (back !== undefined && back.broker !== p.killedNode) reconnectedElsewhere += 1;
    for (const d of stream) {
      if (d.webhook.tillId !== till.spec.tillId || d.acceptedAt === undefined) continue;
      if (d.acceptedAt < lossAt || (back !== undefined && d.acceptedAt > back.at)) continue;
      queuedWhileAway += 1;
      if (till.acted.has(d.webhook.key)) receivedAfterReturn += 1;
    }
  }

  let nodeKillRecoveryMs: number | undefined;
  let outsideOutage = failures.length;
  let outside = failures;
  let fiveXxWindowMs: [number, number] | undefined;
  if (killAt !== undefined) {
    const inFlightActed = stream
      .filter((d) => d.acceptedAt !== undefined && d.acceptedAt <= killAt)
      .map((d) => fleet.tills.get(d.webhook.tillId)?.actedAt.get(d.webhook.key) ?? Number.POSITIVE_INFINITY);
    const replicasBack = timeline.replicaOutages.flatMap((windows) =>
      windows.filter(([from]) => from >= killAt - 1_000).map(([, to]) => to),
    );
    const recoveredAt = Math.max(killAt, ...returns, ...inFlightActed, ...replicasBack);
    nodeKillRecoveryMs = round(recoveredAt - killAt, 0);
    // A replica answers 5xx only while it has no broker or no PUBACK came in time: both only
    // from the kill until the fleet recovered (plus one publish timeout for the last ones).
    outside = failures.filter((f) => f.at < killAt || f.at > recoveredAt + 6_000);
    outsideOutage = outside.length;
    if (failures.length > 0)
      fiveXxWindowMs = [
        round(Math.min(...failures.map((f) => f.at)) - killAt, 0),
        round(Math.max(...failures.map((f) => f.at)) - killAt, 0),
      ];
  }

  // The daemons' sales: each captured once at Vipps, the register told the captured amount.
  const problems: string[] = [];
  let capturedOnce = 0;
  let perSaleQr = 0;
  const payments = sim.control.payments();
  const sales = daemons.flatMap((d) => d.sales);
  for (const sale of sales) {
    const final = sale.final;
    if (final === undefined) {
      problems.push(`${sale.saleId}: no final state (${sale.error ?? "none came"})`);
      continue;
    }
    const payment = payments.find((pay) => pay.reference === final.reference);
    const captures = payment?.events.filter((e) => e.name === "CAPTURED").length ?? 0;
    if (payment?.userFlow === "QR") perSaleQr += 1;
    if (
      final.state === "captured" &&
      payment?.captured === sale.total &&
      captures === 1 &&
      final.capturedAmount === sale.total
    )
      capturedOnce += 1;
    else
      problems.push(
        `${sale.saleId}: register ${final.state} ${final.capturedAmount ?? "-"}, Vipps captured ${payment?.captured ?? "-"} in ${captures} capture(s)`,
      );
  }

  return {
    tills: fleet.tills.size,
    daemons: daemons.length,
    nodes: cluster.nodes.length,
    replicas: replicas.length,
    webhooks: stream.length,
    duplicatesSent: stream.filter((d) => d.webhook.duplicate).length,
    webhooksPerSecond: {
      aggregate: round(before.length / seconds, 0),
      perReplica: perReplica.map((r) => round(r, 0)),
    },
    webhookToTillP50Ms: round(percentile(latencies, 50), 1),
    webhookToTillP99Ms: round(percentile(latencies, 99), 1),
    webhookAcceptedP50Ms: round(percentile(answered, 50), 1),
    webhookAcceptedP99Ms: round(percentile(answered, 99), 1),
    latencyRatePerSecond: p.options.latency?.ratePerSecond ?? 0,
    latencyWebhooks: latencies.length,
    stages: p.stages,
    nodeKillRecoveryMs,
    lost,
    duplicateEffects,
    misrouted,
    neverAccepted: all.filter((d) => d.acceptedAt === undefined).length,
    answers5xx: { count: failures.length, byCode, outsideOutage },
    fiveXxWindowMs,
    outsideOutageAnswers: outside.slice(0, 50).map((f) => ({
      code: f.code ?? String(f.status),
      afterKillMs: round(f.at - (killAt ?? 0), 0),
    })),
    restartedAfterKillMs:
      killAt === undefined || timeline.restartedAt === undefined
        ? undefined
        : round(timeline.restartedAt - killAt, 0),
    killedNodeTills: {
      tills: killed.length,
      reconnectedElsewhere,
      queuedWhileAway,
      receivedAfterReturn,
    },
    daemonSales: { sales: sales.length, capturedOnce, perSaleQr, problems },
    memoryMb: {
      bridges: replicas.map((r) => round(r.rssMb(), 0)),
      nodes: cluster.nodes.map((n) => round(n.rssMb(), 0)),
      daemons: daemons.map((d) => round(d.rssMb(), 0)),
      tillsProcess: round(process.memoryUsage().rss / 1024 / 1024, 0),
    },
    tillsReadyMs: round(p.parts.tillsReadyMs, 0),
    cpuMsPerWebhook: {
      nodes: round(p.cpuUsed.nodes / before.length, 2),
      bridges: round(p.cpuUsed.bridges / before.length, 2),
      tills: round(p.cpuUsed.tills / before.length, 2),
      daemons: round(p.cpuUsed.daemons / before.length, 2),
    },
    idleClusterCpuPercent:
      p.idleClusterCpuPercent === undefined ? undefined : round(p.idleClusterCpuPercent, 0),
  };
}
