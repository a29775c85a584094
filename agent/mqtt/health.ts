import type { MqttLinkCounters, MqttLinkState } from "./types.js";

/**
 * The periodic health message on `<prefix>/<msn>/<tillId>/health` (QoS 0, not retained;
 * docs/mqtt-contract.md §Health). `links` holds the MQTT link's own state plus whatever the
 * agent reports for its other links (register, printer, Vipps …).
 */
export interface HealthMessage {
  readonly v: 1;
  readonly tillId: string;
  readonly msn: string;
  /** ISO 8601 UTC. */
  readonly at: string;
  readonly uptimeSeconds: number;
  readonly memory: { readonly rssBytes: number; readonly heapUsedBytes: number };
  readonly links: Readonly<Record<string, unknown>>;
  readonly counters: MqttLinkCounters;
}

export function healthMessage(p: {
  tillId: string;
  msn: string;
  now: number;
  uptimeSeconds: number;
  memory: { rss: number; heapUsed: number };
  mqttState: MqttLinkState;
  report: (() => Record<string, unknown>) | undefined;
  counters: MqttLinkCounters;
}): HealthMessage {
  let reported: Record<string, unknown>;
  try {
    reported = p.report?.() ?? {};
  } catch (error) {
    reported = { healthReportError: error instanceof Error ? error.message : String(error) };
  }
  return {
    v: 1,
    tillId: p.tillId,
    msn: p.msn,
    at: new Date(p.now).toISOString(),
    uptimeSeconds: Math.round(p.uptimeSeconds),
    memory: { rssBytes: p.memory.rss, heapUsedBytes: p.memory.heapUsed },
    links: { ...reported, mqtt: p.mqttState },
    counters: p.counters,
  };
}
