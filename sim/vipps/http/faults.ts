import { randomUUID } from "node:crypto";
import { simError } from "../errors.js";
import { isEndpointId, type EndpointId } from "./endpoints.js";

/**
 * Fault injection for the simulated APIs: the network and Vipps misbehaving on purpose, so the
 * agent's retry, idempotency and timeout paths can be exercised. A rule applies to one endpoint
 * (or all, `"*"`), with a probability (`rate`, default 1) and optionally only `times` times.
 */
const FAULT_STATUSES = [423, 429, 500, 503] as const;
type FaultStatus = (typeof FAULT_STATUSES)[number];

export interface FaultRule {
  readonly endpoint: EndpointId | "*";
  /** Added before the request is processed, milliseconds on the simulator's clock. */
  readonly latencyMs?: number;
  /** Answer with this status (in the API's own error shape) instead of processing. */
  readonly status?: FaultStatus;
  /**
   * Destroy the socket: `before` the request is processed (nothing happened), or `after` it was
   * processed (the operation happened but its answer is lost — the case idempotency keys exist for).
   */
  readonly drop?: "before" | "after";
  /** Probability 0–1 that a matching request is affected; default 1. */
  readonly rate?: number;
  /** Affect only this many matching requests, then the rule removes itself. */
  readonly times?: number;
  /** `Retry-After` seconds sent with 429 and 503; default 1. */
  readonly retryAfterSeconds?: number;
}

export interface InstalledFault extends FaultRule {
  readonly id: string;
  /** How many requests this rule has affected so far. */
  readonly hits: number;
}

export interface FaultDecision {
  readonly latencyMs: number;
  readonly status?: FaultStatus;
  readonly drop?: "before" | "after";
  readonly retryAfterSeconds: number;
  /** Ids of the rules that applied, for the request log. */
  readonly ruleIds: readonly string[];
}

function isNonNegativeNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0;
}

/** Checks a rule that came from a caller (possibly over HTTP); throws SIM_BAD_REQUEST. */
export function validateFaultRule(rule: unknown): FaultRule {
  if (typeof rule !== "object" || rule === null)
    throw simError("SIM_BAD_REQUEST", "a fault rule must be an object");
  const r = rule as Record<string, unknown>;
  const problems: string[] = [];
  if (r.endpoint !== "*" && !isEndpointId(r.endpoint))
    problems.push(`endpoint: expected "*" or an endpoint name`);
  if (r.latencyMs !== undefined && !isNonNegativeNumber(r.latencyMs))
    problems.push("latencyMs: expected milliseconds ≥ 0");
  if (r.status !== undefined && !(FAULT_STATUSES as readonly unknown[]).includes(r.status))
    problems.push(`status: expected one of ${FAULT_STATUSES.join(", ")}`);
  if (r.drop !== undefined && r.drop !== "before" && r.drop !== "after")
    problems.push(`drop: expected "before" or "after"`);
  if (r.status !== undefined && r.drop !== undefined) problems.push("status and drop are exclusive");
  if (r.rate !== undefined && !(isNonNegativeNumber(r.rate) && r.rate <= 1))
    problems.push("rate: expected a probability from 0 to 1");
  if (r.times !== undefined && !(Number.isSafeInteger(r.times) && (r.times as number) >= 1))
    problems.push("times: expected an integer ≥ 1");
  if (
    r.retryAfterSeconds !== undefined &&
    !(Number.isSafeInteger(r.retryAfterSeconds) && (r.retryAfterSeconds as number) >= 0)
  )
    problems.push("retryAfterSeconds: expected an integer ≥ 0");
  if (r.latencyMs === undefined && r.status === undefined && r.drop === undefined)
    problems.push("a rule needs latencyMs, status or drop");
  if (problems.length > 0)
    throw simError("SIM_BAD_REQUEST", `invalid fault rule: ${problems.join("; ")}`, { problems });
  return r as unknown as FaultRule;
}

export class FaultInjector {
  private rules: { rule: FaultRule; id: string; hits: number; remaining: number }[] = [];

  constructor(private readonly random: () => number) {}

  add(rule: FaultRule): string {
    const valid = validateFaultRule(rule);
    const id = randomUUID();
    this.rules.push({ rule: valid, id, hits: 0, remaining: valid.times ?? Infinity });
    return id;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): InstalledFault[] {
    return this.rules.map((r) => ({ ...r.rule, id: r.id, hits: r.hits }));
  }

  /** Rolls every matching rule once for this request. Latencies add up; the first status/drop wins. */
  decide(endpoint: EndpointId): FaultDecision {
    let latencyMs = 0;
    let status: FaultStatus | undefined;
    let drop: "before" | "after" | undefined;
    let retryAfterSeconds = 1;
    const ruleIds: string[] = [];
    for (const entry of this.rules) {
      const { rule } = entry;
      if (rule.endpoint !== "*" && rule.endpoint !== endpoint) continue;
      if (rule.status !== undefined || rule.drop !== undefined) {
        if (status !== undefined || drop !== undefined) continue;
      }
      if (this.random() >= (rule.rate ?? 1)) continue;
      entry.hits += 1;
      entry.remaining -= 1;
      ruleIds.push(entry.id);
      latencyMs += rule.latencyMs ?? 0;
      if (rule.status !== undefined) {
        status = rule.status;
        retryAfterSeconds = rule.retryAfterSeconds ?? 1;
      }
      if (rule.drop !== undefined) drop = rule.drop;
    }
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return {
      latencyMs,
      ruleIds,
      retryAfterSeconds,
      ...(status === undefined ? {} : { status }),
      ...(drop === undefined ? {} : { drop }),
    };
  }
}
