import type { CustomerBehaviour } from "../sim/vipps/index.js";

/**
 * What the simulated customer and cashier do in one demo sale, and how the sale must end for the
 * demo to count it as a success (`npm run demo -- --sales N` exits non-zero otherwise).
 */
export interface Scenario {
  readonly name: ScenarioName;
  readonly description: string;
  /** How the customer answers the payment request in the app. */
  readonly customer: CustomerBehaviour;
  /** The customer scans before the cashier presses pay. */
  readonly scanFirst?: boolean;
  /** The cashier cancels this long after the payment request reached the app. */
  readonly cashierCancelsAfterMs?: number;
  /** A 17-year-old customer buys beer (a line with minimumAge 18). */
  readonly underage?: boolean;
  /** Split tender: the customer pays about half in cash, the rest with Vipps (§7.14). */
  readonly partCash?: boolean;
  /**
   * The bridge stops before the sale: check-ins cannot reach the till, which pays by a per-sale QR
   * (`checkout.identification: auto`); the bridge starts again after it and the till's QR is back.
   */
  readonly bridgeDown?: boolean;
  /**
   * Hold now, capture later (docs/register-protocol.md §7.13): `pay` with hold; once held, the
   * register sends the final basket — the last line taken off — and captures it.
   */
  readonly hold?: boolean;
  /** Paid at another till, refunded at this one (§7.11): refund-elsewhere-sale.ts. */
  readonly boughtElsewhere?: boolean;
  readonly expect: {
    readonly state: "captured" | "failed" | "cancelled" | "refunded";
    readonly reason?: string;
    readonly member?: boolean;
  };
}

export const SCENARIO_NAMES = [
  "happy",
  "scan-first",
  "decline",
  "timeout",
  "cancel",
  "age",
  "split",
  "bridge-down",
  "hold",
  "refund-elsewhere",
  "mixed",
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

const APPROVE: CustomerBehaviour = { action: "approve", afterMs: 2_500 };

export const SCENARIOS: Readonly<Record<Exclude<ScenarioName, "mixed">, Scenario>> = {
  happy: {
    name: "happy",
    description: "the customer scans, approves in the app, pays",
    customer: APPROVE,
    expect: { state: "captured" },
  },
  "scan-first": {
    name: "scan-first",
    description: "the customer scans before the cashier asks for payment",
    customer: APPROVE,
    scanFirst: true,
    expect: { state: "captured" },
  },
  decline: {
    name: "decline",
    description: "the customer declines in the app",
    customer: { action: "decline", afterMs: 2_500 },
    expect: { state: "failed", reason: "ABORTED" },
  },
  timeout: {
    name: "timeout",
    description: "the customer never answers; Vipps expires the request",
    customer: { action: "ignore" },
    expect: { state: "failed", reason: "EXPIRED" },
  },
  cancel: {
    name: "cancel",
    description: "the cashier cancels while the customer is still deciding",
    customer: { action: "ignore" },
    cashierCancelsAfterMs: 3_000,
    expect: { state: "cancelled" },
  },
  age: {
    name: "age",
    description: "a 17-year-old buys beer: Vipps sends no request, the register hears AGE_NOT_VERIFIED",
    customer: APPROVE,
    underage: true,
    expect: { state: "failed", reason: "AGE_NOT_VERIFIED" },
  },
  split: {
    name: "split",
    description: "the customer pays about half in cash and the rest with Vipps (split tender)",
    customer: APPROVE,
    partCash: true,
    expect: { state: "captured" },
  },
  "bridge-down": {
    name: "bridge-down",
    description: "the cloud bridge stops: the customer pays by a QR made for this sale; the bridge returns",
    customer: APPROVE,
    bridgeDown: true,
    expect: { state: "captured" },
  },
  hold: {
    name: "hold",
    description:
      "hold now, capture later: the money is authorized, the final basket is smaller, only it is captured",
    customer: APPROVE,
    hold: true,
    expect: { state: "captured" },
  },
  "refund-elsewhere": {
    name: "refund-elsewhere",
    description: "a purchase paid at the next till is brought back and refunded here",
    customer: APPROVE,
    boughtElsewhere: true,
    expect: { state: "refunded" },
  },
};

/** The scenario of the n-th sale (0-based): `mixed` goes round all of them. */
export function scenarioFor(name: ScenarioName, n: number): Scenario {
  if (name !== "mixed") return SCENARIOS[name];
  const all = Object.values(SCENARIOS);
  return all[n % all.length] ?? SCENARIOS.happy;
}
