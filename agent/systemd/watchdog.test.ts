import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Clock } from "../../lib/clock.js";
import { createLogger, type Logger } from "../../lib/log.js";
import { ManualClock } from "../../lib/manual-clock.js";
import { startNotifySocket, type NotifySocket } from "../../test/helpers/systemd-notify-socket.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { createSystemdNotifier } from "./notifier.js";
import { createWatchdog, watchdogTimeoutMs, type HealthVerdict } from "./watchdog.js";

function recordingNotifier(): { watchdog: () => Promise<boolean>; pings: number[]; clock: ManualClock } {
  const clock = new ManualClock(0);
  const pings: number[] = [];
  return {
    clock,
    pings,
    watchdog: () => {
      pings.push(clock.monotonic());
      return Promise.resolve(true);
    },
  };
}

function capturingLogger(): {
  logger: Logger;
  lines: () => { level: string; msg: string; reason?: string; lagMs?: number }[];
} {
  const raw: string[] = [];
  const logger = createLogger({
    level: "debug",
    destination: { write: (line: string) => void raw.push(line) },
  });
  return { logger, lines: () => raw.map((l) => JSON.parse(l) as { level: string; msg: string }) };
}

describe("watchdogTimeoutMs", () => {
  it.each([
    [{ WATCHDOG_USEC: "30000000" }, 1234, 30_000],
    [{ WATCHDOG_USEC: "30000000", WATCHDOG_PID: "1234" }, 1234, 30_000],
    [{ WATCHDOG_USEC: "30000000", WATCHDOG_PID: "" }, 1234, 30_000],
    [{ WATCHDOG_USEC: "500" }, 1, 1],
    [{ WATCHDOG_USEC: "1500" }, 1, 1],
  ])("%j for pid %d → %d ms", (env, pid, expected) => {
    expect(watchdogTimeoutMs(env, pid)).toBe(expected);
  });

  it.each<[NodeJS.ProcessEnv, string]>([
    [{}, "unset"],
    [{ WATCHDOG_USEC: "" }, "empty"],
    [{ WATCHDOG_USEC: "0" }, "zero"],
    [{ WATCHDOG_USEC: "-5" }, "negative"],
    [{ WATCHDOG_USEC: "3e7" }, "not an integer"],
    [{ WATCHDOG_USEC: "30000000 " }, "trailing space"],
    [{ WATCHDOG_USEC: "30000000", WATCHDOG_PID: "999" }, "meant for another process"],
  ])("is off when WATCHDOG_USEC is %j (%s)", (env) => {
    expect(watchdogTimeoutMs(env, 1234)).toBeUndefined();
  });
});

