import type { Prng } from "./prng.js";

type VippsFault = "none" | "5xx" | "429" | "423" | "timeout" | "lost" | "refused";

interface Outage {
  readonly kind: "broker down" | "register unplugged" | "printer out of paper";
  readonly atMs: number;
  readonly ms: number;
}

/**
 * A trial's faults, all drawn from its seed before it starts (rates), or as it runs from the
 * same generator (which point crashes, which request fails): one seed, one history.
 */
export interface FaultPlan {
  readonly sales: number;
  readonly scenarioMs: number;
  /** Probability that a crash point crashes the agent (until maxCrashes). */
  readonly crashRate: number;
  readonly maxCrashes: number;
  readonly restartMinMs: number;
  readonly restartMaxMs: number;
  readonly webhookLoss: number;
  readonly webhookDuplicate: number;
  readonly webhookDelay: number;
  readonly vippsFaultRate: number;
  readonly outages: readonly Outage[];
  /** Draws the fate of one Vipps request. */
  readonly vippsFault: (prng: Prng) => VippsFault;
}

const FAULTS: readonly VippsFault[] = ["5xx", "429", "423", "timeout", "lost", "refused"];

export function faultPlan(prng: Prng): FaultPlan {
  const calm = prng.chance(0.1);
  const sales = prng.int(1, 4);
  const scenarioMs = sales * 8 * 60_000;
  const vippsFaultRate = calm ? 0 : prng.pick([0, 0.02, 0.1, 0.25]);
  const outages: Outage[] = [];
  if (!calm)
    for (const kind of ["broker down", "register unplugged", "printer out of paper"] as const)
      if (prng.chance(0.3))
        outages.push({ kind, atMs: prng.int(0, scenarioMs / 2), ms: prng.int(1_000, 120_000) });
  return {
    sales,
    scenarioMs,
    crashRate: calm ? 0 : prng.pick([0.01, 0.03, 0.1]),
    maxCrashes: calm ? 0 : prng.int(1, 4),
    restartMinMs: 200,
    restartMaxMs: prng.pick([2_000, 20_000, 90_000]),
    webhookLoss: calm ? 0 : prng.pick([0, 0.05, 0.3]),
    webhookDuplicate: calm ? 0 : prng.pick([0, 0.1, 0.3]),
    webhookDelay: calm ? 0 : prng.pick([0, 0.2, 0.5]),
    vippsFaultRate,
    outages,
    vippsFault: (p) => (vippsFaultRate > 0 && p.chance(vippsFaultRate) ? p.pick(FAULTS) : "none"),
  };
}
