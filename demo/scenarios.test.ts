import { describe, expect, it } from "vitest";
import { SCENARIOS, SCENARIO_NAMES, scenarioFor } from "./scenarios.js";

describe("demo scenarios", () => {
  it("mixed goes round every scenario, bridge-down included", () => {
    const names = Object.keys(SCENARIOS);
    const round = names.map((_, n) => scenarioFor("mixed", n).name);
    expect(new Set(round)).toEqual(new Set(SCENARIO_NAMES.filter((name) => name !== "mixed")));
    expect(round).toContain("bridge-down");
  });

  it("bridge-down stops the bridge around a sale paid by the customer", () => {
    expect(scenarioFor("bridge-down", 0)).toMatchObject({ bridgeDown: true, expect: { state: "captured" } });
  });
});