describe("watchdog scheduler", () => {
  it("pings at start and then every half interval while healthy", () => {
    const n = recordingNotifier();
    const dog = createWatchdog({
      notifier: n,
      healthy: () => true,
      env: { WATCHDOG_USEC: "10000000" },
      clock: n.clock,
    });
    expect(dog.enabled).toBe(true);
    expect(dog.timeoutMs).toBe(10_000);
    expect(dog.periodMs).toBe(5_000);
    dog.start();
    dog.start(); // idempotent
    expect(n.pings).toEqual([0]);
    n.clock.advance(4_999);
    expect(n.pings).toEqual([0]);
    n.clock.advance(1);
    expect(n.pings).toEqual([0, 5_000]);
    n.clock.advance(20_000);
    expect(n.pings).toEqual([0, 5_000, 10_000, 15_000, 20_000, 25_000]);
    expect(dog.counters).toEqual({ pings: 6, skipped: 0, late: 0 });
    dog.stop();
    n.clock.advance(60_000);
    expect(n.pings).toHaveLength(6);
    expect(n.clock.pending).toBe(0);
  });

  it("withholds pings while unhealthy and resumes when health returns", () => {
    const n = recordingNotifier();
    const log = capturingLogger();
    let verdict: boolean | HealthVerdict = true;
    const dog = createWatchdog({
      notifier: n,
      healthy: () => verdict,
      env: { WATCHDOG_USEC: "2000000" },
      clock: n.clock,
      logger: log.logger,
    });
    dog.start(); // t=0 ping
    verdict = { healthy: false, reason: "register link wedged" };
    n.clock.advance(3_000); // t=1000, 2000, 3000: skipped
    verdict = { healthy: false, reason: "effect runner stuck" };
    n.clock.advance(1_000); // t=4000: skipped, new reason logged
    verdict = true;
    n.clock.advance(2_000); // t=5000, 6000 ping
    expect(n.pings).toEqual([0, 5_000, 6_000]);
    expect(dog.counters).toEqual({ pings: 3, skipped: 4, late: 0 });

    const lines = log.lines();
    const warnings = lines.filter((l) => l.level === "warn");
    expect(warnings.map((w) => w.reason)).toEqual(["register link wedged", "effect runner stuck"]);
    expect(lines.filter((l) => l.level === "info").map((l) => l.msg)).toEqual([
      "healthy again: watchdog pings resumed",
    ]);
    dog.stop();
  });

  it("counts a throwing health check as unhealthy and keeps ticking", () => {
    const n = recordingNotifier();
    const log = capturingLogger();
    let fail = true;
    const dog = createWatchdog({
      notifier: n,
      healthy: () => {
        if (fail) throw new Error("boom");
        return true;
      },
      env: { WATCHDOG_USEC: "2000000" },
      clock: n.clock,
      logger: log.logger,
    });
    dog.start();
    n.clock.advance(1_000);
    fail = false;
    n.clock.advance(1_000);
    expect(n.pings).toEqual([2_000]);
    expect(log.lines().find((l) => l.level === "warn")?.reason).toBe("health check threw: boom");
    dog.stop();
  });

  it("does nothing when systemd has no watchdog for this process", () => {
    const n = recordingNotifier();
    const dog = createWatchdog({
      notifier: n,
      healthy: () => true,
      env: { WATCHDOG_USEC: "2000000", WATCHDOG_PID: "1" },
      pid: 2,
      clock: n.clock,
    });
    expect(dog.enabled).toBe(false);
    expect(dog.periodMs).toBeUndefined();
    dog.start();
    n.clock.advance(10_000);
    expect(n.pings).toEqual([]);
    expect(n.clock.pending).toBe(0);
    dog.stop();
  });

  it("reports a tick that ran late because the event loop was blocked", () => {
    const n = recordingNotifier();
    const log = capturingLogger();
    // Time seen by the scheduler jumps ahead of the timer queue, as when a synchronous task
    // held the event loop while the timer was due.
    let blockedMs = 0;
    const clock: Clock = {
      now: () => n.clock.now() + blockedMs,
      monotonic: () => n.clock.monotonic() + blockedMs,
      setTimeout: (cb, ms) => n.clock.setTimeout(cb, ms),
      clearTimeout: (h) => n.clock.clearTimeout(h),
    };
    const dog = createWatchdog({
      notifier: n,
      healthy: () => true,
      env: { WATCHDOG_USEC: "4000000" },
      clock,
      logger: log.logger,
    });
    dog.start();
    n.clock.advance(2_000); // on time
    blockedMs = 999;
    n.clock.advance(2_000); // 999 ms late: under half a period, not reported
    blockedMs = 999 + 1_500;
    n.clock.advance(2_000); // 1500 ms late: reported
    expect(dog.counters.late).toBe(1);
    const warning = log.lines().find((l) => l.level === "warn");
    expect(warning?.msg).toBe("event loop was blocked: watchdog tick ran late");
    expect(warning?.lagMs).toBe(1_500);
    dog.stop();
  });

  it("works with vitest fake timers and the system clock", async () => {
    vi.useFakeTimers();
    try {
      const pings: number[] = [];
      const dog = createWatchdog({
        notifier: { watchdog: () => Promise.resolve(pings.push(Date.now()) > 0) },
        healthy: () => true,
        env: { WATCHDOG_USEC: "1000000" },
      });
      dog.start();
      await vi.advanceTimersByTimeAsync(2_000);
      expect(pings).toHaveLength(5);
      dog.stop();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("watchdog end to end", () => {
  let dir: ReturnType<typeof tempDir>;
  let socket: NotifySocket;
  beforeEach(async () => {
    dir = tempDir("pos-agent-watchdog-");
    socket = await startNotifySocket(dir.path);
  });
  afterEach(async () => {
    await socket.close();
    dir.cleanup();
  });

  it("keeps a real notify socket fed with WATCHDOG=1", async () => {
    const env = {
      NOTIFY_SOCKET: socket.path,
      PATH: process.env.PATH,
      WATCHDOG_USEC: "400000",
      WATCHDOG_PID: String(process.pid),
    };
    const notifier = createSystemdNotifier({ env });
    const dog = createWatchdog({ notifier, healthy: () => true, env });
    dog.start();
    await vi.waitFor(() => expect(socket.notifications().length).toBeGreaterThanOrEqual(3), {
      timeout: 20_000,
      interval: 50,
    });
    dog.stop();
    await notifier.flush();
    expect(new Set(socket.notifications())).toEqual(new Set(["WATCHDOG=1"]));
    expect(dog.counters.pings).toBeGreaterThanOrEqual(3);
  });
});
