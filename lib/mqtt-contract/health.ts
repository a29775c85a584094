import { z } from "zod";
import { CURRENCIES } from "../money.js";
import { MSN_PATTERN } from "./topics.js";

/**
 * The periodic health message a till publishes on `<prefix>/<msn>/<tillId>/health` (QoS 0, not
 * retained; docs/mqtt-contract.md §Status and health): what a monitor needs to show the till
 * without asking it — version, link states, why it serves degraded, the sale in progress.
 * No personal data: sale ids, references and amounts only.
 *
 * Version 1. Consumers ignore fields they do not know (this schema strips them); a change that
 * would break a consumer bumps `v`. `version`, `degraded` and `currentSale` came later in
 * version 1 and are optional for that reason.
 */
export const HEALTH_VERSION = 1;

const count = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
/** A name in a record: letter first, so never `__proto__` or another key a plain object treats specially. */
const key = (max: number) => z.string().regex(new RegExp(`^[A-Za-z][A-Za-z0-9_]{0,${max - 1}}$`));

/** A link's state in one word or two (`up`, `connected`, `paper_out`, `failing` …). */
const linkState = z.string().regex(/^[A-Za-z0-9_ -]{1,40}$/);

/** The sale the till is busy with (docs/register-protocol.md's states), never who pays. */
const healthSaleSchema = z.object({
  /** The register's sale id. */
  saleId: z.string().regex(/^[A-Za-z0-9-]{1,32}$/),
  saleNo: count,
  /** The protocol state the register sees: open, waiting_for_customer, payment_requested … */
  state: z.string().regex(/^[a-z_]{1,40}$/),
  amount: z.object({ currency: z.enum(CURRENCIES), value: count }),
  /** The Vipps payment reference of the current attempt, once there is one. */
  reference: z
    .string()
    .regex(/^[A-Za-z0-9-]{8,64}$/)
    .optional(),
  updatedAt: z.iso.datetime({ offset: true }),
});

export const healthMessageSchema = z.object({
  v: z.literal(HEALTH_VERSION),
  tillId: z.string().regex(/^[A-Za-z0-9]{2,20}$/),
  msn: z.string().regex(MSN_PATTERN),
  /** When the till sent it, ISO 8601 UTC (the till's clock). */
  at: z.iso.datetime(),
  /** The agent's release. */
  version: z
    .string()
    .regex(/^[A-Za-z0-9.+_-]{1,64}$/)
    .optional(),
  uptimeSeconds: count,
  memory: z.object({ rssBytes: count, heapUsedBytes: count }),
  /** The MQTT link's state (`mqtt`) and the agent's other links: register, printer, vipps, display, gpio. */
  links: z.record(key(32), linkState).refine((l) => Object.keys(l).length <= 16, {
    error: "at most 16 links",
  }),
  /** Why the till serves degraded, one short phrase each ("printer paper out"); empty when all is well. */
  degraded: z.array(z.string().min(1).max(120)).max(16).optional(),
  currentSale: healthSaleSchema.optional(),
  /** The MQTT link's counters (agent/mqtt/types.ts), numbers or one level of numbers by reason. */
  counters: z
    .record(key(64), z.union([count, z.record(key(64), count).refine((r) => Object.keys(r).length <= 32)]))
    .refine((c) => Object.keys(c).length <= 64),
});

export type HealthMessage = z.output<typeof healthMessageSchema>;
export type HealthSale = z.output<typeof healthSaleSchema>;
