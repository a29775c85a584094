import { systemClock, type Clock, type TimerHandle } from "../../lib/clock.js";
import { errorMessage } from "../../lib/errors.js";
import type { Check, CheckResult, Outcome } from "./check.js";

export interface RunOptions {
  readonly clock?: Clock;
  /** Called as each check finishes, in completion order. */
  readonly onResult?: (result: CheckResult) => void;
}

/**
 * Runs every check once: the exclusive ones first, one by one, then all others as soon as the
 * checks they need have finished — independent checks in parallel, each within its timeout. A
 * check that throws fails with the error's message. Results come back in the given order.
 */
export async function runChecks<Context>(
  checks: readonly Check<Context>[],
  context: Context,
  options: RunOptions = {},
): Promise<CheckResult[]> {
  const clock = options.clock ?? systemClock;
  const results = new Map<string, CheckResult>();
  const finish = (check: Check<Context>, outcome: Outcome, started: number): CheckResult => {
    const result: CheckResult = {
      id: check.id,
      title: check.title,
      ...outcome,
      durationMs: Math.round(clock.monotonic() - started),
    };
    results.set(check.id, result);
    options.onResult?.(result);
    return result;
  };
  const blocker = (check: Check<Context>): string | undefined =>
    (check.needs ?? []).find((id) => {
      const status = results.get(id)?.status;
      return status !== "ok" && status !== "warn";
    });

  const runOne = async (check: Check<Context>): Promise<void> => {
    const started = clock.monotonic();
    const blocked = blocker(check);
    if (blocked !== undefined) {
      finish(
        check,
        { status: "skip", detail: `skipped: needs ${results.get(blocked)?.title ?? blocked}` },
        started,
      );
      return;
    }
    const controller = new AbortController();
    const timeoutMs = typeof check.timeoutMs === "function" ? check.timeoutMs(context) : check.timeoutMs;
    let timer: TimerHandle | undefined;
    const timeout = new Promise<Outcome>((resolve) => {
      timer = clock.setTimeout(() => {
        resolve({
          status: "fail",
          detail: `no answer within ${Math.round(timeoutMs / 100) / 10} s`,
          hint: check.timeoutHint ?? "try again; if it persists, look at journalctl -u pos-agent -e",
        });
      }, timeoutMs);
    });
    const work = (async (): Promise<Outcome> => {
      try {
        return await check.run(context, controller.signal);
      } catch (error) {
        return {
          status: "fail",
          detail: errorMessage(error),
          hint: "an unexpected error; run again with LOG_LEVEL=debug",
        };
      }
    })();
    const outcome = await Promise.race([work, timeout]);
    clock.clearTimeout(timer);
    controller.abort(new Error("doctor: check finished"));
    finish(check, outcome, started);
  };

  const ids = new Set(checks.map((c) => c.id));
  for (const check of checks) {
    const unknown = (check.needs ?? []).find((id) => !ids.has(id));
    if (unknown !== undefined) throw new Error(`doctor: check ${check.id} needs an unknown check ${unknown}`);
  }

  for (const check of checks.filter((c) => c.exclusive === true)) await runOne(check);
  const pending = checks.filter((c) => c.exclusive !== true);
  const started = new Set<string>();
  let running = 0;
  await new Promise<void>((resolve) => {
    const startReady = (): void => {
      for (const check of pending) {
        if (started.has(check.id) || (check.needs ?? []).some((id) => !results.has(id))) continue;
        started.add(check.id);
        running++;
        void runOne(check).then(() => {
          running--;
          startReady();
        });
      }
      if (running === 0) {
        // Whatever could not start waits on a cycle: say so rather than hang.
        for (const check of pending)
          if (!results.has(check.id))
            finish(check, { status: "skip", detail: "skipped: its needs form a cycle" }, clock.monotonic());
        resolve();
      }
    };
    startReady();
  });
  return checks.map((check) => results.get(check.id) as CheckResult);
}
