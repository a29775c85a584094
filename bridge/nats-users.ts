import { AgentError } from "../lib/errors.js";
import {
  DEFAULT_TOPIC_PREFIX,
  UNROUTED_LEVEL,
  bridgeStatusFilter,
  isMsn,
  isTillId,
  isTopicPrefix,
  tillTopic,
  unroutedTopic,
} from "../lib/mqtt-contract/index.js";
import type { BridgeErrorCode } from "./settings.js";

/**
 * The users of a NATS cluster that carries the tills' MQTT (deploy/nats/, docs/mqtt-contract.md
 * §A NATS cluster): the `users.conf` that deploy/nats/node.conf includes in its POS account.
 * The same rights as the mosquitto ACL, in NATS subjects (an MQTT topic's `/` is a subject's
 * `.`): each till reads its own webhooks and the bridges' heartbeats and writes its own status,
 * health and sales; the bridge only publishes webhooks, unrouted envelopes and its heartbeat and
 * reads nothing; a
 * merchant's back office only reads its MSN's sales, status, health and unrouted envelopes.
 * Every one of them may connect over MQTT only (`allowed_connection_types`), never with the
 * NATS protocol.
 *
 * MQTT users with subscribe rights also need `$MQTT.sub.>`: NATS delivers a QoS 1
 * subscription's messages to the session on an internal `$MQTT.sub.<id>` subject, which an MQTT
 * client itself cannot subscribe to (nats-server refuses topics under `$MQTT/sub/`).
 *
 * NATS binds a password to a user, not a client id to a user: see the document for what one
 * till's credentials can still do to another till's session, and why no money moves because of it.
 */
export interface NatsUsers {
  /** As the tills' `mqtt.topicPrefix` and the bridge's `TOPIC_PREFIX`. Default `vipps-pos`. */
  readonly topicPrefix?: string;
  /** The bridge replicas' user, `pos-bridge`. */
  readonly bridgePassword: string;
  readonly tills: readonly { readonly msn: string; readonly tillId: string; readonly password: string }[];
  readonly backOffices?: readonly { readonly msn: string; readonly password: string }[];
}

const NATS_BRIDGE_USER = "pos-bridge";
const natsTillUser = (msn: string, tillId: string): string => `till-${msn}-${tillId}`;
const natsBackOfficeUser = (msn: string): string => `backoffice-${msn}`;

/** A plaintext password or a bcrypt hash: printable ASCII, no quote or backslash (it sits in a quoted string). */
const PASSWORD = /^[\x21\x23-\x5b\x5d-\x7e]{8,200}$/;

/** An MQTT topic filter as the NATS subject nats-server maps it to: `/` → `.`, `+` → `*`, `#` → `>`. */
function natsSubject(filter: string): string {
  return filter
    .split("/")
    .map((level) => (level === "+" ? "*" : level === "#" ? ">" : level))
    .join(".");
}

export function natsUsersConf(users: NatsUsers): string {
  const prefix = users.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
  const problems: string[] = [];
  if (!isTopicPrefix(prefix)) problems.push(`topic prefix "${prefix}" is not topic levels of [A-Za-z0-9_-]`);
  const password = (who: string, value: string): string => {
    if (!PASSWORD.test(value))
      problems.push(`${who}: the password must be 8–200 printable ASCII characters without " or \\`);
    return value;
  };
  if (problems.length > 0) return fail(problems);
  const entries: string[] = [];
  entries.push(
    entry(NATS_BRIDGE_USER, password(NATS_BRIDGE_USER, users.bridgePassword), {
      // One user for every replica (NATS binds no client id to a user): each may write any
      // replica's heartbeat, which only a bridge's own credentials can do.
      publish: {
        allow: [
          `${prefix}/+/+/webhook`,
          `${prefix}/+/${UNROUTED_LEVEL}`,
          unroutedTopic(prefix),
          bridgeStatusFilter(prefix),
        ],
      },
      subscribe: { deny: ["#"] },
    }),
  );
  const seen = new Set<string>();
  for (const till of users.tills) {
    const user = natsTillUser(till.msn, till.tillId);
    if (!isMsn(till.msn) || !isTillId(till.tillId)) {
      problems.push(`${user}: expected an MSN of 4–10 digits and a till id of 2–20 of A–Z a–z 0–9`);
      continue;
    }
    if (seen.has(user)) problems.push(`${user}: listed twice`);
    seen.add(user);
    const own = (kind: "webhook" | "status" | "health" | "sales"): string =>
      tillTopic(prefix, till.msn, till.tillId, kind);
    entries.push(
      entry(user, password(user, till.password), {
        publish: { allow: [own("status"), own("health"), own("sales")] },
        subscribe: { allow: [own("webhook"), bridgeStatusFilter(prefix)], sessions: true },
      }),
    );
  }
  for (const office of users.backOffices ?? []) {
    const user = natsBackOfficeUser(office.msn);
    if (!isMsn(office.msn)) {
      problems.push(`${user}: expected an MSN of 4–10 digits`);
      continue;
    }
    entries.push(
      entry(user, password(user, office.password), {
        publish: { deny: ["#"] },
        subscribe: {
          allow: [
            ...["sales", "status", "health"].map((kind) => `${prefix}/${office.msn}/+/${kind}`),
            unroutedTopic(prefix, office.msn),
          ],
          sessions: true,
        },
      }),
    );
  }
  if (problems.length > 0) return fail(problems);
  return `# The POS account's users (bridge/nats-users.ts; docs/mqtt-contract.md §A NATS cluster).\nusers: [\n${entries.join("\n")}\n]\n`;
}

function fail(problems: readonly string[]): never {
  throw new AgentError<BridgeErrorCode>(
    "BRIDGE_CONFIG_INVALID",
    `cannot write the NATS users: ${problems.join("; ")}`,
    { details: { problems } },
  );
}

/** MQTT topic filters; `sessions`: also `$MQTT.sub.>`, where QoS 1 subscriptions are delivered. */
type Rule =
  { readonly allow: readonly string[]; readonly sessions?: boolean } | { readonly deny: readonly string[] };

function entry(user: string, password: string, permissions: { publish: Rule; subscribe: Rule }): string {
  const subjects = (filters: readonly string[], sessions = false): string =>
    list([...filters.map(natsSubject), ...(sessions ? ["$MQTT.sub.>"] : [])]);
  const rule = (r: Rule): string =>
    "allow" in r ? `{ allow: ${subjects(r.allow, r.sessions)} }` : `{ deny: ${subjects(r.deny)} }`;
  return [
    `  { user: "${user}", password: "${password}", allowed_connection_types: ["MQTT"],`,
    `    permissions: { publish: ${rule(permissions.publish)},`,
    `                   subscribe: ${rule(permissions.subscribe)} } }`,
  ].join("\n");
}

const list = (items: readonly string[]): string => `[${items.map((i) => `"${i}"`).join(", ")}]`;
