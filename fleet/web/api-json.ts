import type { AlertRecord } from "../store/alerts.js";
import type { SaleRecord } from "../store/sales.js";
import type { FleetTotals, TillView } from "../view/fleet-view.js";

/**
 * The JSON API's shapes (docs/fleet.md §JSON API): the page's data as JSON, times ISO 8601 UTC,
 * amounts integer minor units with their currency. Never a token or a phone number: the store
 * holds none.
 */
const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export function saleJson(s: SaleRecord): Record<string, unknown> {
  return {
    eventId: s.eventId,
    type: s.type,
    saleId: s.saleId,
    reference: s.reference ?? null,
    amount: s.amount,
    occurredAt: iso(s.occurredAt),
    receivedAt: iso(s.receivedAt),
    receiptNumber: s.receiptNumber ?? null,
    reason: s.reason ?? null,
  };
}

export function tillJson(t: TillView): Record<string, unknown> {
  return {
    tillId: t.tillId,
    status: t.status,
    statusSince: iso(t.statusSince),
    statusSinceExact: t.statusSinceExact,
    lastSeen: iso(t.lastSeen),
    version: t.version ?? null,
    links: t.links,
    degraded: t.degraded,
    degradedReasons: t.degradedReasons,
    degradedSince: iso(t.degradedSince),
    currentSale: t.currentSale ?? null,
    healthAt: iso(t.healthAt),
    today: t.today,
    lastFailure: t.lastFailure === undefined ? null : saleJson(t.lastFailure),
  };
}

export function totalsJson(t: FleetTotals): Record<string, unknown> {
  return { ...t };
}

export function alertJson(a: AlertRecord): Record<string, unknown> {
  return {
    id: a.id,
    alert: a.kind,
    state: a.resolvedAt === undefined ? "firing" : "resolved",
    tillId: a.tillId ?? null,
    since: iso(a.since),
    firedAt: iso(a.firedAt),
    resolvedAt: iso(a.resolvedAt),
    summary: a.summary,
    resolution: a.resolution ?? null,
  };
}
