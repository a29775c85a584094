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

/** Prometheus text exposition format 0.0.4. */
export function renderPrometheus(counters: Readonly<BridgeCounters>, brokerConnected: boolean): string {
  const lines: string[] = [];
  for (const key of Object.keys(HELP) as (keyof BridgeCounters)[]) {
    const name = `pos_bridge_webhooks_${key}_total`;
    lines.push(`# HELP ${name} ${HELP[key]}`, `# TYPE ${name} counter`, `${name} ${counters[key]}`);
  }
  lines.push(
    "# HELP pos_bridge_broker_connected 1 while the MQTT connection to the broker is up.",
    "# TYPE pos_bridge_broker_connected gauge",
    `pos_bridge_broker_connected ${brokerConnected ? 1 : 0}`,
  );
  return `${lines.join("\n")}\n`;
}
