/**
 * The building blocks of `pos-agent doctor`: a check looks at one thing and says ok, warn
 * (works, but look at it), fail (broken — with a one-line fix), or skip (not configured, or a
 * check it needs failed). Pure types.
 */
export type CheckStatus = "ok" | "warn" | "fail" | "skip";

export interface Outcome {
  readonly status: CheckStatus;
  /** What was found, one line. */
  readonly detail: string;
  /** How to fix it, one line; for warn and fail. */
  readonly hint?: string;
}

export interface CheckResult extends Outcome {
  readonly id: string;
  readonly title: string;
  readonly durationMs: number;
}

export interface Check<Context> {
  readonly id: string;
  /** Short, for the left column: "register", "vipps token". */
  readonly title: string;
  /** Checks whose outcome this one needs: it is skipped unless each is ok or warn. */
  readonly needs?: readonly string[];
  /**
   * Run alone, before everything else, synchronously: the journal check may act as another
   * user for a moment (agent/journal/journal-access.ts), and nothing else of this process
   * must be in flight then.
   */
  readonly exclusive?: boolean;
  /** Wall-clock bound, ms (from the context once the config is known); on expiry the check fails and its signal aborts so it cleans up. */
  readonly timeoutMs: number | ((context: Context) => number);
  /** The fix to suggest when the check ran out of time. */
  readonly timeoutHint?: string;
  run(context: Context, signal: AbortSignal): Promise<Outcome> | Outcome;
}

export const ok = (detail: string): Outcome => ({ status: "ok", detail });
export const warn = (detail: string, hint: string): Outcome => ({ status: "warn", detail, hint });
export const fail = (detail: string, hint: string): Outcome => ({ status: "fail", detail, hint });
export const skip = (detail: string): Outcome => ({ status: "skip", detail });
