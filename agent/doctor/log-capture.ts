import { createLogger, type Logger } from "../../lib/log.js";

export interface LoggedProblem {
  readonly msg: string;
  readonly why: string;
}

/**
 * A logger that keeps every warning a driver logs with its `err` (or `reason`), so a check can
 * say why a device would not open ("Permission denied", "Cannot lock port") instead of only
 * "no answer".
 */
export function problemCapturingLogger(): { logger: Logger; problems: () => LoggedProblem[] } {
  const problems: LoggedProblem[] = [];
  const logger = createLogger({
    level: "warn",
    destination: {
      write(line: string) {
        try {
          const entry = JSON.parse(line) as { msg?: unknown; err?: unknown; reason?: unknown };
          const why = entry.err ?? entry.reason;
          if (typeof why === "string" && !problems.some((p) => p.why === why))
            problems.push({ msg: typeof entry.msg === "string" ? entry.msg : "", why });
        } catch {
          // Not a JSON line: nothing to learn.
        }
      },
    },
  });
  return { logger, problems: () => [...problems] };
}
