import type { AlertRecord } from "../store/alerts.js";

/**
 * The JSON POSTed to FLEET_ALERT_WEBHOOK_URL (docs/fleet.md §Alerts). `text` makes it readable
 * by chat incoming webhooks (Slack, Mattermost, Rocket.Chat) as is; the other fields are for
 * programs. Receivers de-duplicate on `id` + `state`: delivery is at least once.
 */
export interface AlertPayload {
  readonly id: number;
  readonly alert: AlertRecord["kind"];
  readonly state: "firing" | "resolved";
  readonly msn: string;
  readonly tillId: string | null;
  readonly since: string;
  readonly firedAt: string;
  readonly resolvedAt: string | null;
  readonly summary: string;
  readonly text: string;
}

export function alertPayload(msn: string, alert: AlertRecord): string {
  const resolved = alert.resolvedAt !== undefined;
  const payload: AlertPayload = {
    id: alert.id,
    alert: alert.kind,
    state: resolved ? "resolved" : "firing",
    msn,
    tillId: alert.tillId ?? null,
    since: new Date(alert.since).toISOString(),
    firedAt: new Date(alert.firedAt).toISOString(),
    resolvedAt: alert.resolvedAt === undefined ? null : new Date(alert.resolvedAt).toISOString(),
    summary: resolved ? (alert.resolution ?? alert.summary) : alert.summary,
    text: resolved ? `RESOLVED: ${alert.resolution ?? alert.summary}` : `ALERT: ${alert.summary}`,
  };
  return JSON.stringify(payload);
}
