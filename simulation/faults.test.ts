import { describe, expect, it } from "vitest";
import { faultPlan, type FaultPlan } from "./faults.js";
import { Prng } from "./prng.js";

const plans = (n: number): FaultPlan[] => Array.from({ length: n }, (_, t) => faultPlan(new Prng(5, t)));
/** The plan without its draw function, for comparison. */
const data = (p: FaultPlan): Omit<FaultPlan, "vippsFault"> => {
  const { vippsFault: _, ...rest } = p;
  return rest;
};

describe("a trial's fault plan", () => {
  it("is a function of the seed: the same seed and trial give the same plan and the same draws", () => {
    const a = faultPlan(new Prng(5, 3));
    const b = faultPlan(new Prng(5, 3));
    expect(data(a)).toEqual(data(b));
    const pa = new Prng(11);
    const pb = new Prng(11);
    const fates = (plan: FaultPlan, p: Prng): string[] =>
      Array.from({ length: 200 }, () => plan.vippsFault(p));
    expect(fates(a, pa)).toEqual(fates(b, pb));
  });

  it("stays within its bounds: 1–4 sales, outages inside the first half of the scenario", () => {
    for (const p of plans(500)) {
      expect(p.sales).toBeGreaterThanOrEqual(1);
      expect(p.sales).toBeLessThanOrEqual(4);
      expect(p.scenarioMs).toBe(p.sales * 8 * 60_000);
      expect(p.restartMinMs).toBeLessThanOrEqual(p.restartMaxMs);
      for (const o of p.outages) {
        expect(o.atMs).toBeGreaterThanOrEqual(0);
        expect(o.atMs).toBeLessThanOrEqual(p.scenarioMs / 2);
        expect(o.ms).toBeGreaterThanOrEqual(1_000);
      }
    }
  });

  it("over many trials draws every kind of fault, and calm trials that have none", () => {
    const all = plans(500);
    const calm = all.filter((p) => p.crashRate === 0);
    expect(calm.length).toBeGreaterThan(10);
    for (const p of calm) {
      expect(p.maxCrashes).toBe(0);
      expect(p.outages).toEqual([]);
      expect(p.vippsFaultRate + p.webhookLoss + p.webhookDuplicate + p.webhookDelay).toBe(0);
      expect(p.vippsFault(new Prng(1))).toBe("none");
    }
    const kinds = new Set(all.flatMap((p) => p.outages.map((o) => o.kind)));
    expect([...kinds].sort()).toEqual(["broker down", "printer out of paper", "register unplugged"]);
    expect(all.some((p) => p.maxCrashes > 1 && p.crashRate >= 0.1)).toBe(true);
    expect(all.some((p) => p.webhookLoss > 0 && p.webhookDuplicate > 0 && p.webhookDelay > 0)).toBe(true);
    const faulty = all.find((p) => p.vippsFaultRate === 0.25);
    expect(faulty).toBeDefined();
    const prng = new Prng(2);
    const fates = new Set(Array.from({ length: 2_000 }, () => faulty?.vippsFault(prng)));
    expect([...fates].sort()).toEqual(["423", "429", "5xx", "lost", "none", "refused", "timeout"]);
  });
});
