import type { Clock, TimerHandle } from "./clock.js";
import type { Logger } from "./log.js";

/**
 * Repeated log lines, limited. A link that flaps — a register answering every hello with a new
 * session, a device that opens and fails — can repeat the same event thousands of times a
 * second, burying everything else in the journal and wearing the SD card. Per kind of line
 * (its message), the first `burst` within a window are logged; the rest are only counted, and
 * when the window ends one line says how many were not logged ("…: 3,912 more suppressed").
 * Counters (e.g. `pos-agent status`) still count every event.
 */
type LimitedLevel = "trace" | "debug" | "info" | "warn" | "error";

export interface LogLimiterOptions {
  readonly clock: Clock;
  /** Length of a window, ms. Default 10,000. */
  readonly windowMs?: number;
  /** Lines of one kind logged per window. Default 5. */
  readonly burst?: number;
}

const RANK: Readonly<Record<LimitedLevel, number>> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

interface Window {
  logged: number;
  suppressed: number;
  /** The most severe level among the suppressed lines: the summary is logged at it. */
  level: LimitedLevel;
  timer: TimerHandle;
}

export interface LogLimiter {
  /** Logs the line unless its kind (`msg`) already filled this window. */
  log(level: LimitedLevel, fields: Record<string, unknown>, msg: string): void;
  /** Reports what is still suppressed and stops the timers (when the link stops). */
  close(): void;
}

export function createLogLimiter(logger: Logger, options: LogLimiterOptions): LogLimiter {
  const windowMs = options.windowMs ?? 10_000;
  const burst = options.burst ?? 5;
  const windows = new Map<string, Window>();

  const end = (msg: string): void => {
    const window = windows.get(msg);
    if (window === undefined) return;
    options.clock.clearTimeout(window.timer);
    windows.delete(msg);
    if (window.suppressed > 0)
      logger[window.level](
        { suppressed: window.suppressed, windowMs },
        `${msg}: ${window.suppressed} more suppressed in ${windowMs / 1000} s`,
      );
  };

  return {
    log(level, fields, msg) {
      const window = windows.get(msg);
      if (window === undefined) {
        windows.set(msg, {
          logged: 1,
          suppressed: 0,
          level,
          timer: options.clock.setTimeout(() => end(msg), windowMs),
        });
      } else if (window.logged < burst) {
        window.logged++;
      } else {
        window.suppressed++;
        if (RANK[level] > RANK[window.level]) window.level = level;
        return;
      }
      logger[level](fields, msg);
    },
    close() {
      for (const msg of [...windows.keys()]) end(msg);
    },
  };
}
