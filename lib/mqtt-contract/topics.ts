import { AgentError } from "../errors.js";

/**
 * The MQTT topic tree shared by the bridge and the agent (docs/mqtt-contract.md §Topics).
 *
 *   <prefix>/<msn>/<tillId>/webhook   bridge → till    QoS 1, not retained
 *   <prefix>/<msn>/<tillId>/status    till → anyone    QoS 1, retained, `online` | `offline`
 *   <prefix>/<msn>/<tillId>/health    till → anyone    QoS 0, not retained, JSON
 *   <prefix>/<msn>/<tillId>/sales     till → back office  QoS 1, not retained, JSON sale event
 *   <prefix>/<msn>/_unrouted          bridge → operator   QoS 1, webhooks of that MSN no till claims
 *   <prefix>/_unrouted                bridge → operator   QoS 1, webhooks without a usable MSN
 *   <prefix>/_bridge/<name>/status    bridge → tills      QoS 1, retained, `online` | `offline` (will)
 *
 * Each MSN and till owns one subtree, so a broker ACL can give a till its own subtree only.
 * Every level is checked against a strict alphabet (no `/`, `+`, `#`), so a value taken from a
 * webhook can never escape its subtree or become a wildcard.
 */

type TopicErrorCode = "MQTT_BAD_TOPIC_LEVEL";

/** Till-owned topic kinds, in the till's subtree. */
const TILL_TOPICS = ["webhook", "status", "health", "sales"] as const;
export type TillTopicKind = (typeof TILL_TOPICS)[number];

/** `_` is outside the till-id alphabet, so `_unrouted` can never collide with a till. */
export const UNROUTED_LEVEL = "_unrouted";

/** `_` is outside the MSN alphabet, so a bridge's heartbeat can never collide with a sales unit. */
const BRIDGE_LEVEL = "_bridge";

/** A bridge replica's name in its heartbeat topic (and its mosquitto user `pos-bridge-<name>`). */
const BRIDGE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

/** A till id: its topic level, its references' first part (so no dash) and its config `till.id`. */
export const TILL_ID_PATTERN = /^[A-Za-z0-9]{2,20}$/;

export const DEFAULT_TOPIC_PREFIX = "vipps-pos";

const PREFIX_PATTERN = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;
/** Vipps MSNs are 4–7 digits today; the webhook schema allows up to 10 (docs/vipps-api.md §1.2). */
export const MSN_PATTERN = /^\d{4,10}$/;

/** Delivery settings per topic kind; the bridge and the agent publish with exactly these. */
export const TOPIC_QOS: Readonly<Record<TillTopicKind | "unrouted", { qos: 0 | 1; retain: boolean }>> = {
  webhook: { qos: 1, retain: false },
  status: { qos: 1, retain: true },
  health: { qos: 0, retain: false },
  sales: { qos: 1, retain: false },
  unrouted: { qos: 1, retain: false },
};

/** Status payloads (plain UTF-8 text, retained; `offline` is also the Last Will). */
export const STATUS_ONLINE = "online";
export const STATUS_OFFLINE = "offline";

export function isTopicPrefix(value: string): boolean {
  return PREFIX_PATTERN.test(value);
}

export function isMsn(value: string): boolean {
  return MSN_PATTERN.test(value);
}

export function isBridgeName(value: string): boolean {
  return BRIDGE_NAME_PATTERN.test(value);
}

export function isTillId(value: string): boolean {
  return TILL_ID_PATTERN.test(value);
}

function check(ok: boolean, what: string, value: string): void {
  if (!ok)
    throw new AgentError<TopicErrorCode>("MQTT_BAD_TOPIC_LEVEL", `invalid ${what} for an MQTT topic`, {
      details: { [what]: value },
    });
}

/** A topic in a till's subtree. Throws `MQTT_BAD_TOPIC_LEVEL` for a level outside its alphabet. */
export function tillTopic(prefix: string, msn: string, tillId: string, kind: TillTopicKind): string {
  check(isTopicPrefix(prefix), "prefix", prefix);
  check(isMsn(msn), "msn", msn);
  check(isTillId(tillId), "tillId", tillId);
  return `${prefix}/${msn}/${tillId}/${kind}`;
}

/**
 * A bridge replica's heartbeat: retained `online` while it is connected, `offline` as its Last
 * Will and on a clean stop (docs/mqtt-contract.md §Bridge heartbeat). Throws `MQTT_BAD_TOPIC_LEVEL`.
 */
export function bridgeStatusTopic(prefix: string, name: string): string {
  check(isTopicPrefix(prefix), "prefix", prefix);
  check(isBridgeName(name), "bridge", name);
  return `${prefix}/${BRIDGE_LEVEL}/${name}/status`;
}

/**
 * The QoS a till subscribes to the heartbeats with: 0. A heartbeat is state, not an event — the
 * till forgets every heartbeat when its connection closes and the broker sends each retained one
 * again on the subscribe after every connect — so nothing queued while it was away is of use. On
 * a NATS cluster a QoS 1 subscription is one more replicated JetStream consumer per till: it took
 * as long to create as the webhook subscription's and doubled each till's set-up (issue 18).
 */
export const HEARTBEAT_SUBSCRIBE_QOS = 0;

/** What a till subscribes to for every replica's heartbeat (at `HEARTBEAT_SUBSCRIBE_QOS`). */
export function bridgeStatusFilter(prefix: string): string {
  check(isTopicPrefix(prefix), "prefix", prefix);
  return `${prefix}/${BRIDGE_LEVEL}/+/status`;
}

/** The replica's name of a heartbeat topic; undefined for any other topic. */
export function parseBridgeStatusTopic(prefix: string, topic: string): string | undefined {
  const head = `${prefix}/${BRIDGE_LEVEL}/`;
  if (!topic.startsWith(head) || !topic.endsWith("/status")) return undefined;
  const name = topic.slice(head.length, -"/status".length);
  return isBridgeName(name) ? name : undefined;
}

/** Where the bridge puts a webhook no till claims: the MSN's `_unrouted` when the MSN is usable. */
export function unroutedTopic(prefix: string, msn?: string): string {
  check(isTopicPrefix(prefix), "prefix", prefix);
  if (msn !== undefined && isMsn(msn)) return `${prefix}/${msn}/${UNROUTED_LEVEL}`;
  return `${prefix}/${UNROUTED_LEVEL}`;
}

export type ParsedTopic =
  { kind: TillTopicKind; msn: string; tillId: string } | { kind: "unrouted"; msn?: string };

/** The inverse of `tillTopic` / `unroutedTopic`; undefined for anything else. */
export function parseTopic(prefix: string, topic: string): ParsedTopic | undefined {
  if (!topic.startsWith(`${prefix}/`)) return undefined;
  const levels = topic.slice(prefix.length + 1).split("/");
  if (levels.length === 1 && levels[0] === UNROUTED_LEVEL) return { kind: "unrouted" };
  const [msn, second, third] = levels;
  if (msn === undefined || !isMsn(msn)) return undefined;
  if (levels.length === 2 && second === UNROUTED_LEVEL) return { kind: "unrouted", msn };
  if (levels.length !== 3 || second === undefined || third === undefined || !isTillId(second))
    return undefined;
  const kind = TILL_TOPICS.find((k) => k === third);
  return kind === undefined ? undefined : { kind, msn, tillId: second };
}
