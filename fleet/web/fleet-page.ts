import type { AlertRecord } from "../store/alerts.js";
import type { FleetTotals, TillView } from "../view/fleet-view.js";
import { SORT_KEYS, STATE_FILTERS, type ListQuery, type SortKey } from "../view/filter-sort.js";
import { esc, moneyList, page, timeTag } from "./html.js";
import * as cell from "./till-cells.js";

/** The fleet at a glance: totals, open alerts, a filter and every till, one row (or card) each. */
export interface FleetPageInput {
  readonly msn: string;
  readonly user?: string;
  readonly now: number;
  readonly totals: FleetTotals;
  readonly tills: readonly TillView[];
  readonly openAlerts: readonly AlertRecord[];
  readonly query: ListQuery;
  readonly refreshSeconds: number;
}

const SORT_LABELS: Record<SortKey, string> = {
  till: "Till",
  status: "Status",
  lastSeen: "Last seen",
  sales: "Sales today",
  captured: "Captured today",
};

function link(query: ListQuery, changes: Partial<ListQuery>): string {
  const q = { ...query, ...changes };
  const params = new URLSearchParams();
  if (q.state !== "all") params.set("state", q.state);
  if (q.q !== "") params.set("q", q.q);
  params.set("sort", q.sort);
  params.set("order", q.order);
  return `/?${params.toString()}`;
}

function sortHeader(query: ListQuery, key: SortKey, className = ""): string {
  const active = query.sort === key;
  const order = active && query.order === "asc" ? "desc" : "asc";
  const arrow = active ? (query.order === "asc" ? " ▲" : " ▼") : "";
  return `<th${className === "" ? "" : ` class="${className}"`}><a href="${esc(link(query, { sort: key, order }))}">${SORT_LABELS[key]}${arrow}</a></th>`;
}

function card(value: string | number, label: string): string {
  return `<div class="card"><span class="n">${esc(value)}</span><span class="l">${esc(label)}</span></div>`;
}

function filterForm(query: ListQuery): string {
  const option = (value: string, label: string, selected: boolean): string =>
    `<option value="${esc(value)}"${selected ? " selected" : ""}>${esc(label)}</option>`;
  return `<form class="filter" method="get" action="/">
<label>Show<select name="state">${STATE_FILTERS.map((s) => option(s, s === "all" ? "all tills" : s, query.state === s)).join("")}</select></label>
<label>Till<input name="q" value="${esc(query.q)}" placeholder="e.g. kasse1" maxlength="20" pattern="[A-Za-z0-9]*"></label>
<label>Sort by<select name="sort">${SORT_KEYS.map((k) => option(k, SORT_LABELS[k], query.sort === k)).join("")}</select></label>
<label>Order<select name="order">${option("asc", "ascending", query.order === "asc")}${option("desc", "descending", query.order === "desc")}</select></label>
<button type="submit" class="primary">Apply</button>
</form>`;
}

function row(t: TillView, now: number): string {
  return `<tr id="till-${esc(t.tillId)}" data-status="${t.degraded ? "degraded" : t.status}">
<td data-label="Till"><a href="/tills/${esc(t.tillId)}"><strong>${esc(t.tillId)}</strong></a></td>
<td data-label="Status">${cell.statusBadge(t)}<br>${cell.statusSince(t, now)}</td>
<td data-label="Last seen">${cell.lastSeen(t, now)}</td>
<td data-label="Version">${esc(t.version ?? "—")}</td>
<td data-label="Links">${cell.links(t)}</td>
<td data-label="Degraded">${cell.degraded(t, now)}</td>
<td data-label="Sale in progress">${cell.currentSale(t)}</td>
<td data-label="Captured today" class="num">${cell.today(t)}</td>
<td data-label="Last failure">${cell.lastFailure(t, now)}</td>
</tr>`;
}

export function fleetPage(input: FleetPageInput): string {
  const { totals, now, query } = input;
  const alerts =
    input.openAlerts.length === 0
      ? ""
      : `<h2>Open alerts</h2><ul class="alerts">${input.openAlerts
          .map(
            (a) => `<li>${esc(a.summary)} <span class="muted">fired ${timeTag(a.firedAt, now)}</span></li>`,
          )
          .join("")}</ul>`;
  const rows =
    input.tills.length === 0
      ? `<tr><td colspan="9">No till matches${totals.tills === 0 ? ": none has reported yet" : ""}.</td></tr>`
      : input.tills.map((t) => row(t, now)).join("\n");
  const body = `<div class="cards">
${card(`${totals.online}/${totals.tills}`, "online")}
${card(totals.offline, "offline")}
${card(totals.degraded, "degraded")}
${card(totals.salesToday, "sales today")}
${card(moneyList(totals.capturedToday), "captured today")}
</div>
${alerts}
${filterForm(query)}
<table class="tills cards-on-phone">
<thead><tr>${sortHeader(query, "till")}${sortHeader(query, "status")}${sortHeader(query, "lastSeen")}<th>Version</th><th>Links</th><th>Degraded</th><th>Sale in progress</th>${sortHeader(query, "captured", "num")}<th>Last failure</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="muted">Updated ${timeTag(now, now)}${input.refreshSeconds > 0 ? `; this page reloads every ${input.refreshSeconds} s` : ""}. Times are this service's local time.</p>`;
  return page({
    title: `Fleet — ${totals.offline > 0 ? `${totals.offline} offline` : `${totals.online}/${totals.tills} online`}`,
    body,
    msn: input.msn,
    refreshSeconds: input.refreshSeconds,
    ...(input.user === undefined ? {} : { user: input.user }),
  });
}
