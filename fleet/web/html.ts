import { formatDuration } from "../../lib/terminal-format.js";
import { formatAmount } from "../../lib/locale/amount-format.js";
import type { Money } from "../../lib/money.js";

/**
 * HTML building blocks of the fleet's pages: every value that came from outside (a till's
 * degraded phrases, references, reasons) goes through `esc`, and the pages carry no script.
 */
export function esc(value: string | number): string {
  return String(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Amounts as an operator reads them in English: `NOK 1,234.50` (lib/locale/amount-format.ts). */
export function money(amount: Money): string {
  return formatAmount(amount, "en");
}

export function moneyList(amounts: readonly Money[]): string {
  return amounts.length === 0 ? "—" : amounts.map(money).join(" + ");
}

const pad = (n: number): string => String(n).padStart(2, "0");

/** `10:42:05` today, `2026-08-20 10:42` another day — the service machine's time zone. */
export function clockTime(ms: number, now: number): string {
  const d = new Date(ms);
  const today = new Date(now);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  if (d.toDateString() === today.toDateString()) return time;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time.slice(0, 5)}`;
}

/** `5 min 02 s ago`. */
export function ago(ms: number, now: number): string {
  return `${formatDuration((now - ms) / 1000)} ago`;
}

/** A `<time>` element: the local time shown, the exact instant in `datetime`. */
export function timeTag(ms: number, now: number): string {
  return `<time datetime="${new Date(ms).toISOString()}">${esc(clockTime(ms, now))}</time>`;
}

export interface PageOptions {
  readonly title: string;
  readonly body: string;
  /** Reload every n seconds (0 or absent: never) — live without a script. */
  readonly refreshSeconds?: number;
  /** The logged-in user, for the header; absent on the login page and for token users. */
  readonly user?: string;
  readonly msn?: string;
}

export function page(o: PageOptions): string {
  const refresh =
    o.refreshSeconds !== undefined && o.refreshSeconds > 0
      ? `<meta http-equiv="refresh" content="${o.refreshSeconds}">`
      : "";
  const nav =
    o.msn === undefined
      ? ""
      : `<nav><a href="/">Tills</a><a href="/alerts">Alerts</a>${
          o.user === undefined
            ? ""
            : `<form method="post" action="/logout"><button type="submit" title="Log out ${esc(o.user)}">Log out</button></form>`
        }</nav>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
${refresh}<title>${esc(o.title)}</title>
<link rel="stylesheet" href="/static/fleet.css">
</head>
<body>
<header><h1><a href="/">Vipps POS fleet</a>${o.msn === undefined ? "" : ` <span class="msn">MSN ${esc(o.msn)}</span>`}</h1>${nav}</header>
<main>
${o.body}
</main>
</body>
</html>
`;
}
