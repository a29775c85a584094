import { percentile, round } from "../stats.js";
import type { BridgeMetrics, BridgeReplica } from "./bridge-replicas.js";
import type { TillFleet } from "./till-fleet.js";
import type { Delivery } from "./webhook-load.js";

/**
 * Where a webhook's time goes between the sender and its till, in the fixed-rate stream (issue
 * 18): the sender's clock gives send → 2xx and send → acted on at the till; each replica's own
 * publish → PUBACK histogram (its /metrics, read before and after the stream) gives the broker's
 * share of the 2xx. The rest of send → 2xx is HTTP, the signature check and building the
 * envelope in the replica. A share, not a figure to quote alone: the machine is shared.
 */
export interface FleetStages {
  /** Send → the replica's 2xx (one attempt only). */
  readonly acceptedP50Ms: number;
  /** Publish → PUBACK in the replicas: the mean, and the histogram bucket holding the median and the 99th percentile. */
  readonly pubackMeanMs: number;
  readonly pubackP50AtMostMs: number;
  readonly pubackP99AtMostMs: number;
  /** The 2xx at the sender → acted on at the till (negative: the till had it first). */
  readonly acceptedToActedP50Ms: number;
  /** Send → acted on at the till. */
  readonly actedP50Ms: number;
}

export async function bridgeHistograms(replicas: readonly BridgeReplica[]): Promise<BridgeMetrics[]> {
  return Promise.all(replicas.map((r) => r.metrics()));
}

export function measureStages(p: {
  readonly deliveries: readonly Delivery[];
  readonly fleet: TillFleet;
  readonly before: readonly BridgeMetrics[];
  readonly after: readonly BridgeMetrics[];
}): FleetStages {
  const once = p.deliveries.filter((d) => d.acceptedAt !== undefined && d.attempts.length === 1);
  const acted = (d: Delivery): number | undefined =>
    p.fleet.tills.get(d.webhook.tillId)?.actedAt.get(d.webhook.key);
  const accepted = once.map((d) => (d.acceptedAt ?? 0) - d.sentAt);
  const toActed = once.flatMap((d) => {
    const at = acted(d);
    return at === undefined ? [] : [at - d.sentAt];
  });
  const afterAccepted = once.flatMap((d) => {
    const at = acted(d);
    return at === undefined ? [] : [at - (d.acceptedAt ?? 0)];
  });

  // The stream's share of every replica's histogram: after minus before, bucket by bucket.
  let count = 0;
  let sum = 0;
  const buckets = new Map<number | "+Inf", number>();
  p.after.forEach((after, i) => {
    const before = p.before[i];
    count += after.publishSeconds.count - (before?.publishSeconds.count ?? 0);
    sum += after.publishSeconds.sum - (before?.publishSeconds.sum ?? 0);
    after.publishSeconds.buckets.forEach((b, k) => {
      const was = before?.publishSeconds.buckets[k]?.count ?? 0;
      buckets.set(b.le, (buckets.get(b.le) ?? 0) + b.count - was);
    });
  });
  const atMost = (q: number): number => {
    for (const [le, n] of buckets)
      if (n >= count * q) return le === "+Inf" ? Number.POSITIVE_INFINITY : le * 1000;
    return Number.NaN;
  };
  return {
    acceptedP50Ms: round(percentile(accepted, 50), 1),
    pubackMeanMs: count === 0 ? Number.NaN : round((sum / count) * 1000, 1),
    pubackP50AtMostMs: atMost(0.5),
    pubackP99AtMostMs: atMost(0.99),
    acceptedToActedP50Ms: round(percentile(afterAccepted, 50), 1),
    actedP50Ms: round(percentile(toActed, 50), 1),
  };
}
