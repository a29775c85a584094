import { describe, expect, it } from "vitest";
import { InputQueue } from "./input-queue.js";

describe("InputQueue: one job at a time, in submission order", () => {
  it("runs a job at once when idle and returns its value", () => {
    const queue = new InputQueue();
    expect(queue.run(() => 42)).toBe(42);
    expect(queue.busy).toBe(false);
  });

  it("a job submitted from inside another waits until that one (and those before it) finished", async () => {
    const queue = new InputQueue();
    const log: string[] = [];
    let inner: number | Promise<number> | undefined;
    void queue.run(() => {
      log.push("outer start");
      void queue.run(() => log.push("first queued"));
      inner = queue.run(() => {
        log.push("second queued");
        return 7;
      });
      expect(queue.busy).toBe(true);
      log.push("outer end");
    });
    expect(log).toEqual(["outer start", "outer end", "first queued", "second queued"]);
    expect(inner).toBeInstanceOf(Promise);
    await expect(inner).resolves.toBe(7);
  });

  it("what a job throws goes to its own submitter; the jobs behind it still run", async () => {
    const queue = new InputQueue();
    expect(() =>
      queue.run(() => {
        throw new Error("disk full");
      }),
    ).toThrow("disk full");
    let queued: Promise<never> | undefined;
    let after = false;
    void queue.run(() => {
      queued = queue.run<never>(() => {
        throw new Error("later");
      });
      void queue.run(() => (after = true));
    });
    await expect(queued).rejects.toThrow("later");
    expect(after).toBe(true);
    expect(queue.run(() => "still serving")).toBe("still serving");
  });
});
