import type { TillView } from "../view/fleet-view.js";
import { ago, esc, money, moneyList, timeTag } from "./html.js";

/**
 * How one till's facts read on a page, shared by the fleet list and the till page, so a till
 * looks the same in both. Everything from the till is escaped.
 */
export function statusBadge(t: TillView): string {
  const state = t.degraded ? "degraded" : t.status;
  return `<span class="badge ${state}">${state}</span>`;
}

export function statusSince(t: TillView, now: number): string {
  // A status learnt from a retained message changed before this service saw it.
  return `<span class="muted">since ${t.statusSinceExact ? "" : "before "}${timeTag(t.statusSince, now)}</span>`;
}

export function lastSeen(t: TillView, now: number): string {
  return t.lastSeen === undefined
    ? "—"
    : `${timeTag(t.lastSeen, now)}<br><span class="muted">${esc(ago(t.lastSeen, now))}</span>`;
}

const GOOD = new Set(["up", "connected", "online", "ok", "none", "disabled"]);

export function links(t: TillView): string {
  const entries = Object.entries(t.links).filter(([name]) => name !== "mqtt");
  if (entries.length === 0) return "—";
  return `<span class="links">${entries
    .map(
      ([name, state]) =>
        `<span class="link${GOOD.has(state) ? "" : " bad"}">${esc(name)}: ${esc(state)}</span>`,
    )
    .join("")}</span>`;
}

export function printer(t: TillView): string {
  return esc(t.links.printer ?? "—");
}

export function degraded(t: TillView, now: number): string {
  if (!t.degraded) return "—";
  const since =
    t.degradedSince === undefined ? "" : `<span class="muted">since ${timeTag(t.degradedSince, now)}</span>`;
  return `<ul class="reasons">${t.degradedReasons.map((r) => `<li>${esc(r)}</li>`).join("")}</ul>${since}`;
}

export function currentSale(t: TillView): string {
  const sale = t.currentSale;
  if (sale === undefined) return "—";
  return `${esc(money(sale.amount))}<br><span class="muted">${esc(sale.state.replace(/_/g, " "))} · sale ${esc(sale.saleId)}</span>`;
}

export function today(t: TillView): string {
  return `${esc(moneyList(t.today.captured))}<br><span class="muted">${t.today.sales} sale${t.today.sales === 1 ? "" : "s"}</span>`;
}

export function lastFailure(t: TillView, now: number): string {
  const f = t.lastFailure;
  if (f === undefined) return "—";
  return `${esc(f.reason ?? "failed")}<br><span class="muted">${timeTag(f.occurredAt, now)} · ${esc(money(f.amount))}</span>`;
}
