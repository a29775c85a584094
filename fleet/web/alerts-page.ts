import type { AlertRecord } from "../store/alerts.js";
import { esc, page, timeTag } from "./html.js";

/** The alerts, open and resolved, newest first. */
export function alertsPage(input: {
  readonly msn: string;
  readonly user?: string;
  readonly now: number;
  readonly alerts: readonly AlertRecord[];
  readonly webhookCheck: string;
  readonly refreshSeconds: number;
}): string {
  const { now } = input;
  const items = input.alerts
    .map((a) =>
      a.resolvedAt === undefined
        ? `<li>${esc(a.summary)} <span class="muted">fired ${timeTag(a.firedAt, now)}</span></li>`
        : `<li class="resolved">${esc(a.summary)}<br><span class="muted">fired ${timeTag(a.firedAt, now)}, resolved ${timeTag(a.resolvedAt, now)}: ${esc(a.resolution ?? "")}</span></li>`,
    )
    .join("");
  const body = `<h2>Alerts</h2>
${items === "" ? "<p>No alerts so far.</p>" : `<ul class="alerts">${items}</ul>`}
<h2>Check-in webhook at Vipps</h2>
<p>${input.webhookCheck}</p>`;
  return page({
    title: "Fleet — alerts",
    body,
    msn: input.msn,
    refreshSeconds: input.refreshSeconds,
    ...(input.user === undefined ? {} : { user: input.user }),
  });
}
