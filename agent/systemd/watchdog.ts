import { systemClock, type Clock, type TimerHandle } from "../../lib/clock.js";
import { errorMessage } from "../../lib/errors.js";
import { silentLogger, type Logger } from "../../lib/log.js";
import type { SystemdNotifier } from "./notifier.js";

/**
 * The systemd watchdog (`WatchdogSec=` in the unit): systemd restarts the agent when no
 * `WATCHDOG=1` arrives within the interval. Pings go out every half interval, and only while
 * the agent's health predicate says so:
 *  - a blocked event loop cannot run the ping timer at all, so it is caught without help;
 *  - the predicate adds what a restart can cure — a wedged link, a stuck effect runner.
 *    It should NOT report outside outages (broker or Vipps down): restarting does not fix
 *    them, the agent serves degraded instead and says so in its status.
 * One unhealthy tick is tolerated (the next healthy tick pings in time); two in a row
 * let the interval lapse and systemd restarts the service.
 */

export interface HealthVerdict {
  readonly healthy: boolean;
  /** Why not, for the log (no secrets, tokens or phone numbers). */
  readonly reason?: string;
}

/** Called on every tick; a throw counts as unhealthy. */
type HealthPredicate = () => boolean | HealthVerdict;

export interface WatchdogOptions {
  notifier: Pick<SystemdNotifier, "watchdog">;
  healthy: HealthPredicate;
  /** Where `WATCHDOG_USEC` and `WATCHDOG_PID` are read; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  /** This process's pid (compared with `WATCHDOG_PID`); `process.pid` by default. */
  pid?: number;
  clock?: Clock;
  logger?: Logger;
}

export interface Watchdog {
  /** systemd's watchdog interval (ms), or undefined when the watchdog is off for this process. */
  readonly timeoutMs: number | undefined;
  /** Ping period (ms): half the interval. */
  readonly periodMs: number | undefined;
  readonly enabled: boolean;
  /** Pings now (if healthy), then every period. Idempotent; a no-op when disabled. */
  start(): void;
  stop(): void;
  /** Counters for `pos-agent status`: pings sent, ticks skipped as unhealthy, ticks that ran late. */
  readonly counters: { readonly pings: number; readonly skipped: number; readonly late: number };
}

/**
 * The watchdog interval for this process, as sd_watchdog_enabled(3) decides it:
 * `WATCHDOG_USEC` must be a positive integer, and `WATCHDOG_PID`, when set, must be ours
 * (a child that inherited the environment is not the one being watched).
 */
export function watchdogTimeoutMs(env: NodeJS.ProcessEnv, pid: number): number | undefined {
  const usec = env.WATCHDOG_USEC;
  if (usec === undefined || !/^[1-9]\d{0,15}$/.test(usec)) return undefined;
  const watched = env.WATCHDOG_PID;
  if (watched !== undefined && watched !== "" && watched !== String(pid)) return undefined;
  return Math.max(1, Math.floor(Number(usec) / 1000));
}

export function createWatchdog(options: WatchdogOptions): Watchdog {
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? silentLogger()).child({ module: "systemd" });
  const timeoutMs = watchdogTimeoutMs(options.env ?? process.env, options.pid ?? process.pid);
  const periodMs = timeoutMs === undefined ? undefined : Math.max(1, Math.floor(timeoutMs / 2));
  const counters = { pings: 0, skipped: 0, late: 0 };

  let timer: TimerHandle | undefined;
  let running = false;
  let dueAt = 0;
  let lastVerdict: HealthVerdict = { healthy: true };

  const check = (): HealthVerdict => {
    try {
      const verdict = options.healthy();
      return typeof verdict === "boolean" ? { healthy: verdict } : verdict;
    } catch (error) {
      return { healthy: false, reason: `health check threw: ${errorMessage(error)}` };
    }
  };

  const tick = (period: number): void => {
    timer = undefined;
    if (!running) return;
    const lagMs = clock.monotonic() - dueAt;
    // Half a period late means the event loop was blocked for that long: the next block of
    // that size gets the agent restarted. Worth a line in the journal.
    if (lagMs >= period / 2) {
      counters.late++;
      logger.warn(
        { lagMs: Math.round(lagMs), periodMs: period },
        "event loop was blocked: watchdog tick ran late",
      );
    }
    const verdict = check();
    if (verdict.healthy) {
      counters.pings++;
      void options.notifier.watchdog();
      if (!lastVerdict.healthy) logger.info("healthy again: watchdog pings resumed");
    } else {
      counters.skipped++;
      if (lastVerdict.healthy || lastVerdict.reason !== verdict.reason) {
        logger.warn(
          { reason: verdict.reason },
          "unhealthy: withholding watchdog pings, systemd restarts the agent if this persists",
        );
      }
    }
    lastVerdict = verdict;
    dueAt = clock.monotonic() + period;
    timer = clock.setTimeout(() => tick(period), period);
  };

  return {
    timeoutMs,
    periodMs,
    enabled: periodMs !== undefined,
    counters,
    start() {
      if (running || periodMs === undefined) return;
      running = true;
      dueAt = clock.monotonic();
      tick(periodMs);
    },
    stop() {
      running = false;
      clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
