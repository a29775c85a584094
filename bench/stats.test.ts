import { expect, it } from "vitest";
import { percentile, round } from "./stats.js";

it("takes nearest-rank percentiles", () => {
  const sample = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
  expect(percentile(sample, 50)).toBe(5);
  expect(percentile(sample, 99)).toBe(10);
  expect(percentile(sample, 0)).toBe(1);
  expect(percentile([], 50)).toBeNaN();
  expect(round(1.23456)).toBe(1.23);
});
