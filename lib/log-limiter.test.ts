import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./log.js";
import { createLogLimiter } from "./log-limiter.js";
import { ManualClock } from "./manual-clock.js";

function captured() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString("utf8").split("\n"))
        if (text !== "") lines.push(JSON.parse(text) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: "trace", destination: stream }) };
}

/** pino writes asynchronously to a Writable: let it. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("createLogLimiter", () => {
  it("logs the first lines of a kind per window, then one line saying how many it left out", async () => {
    const clock = new ManualClock(0);
    const { lines, logger } = captured();
    const limiter = createLogLimiter(logger, { clock, windowMs: 10_000, burst: 3 });
    for (let i = 0; i < 1000; i++) limiter.log("info", { i }, "register link up");
    limiter.log("warn", {}, "peer unreachable");
    await settle();
    expect(lines.map((l) => [l.msg, l.i])).toEqual([
      ["register link up", 0],
      ["register link up", 1],
      ["register link up", 2],
      ["peer unreachable", undefined],
    ]);
    clock.advance(10_000);
    await settle();
    expect(lines.at(-1)).toMatchObject({
      level: "info",
      msg: "register link up: 997 more suppressed in 10 s",
      suppressed: 997,
      windowMs: 10_000,
    });
    // A new window: logged again from the first line.
    limiter.log("info", { i: 1000 }, "register link up");
    await settle();
    expect(lines.at(-1)).toMatchObject({ msg: "register link up", i: 1000 });
    expect(lines.filter((l) => l.msg === "peer unreachable: 0 more suppressed in 10 s")).toEqual([]);
  });

  it("reports at the most severe level it suppressed, and on close what is still counted", async () => {
    const clock = new ManualClock(0);
    const { lines, logger } = captured();
    const limiter = createLogLimiter(logger, { clock, windowMs: 10_000, burst: 1 });
    limiter.log("debug", {}, "refused a frame");
    limiter.log("debug", {}, "refused a frame");
    limiter.log("warn", {}, "refused a frame");
    clock.advance(5_000);
    limiter.close();
    await settle();
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ["debug", "refused a frame"],
      ["warn", "refused a frame: 2 more suppressed in 10 s"],
    ]);
    clock.advance(10_000);
    await settle();
    expect(lines).toHaveLength(2);
  });
});
