import { PrometheusText, type Sample } from "../../lib/prometheus.js";
import { FLEET_REJECTIONS } from "../errors.js";
import type { ConsumerCounters } from "../ingest/consumer.js";
import { ALERT_KINDS, type AlertRecord } from "../store/alerts.js";
import type { WebhookCheckState } from "../alerts/webhook-state.js";
import { fleetTotals, type TillView } from "../view/fleet-view.js";

/**
 * The fleet service's /metrics (Prometheus text 0.0.4): the MSN's tills as this service sees
 * them. The bridge's webhook counters and publish latency are each bridge replica's own
 * /metrics (bridge/counters.ts): Prometheus scrapes every replica and sums (docs/fleet.md).
 */
export interface MetricsInput {
  readonly tills: readonly TillView[];
  readonly brokerConnected: boolean;
  readonly consumer: ConsumerCounters;
  readonly openAlerts: readonly AlertRecord[];
  readonly notificationsPending: number;
  readonly notificationsDelivered: number;
  readonly unroutedRecent: number;
  readonly webhookCheck?: WebhookCheckState;
  readonly webhookCheckFailures: number;
}

export function fleetMetrics(m: MetricsInput): string {
  const totals = fleetTotals(m.tills);
  const perTill = (value: (t: TillView) => number): Sample[] =>
    m.tills.map((t) => ({ labels: { till: t.tillId }, value: value(t) }));
  const text = new PrometheusText()
    .gauge("pos_fleet_tills", "Tills of the MSN by their retained status.", [
      { labels: { status: "online" }, value: totals.online },
      { labels: { status: "offline" }, value: totals.offline },
      { labels: { status: "unknown" }, value: totals.unknown },
    ])
    .gauge(
      "pos_fleet_tills_degraded",
      "Online tills whose last health message lists degraded reasons.",
      totals.degraded,
    )
    .gauge(
      "pos_fleet_till_online",
      "1 while the till's status is online.",
      perTill((t) => (t.status === "online" ? 1 : 0)),
    )
    .gauge(
      "pos_fleet_till_degraded",
      "1 while the till is online and degraded.",
      perTill((t) => (t.degraded ? 1 : 0)),
    )
    .gauge(
      "pos_fleet_captured_today_minor_units",
      "Captured today (the service's local day), minor units, per currency.",
      totals.capturedToday.map((c) => ({ labels: { currency: c.currency }, value: c.value })),
    )
    .gauge("pos_fleet_sales_today", "Captured sales today (the service's local day).", totals.salesToday)
    .gauge(
      "pos_fleet_broker_connected",
      "1 while this service's MQTT connection is up.",
      m.brokerConnected ? 1 : 0,
    )
    .counter(
      "pos_fleet_messages_total",
      "Broker messages stored since start, by kind.",
      Object.entries(m.consumer.received).map(([kind, value]) => ({ labels: { kind }, value })),
    )
    .counter(
      "pos_fleet_messages_rejected_total",
      "Broker messages dropped since start, by reason (their error code).",
      FLEET_REJECTIONS.map((reason) => ({ labels: { reason }, value: m.consumer.rejected[reason] })),
    )
    .gauge(
      "pos_fleet_unrouted_webhooks_recent",
      "Unrouted webhooks of the MSN within the unrouted alert's quiet window.",
      m.unroutedRecent,
    )
    .gauge(
      "pos_fleet_alerts_firing",
      "Open alerts by kind.",
      ALERT_KINDS.map((kind) => ({
        labels: { alert: kind },
        value: m.openAlerts.filter((a) => a.kind === kind).length,
      })),
    )
    .gauge(
      "pos_fleet_alert_notifications_pending",
      "Alert notifications not yet accepted by the alert webhook.",
      m.notificationsPending,
    )
    .counter(
      "pos_fleet_alert_notifications_delivered_total",
      "Alert notifications the alert webhook accepted since start.",
      m.notificationsDelivered,
    )
    .counter(
      "pos_fleet_webhook_checks_failed_total",
      "Looks at Vipps' Webhooks API that got no answer since start.",
      m.webhookCheckFailures,
    );
  if (m.webhookCheck?.registered !== undefined)
    text.gauge(
      "pos_fleet_checkin_webhook_registered",
      "1 while Vipps holds the MSN's user.checked-in.v1 registration (at the bridge's URL).",
      m.webhookCheck.registered ? 1 : 0,
    );
  return text.text();
}
