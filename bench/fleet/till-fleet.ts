import { createMqttLink, type MqttLink } from "../../agent/mqtt/index.js";
import { openDatabase, type Db } from "../../agent/store/database.js";
import { configSchema } from "../../config/schema.js";
import type { Secrets } from "../../config/secrets.js";

/**
 * Many tills in one process, each the till's real MQTT link (agent/mqtt: persistent session,
 * HMAC re-check, de-duplication in SQLite, failover over the cluster's nodes) on an in-memory
 * SQLite store. Each till's "effect" is its handler being called: the fleet records how often
 * and when each event was acted on, and when each till (re)connected to which node.
 */
export interface FleetTillSpec {
  readonly msn: string;
  readonly tillId: string;
  readonly password: string;
  /** The cluster's nodes in the order this till tries them. */
  readonly urls: readonly string[];
}

interface FleetTill {
  readonly spec: FleetTillSpec;
  readonly link: MqttLink;
  /** Effect key (`<event id>`) → times acted on. */
  readonly acted: Map<string, number>;
  /** Effect key → when first acted on (performance.now()). */
  readonly actedAt: Map<string, number>;
  /** Every connection made: when (performance.now()) and to which node. */
  readonly connections: { readonly at: number; readonly broker: string }[];
  /** Every loss of a connection (performance.now()). */
  readonly losses: number[];
}

export interface TillFleet {
  readonly tills: ReadonlyMap<string, FleetTill>;
  stop(): Promise<void>;
}

export interface TillFleetOptions {
  readonly tills: readonly FleetTillSpec[];
  readonly caFile: string;
  /** The URL registered at Vipps, and its secret: what every till verifies against. */
  readonly webhookUrl: string;
  readonly webhookSecret: string;
  /** Tills connecting at once while the fleet starts (each first connection creates a JetStream consumer). */
  readonly startConcurrency?: number;
  readonly startTimeoutMs?: number;
}

/** The key an event is recorded under: what the till's de-duplication treats as one event. */
export function checkInKey(tillId: string, customerToken: string): string {
  return `check-in:${tillId}:${customerToken}`;
}
export function paymentKey(reference: string, name: string, pspReference: string): string {
  return `payment:${reference}:${name}:${pspReference}`;
}

export async function startTillFleet(options: TillFleetOptions): Promise<TillFleet> {
  const tills = new Map<string, FleetTill>();
  const dbs: Db[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all([...tills.values()].map((t) => t.link.stop()));
    for (const db of dbs) db.close();
  };
  const startOne = (spec: FleetTillSpec): FleetTill => {
    const db = openDatabase(":memory:");
    dbs.push(db);
    const config = configSchema.parse({
      vipps: { clientId: "fleet", msn: spec.msn, currency: "NOK", webhookUrl: options.webhookUrl },
      till: { id: spec.tillId, locationDescription: spec.tillId },
      mqtt: {
        urls: [...spec.urls],
        protocolVersion: 4,
        username: `till-${spec.msn}-${spec.tillId}`,
        reconnectMinMs: 250,
        reconnectMaxMs: 2_000,
        healthIntervalSeconds: 3_600,
        tls: { caFile: options.caFile },
      },
    });
    const secrets: Secrets = {
      clientSecret: "-",
      subscriptionKey: "-",
      webhookSecrets: [options.webhookSecret],
      mqttPassword: spec.password,
    };
    const link = createMqttLink({ config, secrets, db });
    const till: FleetTill = { spec, link, acted: new Map(), actedAt: new Map(), connections: [], losses: [] };
    const act = (key: string): void => {
      till.acted.set(key, (till.acted.get(key) ?? 0) + 1);
      if (!till.actedAt.has(key)) till.actedAt.set(key, performance.now());
    };
    link.onCheckIn((c) => act(checkInKey(c.merchantQrId, c.customerToken)));
    link.onPaymentEvent((e) => act(paymentKey(e.reference, e.name, e.pspReference)));
    let connected = false;
    link.onStateChange((state) => {
      if (state === "connected") {
        connected = true;
        till.connections.push({ at: performance.now(), broker: link.broker ?? "" });
      } else if (connected) {
        connected = false;
        till.losses.push(performance.now());
      }
    });
    tills.set(spec.tillId, till);
    link.start();
    return till;
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 180_000);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < options.tills.length; i = next++) {
      const spec = options.tills[i];
      if (spec === undefined) continue;
      const till = startOne(spec);
      // Subscribed (`connects` counts completed set-ups): from now on its webhooks are queued.
      while (till.link.counters().connects === 0) {
        if (Date.now() > deadline) throw new Error(`till ${spec.tillId} did not connect in time`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.startConcurrency ?? 16 }, worker));
  } catch (error) {
    await stop();
    throw error;
  }
  return { tills, stop };
}
