import { describe, expect, it } from "vitest";
import { ManualClock } from "../../lib/manual-clock.js";
import { fail, ok, warn, type Check, type Outcome } from "./check.js";
import { doctorReport, renderDoctor } from "./render.js";
import { runChecks } from "./run-checks.js";

interface Log {
  events: string[];
}

function deferred(): { promise: Promise<Outcome>; resolve: (o: Outcome) => void } {
  let resolve: (o: Outcome) => void = () => undefined;
  const promise = new Promise<Outcome>((r) => (resolve = r));
  return { promise, resolve };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe("runChecks", () => {
  it("runs independent checks in parallel and a dependent one after what it needs", async () => {
    const log: Log = { events: [] };
    const a = deferred();
    const b = deferred();
    const checks: Check<Log>[] = [
      { id: "a", title: "a", timeoutMs: 5_000, run: (c) => (c.events.push("a started"), a.promise) },
      { id: "b", title: "b", timeoutMs: 5_000, run: (c) => (c.events.push("b started"), b.promise) },
      {
        id: "c",
        title: "c",
        needs: ["a", "b"],
        timeoutMs: 5_000,
        run: (c) => (c.events.push("c started"), ok("c fine")),
      },
    ];
    const done = runChecks(checks, log, { clock: new ManualClock() });
    await flush();
    expect(log.events).toEqual(["a started", "b started"]);
    b.resolve(warn("b so-so", "look at b"));
    await flush();
    expect(log.events).toEqual(["a started", "b started"]);
    a.resolve(ok("a fine"));
    const results = await done;
    expect(log.events).toEqual(["a started", "b started", "c started"]);
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ["a", "ok"],
      ["b", "warn"],
      ["c", "ok"],
    ]);
  });

  it("skips what needs a failed check, naming it", async () => {
    const results = await runChecks<Log>(
      [
        { id: "config", title: "config", timeoutMs: 1_000, run: () => fail("broken", "fix it") },
        { id: "vipps", title: "vipps token", needs: ["config"], timeoutMs: 1_000, run: () => ok("never") },
        { id: "qr", title: "till QR", needs: ["vipps"], timeoutMs: 1_000, run: () => ok("never") },
      ],
      { events: [] },
    );
    expect(results.map((r) => [r.status, r.detail])).toEqual([
      ["fail", "broken"],
      ["skip", "skipped: needs config"],
      ["skip", "skipped: needs vipps token"],
    ]);
  });

  it("fails a check that runs out of time, with its hint, and aborts it so it can clean up", async () => {
    const clock = new ManualClock();
    let signal: AbortSignal | undefined;
    const done = runChecks<Log>(
      [
        {
          id: "slow",
          title: "slow",
          timeoutMs: (ctx) => (ctx.events.length === 0 ? 2_500 : 1),
          timeoutHint: "is it plugged in?",
          run: (_c, s) => {
            signal = s;
            return new Promise<Outcome>(() => undefined);
          },
        },
      ],
      { events: [] },
      { clock },
    );
    await flush();
    expect(signal?.aborted).toBe(false);
    clock.advance(2_500);
    const [result] = await done;
    expect(result).toMatchObject({
      status: "fail",
      detail: "no answer within 2.5 s",
      hint: "is it plugged in?",
    });
    expect(signal?.aborted).toBe(true);
  });

  it("turns a throwing check into a failure and still runs the others", async () => {
    const results = await runChecks<Log>(
      [
        {
          id: "x",
          title: "x",
          timeoutMs: 1_000,
          run: () => {
            throw new Error("kaboom");
          },
        },
        { id: "y", title: "y", timeoutMs: 1_000, run: () => ok("fine") },
      ],
      { events: [] },
    );
    expect(results.map((r) => [r.status, r.detail])).toEqual([
      ["fail", "kaboom"],
      ["ok", "fine"],
    ]);
  });

  it("runs exclusive checks first and alone", async () => {
    const log: Log = { events: [] };
    const slow = deferred();
    const results = runChecks<Log>(
      [
        { id: "free", title: "free", timeoutMs: 1_000, run: (c) => (c.events.push("free"), ok("")) },
        {
          id: "alone",
          title: "alone",
          exclusive: true,
          timeoutMs: 1_000,
          run: (c) => {
            c.events.push("alone");
            return slow.promise;
          },
        },
      ],
      log,
    );
    await flush();
    expect(log.events).toEqual(["alone"]);
    slow.resolve(ok(""));
    await results;
    expect(log.events).toEqual(["alone", "free"]);
  });

  it("refuses a list that needs an unknown check", async () => {
    await expect(
      runChecks<Log>([{ id: "a", title: "a", needs: ["nope"], timeoutMs: 1, run: () => ok("") }], {
        events: [],
      }),
    ).rejects.toThrow("unknown check nope");
  });

  it("renders marks, hints under warnings and failures, and the verdict", () => {
    const report = doctorReport([
      { id: "config", title: "config", status: "ok", detail: "valid", durationMs: 1 },
      {
        id: "clock",
        title: "clock",
        status: "warn",
        detail: "cannot tell",
        hint: "check by hand",
        durationMs: 1,
      },
      {
        id: "printer",
        title: "printer",
        status: "fail",
        detail: "paper_out",
        hint: "new roll",
        durationMs: 1,
      },
      { id: "gpio", title: "gpio", status: "skip", detail: "disabled", hint: "never shown", durationMs: 1 },
    ]);
    expect(report.healthy).toBe(false);
    expect(renderDoctor(report)).toBe(
      [
        "✓ config   valid",
        "! clock    cannot tell",
        "           → check by hand",
        "✗ printer  paper_out",
        "           → new roll",
        "- gpio     disabled",
        "",
        "NOT healthy: 1 ok, 1 warning(s), 1 failed, 1 skipped",
        "",
      ].join("\n"),
    );
    expect(doctorReport(report.checks.filter((c) => c.status !== "fail")).healthy).toBe(true);
  });
});
