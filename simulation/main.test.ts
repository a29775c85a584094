import { describe, expect, it } from "vitest";
import { REPO_ROOT, runCli } from "../test/helpers/cli.js";

/** The built runner, as CI starts it (`.ci/run`): build first. */
const SIMULATE = `${REPO_ROOT}dist/simulation/main.js`;

describe("npm run simulate", () => {
  it("shares trials over workers given as `--workers N` and ends with the command that runs them again", async () => {
    const run = await runCli(["--seed", "1", "--trials", "2", "--workers", "2"], {
      bin: SIMULATE,
      timeoutMs: 120_000,
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("simulate: seed 1, trials 0…1, 2 worker(s)");
    expect(run.stdout).toMatch(/ok: 2 trials \(seed 1, from 0\), .* trials\/s/);
    expect(run.stdout).not.toContain("time box");
    expect(run.stdout).toContain("run these trials again: npm run simulate -- --seed 1 --first 0 --trials 2");
  }, 130_000);

  it("says when its time box cut the run short, and prints a seed it drew at random", async () => {
    const run = await runCli(["--trials", "50", "--seconds", "0", "--workers=2"], {
      bin: SIMULATE,
      timeoutMs: 60_000,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/simulate: seed \d+ \(drawn at random\)/);
    expect(run.stdout).toContain("time box: --seconds 0 cut the run short: 0 of the 50 trials asked for ran");
  }, 70_000);
});
