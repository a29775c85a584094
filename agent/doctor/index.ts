import { execFile } from "node:child_process";
import { systemClock } from "../../lib/clock.js";
import { SYSFS_GPIO_ROOT } from "../../drivers/gpio/index.js";
import type { Check } from "./check.js";
import { DOCTOR_CHECKS } from "./checks.js";
import type { DoctorContext, DoctorEnvironment } from "./context.js";
import { doctorReport, type DoctorReport } from "./render.js";
import { runChecks, type RunOptions } from "./run-checks.js";

/**
 * `pos-agent doctor`: every check of a till with ✓ / ! / ✗ and a fix for each problem.
 *
 *   const report = await runDoctor(defaultEnvironment("/etc/pos-agent/pos-agent.yaml"));
 *   renderDoctor(report) → text;  report.healthy → exit code
 */
export type { Check, CheckResult } from "./check.js";
export type { DoctorContext, DoctorEnvironment } from "./context.js";
export { renderDoctor, type DoctorReport } from "./render.js";
export { type RunOptions } from "./run-checks.js";
export async function runDoctor(
  environment: DoctorEnvironment,
  options: RunOptions & { checks?: readonly Check<DoctorContext>[] } = {},
): Promise<DoctorReport> {
  const done = new AbortController();
  const context: DoctorContext = { ...environment, done: done.signal };
  try {
    return doctorReport(await runChecks(options.checks ?? DOCTOR_CHECKS, context, options));
  } finally {
    done.abort(new Error("doctor done"));
  }
}

/** The real machine. */
export function defaultEnvironment(configFile: string): DoctorEnvironment {
  return {
    configFile,
    env: process.env,
    clock: systemClock,
    timesyncFlag: "/run/systemd/timesync/synchronized",
    sysfsGpioRoot: SYSFS_GPIO_ROOT,
    cli: [process.execPath, process.argv[1] ?? ""],
    exec: (file, args, timeoutMs) =>
      new Promise((resolve) => {
        execFile(file, [...args], { timeout: timeoutMs, encoding: "utf8" }, (error, stdout) => {
          if (error !== null && typeof error.code !== "number") resolve({ error: error.message });
          else resolve({ code: error === null ? 0 : (error.code as number), stdout });
        });
      }),
  };
}
