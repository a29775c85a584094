import { terminalSafeValue } from "../../lib/terminal-text.js";
import type { CheckResult, CheckStatus } from "./check.js";

const MARKS: Readonly<Record<CheckStatus, string>> = { ok: "✓", warn: "!", fail: "✗", skip: "-" };

export interface DoctorReport {
  /** No check failed (warnings and skips allowed). */
  readonly healthy: boolean;
  readonly checks: readonly CheckResult[];
}

export function doctorReport(checks: readonly CheckResult[]): DoctorReport {
  return { healthy: checks.every((c) => c.status !== "fail"), checks };
}

/** One line per check with its mark, and the fix under every warning and failure. */
export function renderDoctor(doctorReport: DoctorReport): string {
  // Details quote what the checks met: the register's hello id, the broker's retained status,
  // Vipps' and the devices' error texts.
  const report = terminalSafeValue(doctorReport);
  const width = Math.max(...report.checks.map((c) => c.title.length));
  const lines: string[] = [];
  for (const check of report.checks) {
    lines.push(`${MARKS[check.status]} ${check.title.padEnd(width)}  ${check.detail}`);
    if (
      check.hint !== undefined &&
      check.hint !== "" &&
      (check.status === "fail" || check.status === "warn")
    ) {
      lines.push(`  ${" ".repeat(width)}  → ${check.hint}`);
    }
  }
  const count = (status: CheckStatus): number => report.checks.filter((c) => c.status === status).length;
  lines.push(
    "",
    `${report.healthy ? "healthy" : "NOT healthy"}: ${count("ok")} ok, ${count("warn")} warning(s), ${count("fail")} failed, ${count("skip")} skipped`,
  );
  return `${lines.join("\n")}\n`;
}
