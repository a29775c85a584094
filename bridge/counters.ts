import { Histogram, PrometheusText } from "../lib/prometheus.js";

/**
 * What the bridge has done since it started (per replica; sum them across replicas).
 * `received` = every POST on the webhook path; each ends in exactly one of `rejected` (401, 413,
 * 400), `published` (PUBACK received: 2xx) or `failed` (503). `verified` counts signatures that
 * checked out; `unrouted` is the part of `published` that went to an `_unrouted` topic.
 */
export interface BridgeCounters {
  received: number;
  verified: number;
  rejected: number;
  published: number;
  unrouted: number;
  failed: number;
}

export function createCounters(): BridgeCounters {
  return { received: 0, verified: 0, rejected: 0, published: 0, unrouted: 0, failed: 0 };
}

const HELP: Readonly<Record<keyof BridgeCounters, string>> = {
  received: "Webhook POSTs received on the webhook path.",
  verified: "Webhooks whose Vipps HMAC signature verified.",
  rejected: "Webhooks refused: bad or missing signature (401), too large (413) or malformed JSON (400).",
  published: "Envelopes the broker acknowledged (PUBACK), answered 2xx.",
  unrouted: "Published envelopes that went to an _unrouted topic.",
  failed: "Webhooks answered 503 because the broker was unreachable or did not acknowledge in time.",
};

/**
 * Upper bounds, seconds, of the publish latency histogram: from the publish to the broker's
 * PUBACK. A healthy broker next to the bridge answers in milliseconds; Vipps waits 10 s for our
 * answer and BRIDGE_PUBLISH_TIMEOUT_MS is at most 9 s, so the top buckets show a broker that is
 * about to make Vipps retry.
 */
const PUBLISH_SECONDS_BOUNDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 9];

export function createPublishLatency(): Histogram {
  return new Histogram(PUBLISH_SECONDS_BOUNDS);
}

/** Prometheus text exposition format 0.0.4 (lib/prometheus.ts); one replica's view, scrape each. */
export function renderPrometheus(
  counters: Readonly<BridgeCounters>,
  brokerConnected: boolean,
  publishSeconds: Histogram,
): string {
  const text = new PrometheusText();
  for (const key of Object.keys(HELP) as (keyof BridgeCounters)[])
    text.counter(`pos_bridge_webhooks_${key}_total`, HELP[key], counters[key]);
  return text
    .gauge(
      "pos_bridge_broker_connected",
      "1 while the MQTT connection to the broker is up.",
      brokerConnected ? 1 : 0,
    )
    .histogram(
      "pos_bridge_publish_duration_seconds",
      "From publishing a webhook's envelope to the broker's PUBACK, for the envelopes acknowledged.",
      publishSeconds,
    )
    .text();
}
