import { describe, expect, it } from "vitest";
import { sleep } from "./clock.js";
import { ManualClock } from "./manual-clock.js";

describe("ManualClock", () => {
  it("fires due timers in order and only when advanced", () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push("b"), 20);
    clock.setTimeout(() => fired.push("a"), 10);
    const c = clock.setTimeout(() => fired.push("c"), 15);
    clock.clearTimeout(c);
    clock.advance(9);
    expect(fired).toEqual([]);
    clock.advance(11);
    expect(fired).toEqual(["a", "b"]);
    expect(clock.now()).toBe(1020);
    expect(clock.pending).toBe(0);
  });

  it("fires timers scheduled by timers within the same advance", () => {
    const clock = new ManualClock(0);
    const at: number[] = [];
    clock.setTimeout(() => {
      at.push(clock.now());
      clock.setTimeout(() => at.push(clock.now()), 5);
    }, 5);
    clock.advance(10);
    expect(at).toEqual([5, 10]);
  });

  it("drives sleep and its abort", async () => {
    const clock = new ManualClock(0);
    const done = sleep(clock, 100);
    clock.advance(100);
    await expect(done).resolves.toBeUndefined();
    const controller = new AbortController();
    const aborted = sleep(clock, 100, controller.signal);
    controller.abort(new Error("stop"));
    await expect(aborted).rejects.toThrow("stop");
    expect(clock.pending).toBe(0);
  });
});
