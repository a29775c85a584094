import type { TillView } from "./fleet-view.js";

/**
 * Filtering and sorting of the till list, the same for the page and the API (query string
 * `state`, `q`, `sort`, `order`). Unknown values fall back to the defaults: a hand-edited URL
 * shows the whole fleet rather than an error.
 */
export const STATE_FILTERS = ["all", "online", "offline", "degraded", "unknown"] as const;
type StateFilter = (typeof STATE_FILTERS)[number];
export const SORT_KEYS = ["till", "status", "lastSeen", "sales", "captured"] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface ListQuery {
  readonly state: StateFilter;
  /** Part of a till id, case-insensitive. */
  readonly q: string;
  readonly sort: SortKey;
  readonly order: "asc" | "desc";
}

export function listQuery(params: URLSearchParams): ListQuery {
  const pick = <T extends string>(values: readonly T[], value: string | null, fallback: T): T =>
    values.find((v) => v === value) ?? fallback;
  const q = (params.get("q") ?? "").trim();
  return {
    state: pick(STATE_FILTERS, params.get("state"), "all"),
    q: /^[A-Za-z0-9]{0,20}$/.test(q) ? q : "",
    sort: pick(SORT_KEYS, params.get("sort"), "status"),
    order: params.get("order") === "desc" ? "desc" : "asc",
  };
}

/** Offline first, then degraded, then unknown, then online: what needs a look comes first. */
function statusRank(t: TillView): number {
  if (t.status === "offline") return 0;
  if (t.degraded) return 1;
  if (t.status === "unknown") return 2;
  return 3;
}

const capturedValue = (t: TillView): number => t.today.captured.reduce((n, m) => n + m.value, 0);

function compare(key: SortKey, a: TillView, b: TillView): number {
  switch (key) {
    case "till":
      return a.tillId.localeCompare(b.tillId);
    case "status":
      return statusRank(a) - statusRank(b);
    case "lastSeen":
      return (a.lastSeen ?? 0) - (b.lastSeen ?? 0);
    case "sales":
      return a.today.sales - b.today.sales;
    case "captured":
      return capturedValue(a) - capturedValue(b);
  }
}

export function filterAndSort(tills: readonly TillView[], query: ListQuery): TillView[] {
  const needle = query.q.toLowerCase();
  const sign = query.order === "desc" ? -1 : 1;
  return tills
    .filter((t) => needle === "" || t.tillId.toLowerCase().includes(needle))
    .filter((t) => {
      switch (query.state) {
        case "all":
          return true;
        case "degraded":
          return t.degraded;
        case "online":
        case "offline":
        case "unknown":
          return t.status === query.state;
      }
    })
    .sort((a, b) => sign * compare(query.sort, a, b) || a.tillId.localeCompare(b.tillId));
}
