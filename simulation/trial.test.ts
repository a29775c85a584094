import { describe, expect, it } from "vitest";
import { runTrial } from "./trial.js";

describe("a simulation trial", () => {
  it("is a function of its seed: the same seed and trial give the same trace, byte for byte", async () => {
    // Trial 2 of seed 1 crashes, injects Vipps faults and captures (pspReferences in the trace).
    const first = await runTrial(1, 2);
    const again = await runTrial(1, 2);
    expect(first.trace.join("\n")).toContain("CRASH #1");
    expect(first.trace.join("\n")).toMatch(/vipps record: .* psp [0-9a-f-]{36}/);
    expect(again.trace.join("\n")).toBe(first.trace.join("\n"));
    expect(first.problems).toEqual([]);
    const other = await runTrial(2, 2);
    expect(other.trace.join("\n")).not.toBe(first.trace.join("\n"));
  });
});
