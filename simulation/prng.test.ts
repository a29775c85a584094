import { describe, expect, it } from "vitest";
import { Prng } from "./prng.js";

const draw = (p: Prng, n: number): number[] => Array.from({ length: n }, () => p.next());

describe("the simulation's PRNG", () => {
  it("replays the same sequence for the same seed and stream", () => {
    expect(draw(new Prng(42, 7), 1000)).toEqual(draw(new Prng(42, 7), 1000));
    expect(new Prng(42, 7).bytes(32)).toEqual(new Prng(42, 7).bytes(32));
  });

  it("gives another sequence for another seed or another trial (stream)", () => {
    const base = draw(new Prng(42, 7), 20);
    expect(draw(new Prng(43, 7), 20)).not.toEqual(base);
    expect(draw(new Prng(42, 8), 20)).not.toEqual(base);
  });

  it("draws floats in [0, 1) and integers in [min, max], reaching both ends", () => {
    const p = new Prng(1);
    const ints = new Set<number>();
    let low = 1;
    let high = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = p.next();
      low = Math.min(low, x);
      high = Math.max(high, x);
      ints.add(p.int(3, 6));
    }
    expect(low).toBeGreaterThanOrEqual(0);
    expect(high).toBeLessThan(1);
    expect([...ints].sort()).toEqual([3, 4, 5, 6]);
  });

  it("is not stuck or biased: the mean of many draws is near 1/2 and bytes cover 0…255", () => {
    const p = new Prng(9);
    const mean = draw(p, 100_000).reduce((a, b) => a + b, 0) / 100_000;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(new Set(p.bytes(20_000)).size).toBe(256);
  });

  it("refuses to pick from nothing", () => {
    expect(() => new Prng(1).pick([])).toThrow(/pick from nothing/);
  });
});
