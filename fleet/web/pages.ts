import type { ServerResponse } from "node:http";
import { readWebhookState } from "../alerts/webhook-state.js";
import { fleetTotals, fleetViews } from "../view/fleet-view.js";
import { filterAndSort, listQuery } from "../view/filter-sort.js";
import { alertsPage } from "./alerts-page.js";
import type { WebContext } from "./context.js";
import { fleetPage } from "./fleet-page.js";
import { clockTime, esc } from "./html.js";
import { sendHtml } from "./http.js";
import { tillPage } from "./till-page.js";

/** The HTML pages, for an identified user (server.ts checks first). */
const RECENT_SALES = 100;
const RECENT_ALERTS = 100;

export function fleetRoute(ctx: WebContext, url: URL, res: ServerResponse, user: string | undefined): void {
  const now = ctx.clock.now();
  const all = fleetViews(ctx.store, now);
  const html = fleetPage({
    msn: ctx.settings.msn,
    ...(user === undefined ? {} : { user }),
    now,
    totals: fleetTotals(all),
    tills: filterAndSort(all, listQuery(url.searchParams)),
    openAlerts: ctx.store.alerts.open(),
    query: listQuery(url.searchParams),
    refreshSeconds: ctx.settings.refreshSeconds,
  });
  sendHtml(res, 200, html);
}

/** False when there is no such till (the caller answers 404). */
export function tillRoute(
  ctx: WebContext,
  tillId: string,
  res: ServerResponse,
  user: string | undefined,
): boolean {
  const now = ctx.clock.now();
  const till = fleetViews(ctx.store, now).find((t) => t.tillId === tillId);
  if (till === undefined) return false;
  const uptime = ctx.store.tills.get(tillId)?.health?.uptimeSeconds;
  sendHtml(
    res,
    200,
    tillPage({
      msn: ctx.settings.msn,
      ...(user === undefined ? {} : { user }),
      now,
      till,
      sales: ctx.store.sales.recent(tillId, RECENT_SALES),
      ...(uptime === undefined ? {} : { uptimeSeconds: uptime }),
      refreshSeconds: ctx.settings.refreshSeconds,
    }),
  );
  return true;
}

export function alertsRoute(ctx: WebContext, res: ServerResponse, user: string | undefined): void {
  const now = ctx.clock.now();
  const state = readWebhookState(ctx.store);
  let check: string;
  if (ctx.settings.webhookCheck === undefined)
    check = "Not checked: set the VIPPS_* variables to have this service look it up (docs/fleet.md).";
  else if (state === undefined) check = "Not checked yet.";
  else {
    const verdict =
      state.registered === undefined
        ? "unknown"
        : state.registered
          ? "registered"
          : `<strong class="error">missing</strong>`;
    const failed = state.result === "failed" ? ` The last look failed (${esc(state.error ?? "error")}).` : "";
    check = `${verdict} — last looked at ${esc(clockTime(state.checkedAt, now))}.${failed}`;
  }
  sendHtml(
    res,
    200,
    alertsPage({
      msn: ctx.settings.msn,
      ...(user === undefined ? {} : { user }),
      now,
      alerts: ctx.store.alerts.recent(RECENT_ALERTS),
      webhookCheck: check,
      refreshSeconds: ctx.settings.refreshSeconds,
    }),
  );
}
