import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { EXIT } from "../../agent/cli/exit-codes.js";

/** `npm start` is `pos-agent demo`: the built CLI, on embedded defaults, as a user runs it. */
describe("pos-agent demo", () => {
  it("--sales 2 --scenario mixed: every sale ends as its scenario expects, exit 0", async () => {
    const result = await runCli(["demo", "--sales", "2", "--scenario", "mixed"], { timeoutMs: 120_000 });
    expect(result.stdout).toContain("2 of 2 sale(s) ended as expected");
    expect(result.stdout).toMatch(/register: captured kr 86,50 .*final/);
    expect(result.stdout).toContain("receipt printed");
    expect(result.stdout).toContain("KVITTERING");
    expect(result.code).toBe(EXIT.OK);
  }, 130_000);

  it.each(["member", "enroll"])(
    "--loyalty %s shows the seed's sequence: identified member, member prices, paid",
    async (flow) => {
      const result = await runCli(["demo", "--sales", "1", "--loyalty", flow], { timeoutMs: 120_000 });
      expect(result.stdout).toMatch(/customer_identified kr 86,50 — member \S+/);
      expect(result.stdout).toContain("member prices: kr 77,85");
      expect(result.stdout).toMatch(/captured kr 77,85 — member \S+.*final/);
      expect(result.code).toBe(EXIT.OK);
    },
    130_000,
  );

  it("refuses a bad --sales", async () => {
    const result = await runCli(["demo", "--sales", "0"]);
    expect(result.code).toBe(EXIT.USAGE);
  });
});
