import type { ServerResponse } from "node:http";
import { readWebhookState } from "../alerts/webhook-state.js";
import { fleetTotals, fleetViews } from "../view/fleet-view.js";
import { filterAndSort, listQuery } from "../view/filter-sort.js";
import { alertJson, saleJson, tillJson, totalsJson } from "./api-json.js";
import type { WebContext } from "./context.js";
import { sendError, sendJson } from "./http.js";
import { fleetMetrics } from "./metrics.js";

/** The JSON API and /metrics, for an identified caller (server.ts checks first). */
const RECENT_SALES = 100;
const RECENT_ALERTS = 100;

/** GET /api/tills, /api/tills/<id>, /api/alerts; false for a path that is none of them. */
export function apiRoute(ctx: WebContext, url: URL, res: ServerResponse): boolean {
  const now = ctx.clock.now();
  const path = url.pathname;
  if (path === "/api/tills") {
    const all = fleetViews(ctx.store, now);
    sendJson(res, 200, {
      msn: ctx.settings.msn,
      generatedAt: new Date(now).toISOString(),
      totals: totalsJson(fleetTotals(all)),
      tills: filterAndSort(all, listQuery(url.searchParams)).map(tillJson),
    });
    return true;
  }
  const till = /^\/api\/tills\/([A-Za-z0-9]{2,20})$/.exec(path)?.[1];
  if (till !== undefined) {
    const view = fleetViews(ctx.store, now).find((t) => t.tillId === till);
    if (view === undefined)
      sendError(res, 404, "FLEET_NOT_FOUND", `no till ${till} has reported to this service`);
    else
      sendJson(res, 200, {
        ...tillJson(view),
        recentSales: ctx.store.sales.recent(till, RECENT_SALES).map(saleJson),
      });
    return true;
  }
  if (path === "/api/alerts") {
    const check = readWebhookState(ctx.store);
    sendJson(res, 200, {
      open: ctx.store.alerts.open().map(alertJson),
      recent: ctx.store.alerts.recent(RECENT_ALERTS).map(alertJson),
      webhookCheck:
        check === undefined
          ? null
          : {
              checkedAt: new Date(check.checkedAt).toISOString(),
              result: check.result,
              registered: check.registered ?? null,
              missingSince:
                check.missingSince === undefined ? null : new Date(check.missingSince).toISOString(),
              error: check.error ?? null,
            },
    });
    return true;
  }
  return false;
}

export function metricsRoute(ctx: WebContext, res: ServerResponse, contentType: string): void {
  const now = ctx.clock.now();
  const check = readWebhookState(ctx.store);
  const text = fleetMetrics({
    tills: fleetViews(ctx.store, now),
    brokerConnected: ctx.brokerConnected(),
    consumer: ctx.consumerCounters(),
    openAlerts: ctx.store.alerts.open(),
    notificationsPending: ctx.store.alerts.pendingNotifications(),
    notificationsDelivered: ctx.notificationsDelivered(),
    unroutedRecent: ctx.store.unrouted.since(now - ctx.settings.alerts.unroutedQuietSeconds * 1000).count,
    ...(check === undefined ? {} : { webhookCheck: check }),
    webhookCheckFailures: ctx.webhookCheckFailures(),
  });
  res.writeHead(200, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}
