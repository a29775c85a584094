import { HEALTH_VERSION, type HealthMessage, type HealthSale } from "../../lib/mqtt-contract/index.js";
import type { MqttLinkCounters, MqttLinkState } from "./types.js";

/**
 * The agent's own report for the health message (agent/runtime/till-health.ts builds it): its
 * links other than MQTT, why it serves degraded, and the sale in progress.
 */
export interface AgentHealthReport {
  /** e.g. `{ register: "up", printer: "paper_out", vipps: "ok" }` */
  readonly links: Readonly<Record<string, string>>;
  readonly degraded: readonly string[];
  readonly currentSale?: HealthSale;
}

/** The contract caps a degraded phrase at 120 characters (lib/mqtt-contract/health.ts). */
const MAX_PHRASE = 120;

/**
 * The periodic health message on `<prefix>/<msn>/<tillId>/health` (QoS 0, not retained;
 * docs/mqtt-contract.md §Status and health; schema in lib/mqtt-contract/health.ts). `links`
 * holds the MQTT link's own state plus whatever the agent reports for its other links.
 */
export function healthMessage(p: {
  tillId: string;
  msn: string;
  version: string;
  now: number;
  uptimeSeconds: number;
  memory: { rss: number; heapUsed: number };
  mqttState: MqttLinkState;
  report: (() => AgentHealthReport) | undefined;
  counters: MqttLinkCounters;
}): HealthMessage {
  let reported: AgentHealthReport;
  try {
    reported = p.report?.() ?? { links: {}, degraded: [] };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    reported = { links: {}, degraded: [`health report failed: ${why}`.slice(0, MAX_PHRASE)] };
  }
  return {
    v: HEALTH_VERSION,
    tillId: p.tillId,
    msn: p.msn,
    at: new Date(p.now).toISOString(),
    version: p.version,
    uptimeSeconds: Math.round(p.uptimeSeconds),
    memory: { rssBytes: p.memory.rss, heapUsedBytes: p.memory.heapUsed },
    links: { ...reported.links, mqtt: p.mqttState },
    degraded: reported.degraded.map((d) => d.slice(0, MAX_PHRASE)),
    ...(reported.currentSale === undefined ? {} : { currentSale: reported.currentSale }),
    counters: { ...p.counters },
  };
}
