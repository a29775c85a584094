import { terminalSafeJson } from "./terminal-text.js";

/**
 * Plain-text formats for the technician's terminal (not the customer's: the display and the
 * receipts format per market). Integer arithmetic only.
 */

/**
 * `--json` output: the value as JSON with the control characters JSON leaves raw escaped
 * (lib/terminal-text.ts), so it is safe on a terminal and parses to exactly the same value.
 */
export function jsonOutput(value: unknown, indent?: number): string {
  return `${terminalSafeJson(JSON.stringify(value, null, indent))}\n`;
}

/** `NOK 1234.50` from minor units; every supported currency has two decimals. */
export function formatMoney(value: number, currency: string): string {
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(value);
  return `${sign}${currency} ${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** `2 h 05 min`, `3 min 20 s`, `12 s`, `4 d 3 h`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${String(m).padStart(2, "0")} min`;
  if (m > 0) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${s} s`;
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** `2026-03-02 10:05:00` in the machine's (the till's) local time zone. */
export function formatLocalTime(time: number | string): string {
  const d = new Date(time);
  if (Number.isNaN(d.getTime())) return String(time);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Left-aligned columns; the last column is not padded. */
export function table(rows: readonly (readonly string[])[], indent = "  "): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows
    .map((row) =>
      `${indent}${row.map((cell, i) => (i === row.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - [...cell].length))).join("  ")}`.trimEnd(),
    )
    .join("\n");
}
