import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../lib/manual-clock.js";
import { capturedIo } from "./cli-io.js";
import { withProgress } from "./progress.js";

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("withProgress", () => {
  it("says nothing about work that takes less than a second", async () => {
    const clock = new ManualClock();
    const io = capturedIo({ isTTY: true });
    const work = deferred<number>();
    const result = withProgress(io, "asking Vipps", work.promise, { clock });
    clock.advance(999);
    work.resolve(42);
    expect(await result).toBe(42);
    expect(io.stderr).toBe("");
    expect(clock.pending).toBe(0);
  });

  it("prints one line for slow work when stderr is not a terminal", async () => {
    const clock = new ManualClock();
    const io = capturedIo({ isTTY: false });
    const work = deferred<string>();
    const result = withProgress(io, "connecting to the broker", work.promise, { clock });
    clock.advance(5_000);
    work.resolve("done");
    expect(await result).toBe("done");
    expect(io.stderr).toBe("connecting to the broker…\n");
    expect(io.stdout).toBe("");
  });

  it("spins on a terminal and erases its line afterwards, also when the work fails", async () => {
    const clock = new ManualClock();
    const io = capturedIo({ isTTY: true });
    const work = deferred<void>();
    const result = withProgress(io, "refunding", work.promise, { clock });
    clock.advance(1_000);
    clock.advance(250);
    work.reject(new Error("no"));
    await expect(result).rejects.toThrow("no");
    const frames = io.stderr.split("\r\u001b[K").filter((f) => f !== "");
    expect(frames).toEqual(["⠋ refunding…", "⠙ refunding…", "⠹ refunding…"]);
    expect(io.stderr.endsWith("\r\u001b[K")).toBe(true);
    expect(clock.pending).toBe(0);
  });
});
