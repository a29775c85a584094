import { localDayOf } from "../../agent/report/local-day.js";
import type { Money } from "../../lib/money.js";
import type { HealthSale } from "../../lib/mqtt-contract/index.js";
import type { FleetStore } from "../store/fleet-store.js";
import type { SaleRecord } from "../store/sales.js";
import type { TillRecord } from "../store/tills.js";

/**
 * One computation of what the page, the JSON API, /metrics and the alert rules show about each
 * till: whether it is online and since when, its condition from its last health message, its
 * captured sales today and its last failure. "Today" is the service machine's local day (its TZ).
 */
type TillStatus = "online" | "offline" | "unknown";

export interface TillView {
  readonly tillId: string;
  readonly status: TillStatus;
  /** ms; when this service saw the status change. */
  readonly statusSince: number;
  /** False when learnt from a retained message: the change happened earlier. */
  readonly statusSinceExact: boolean;
  readonly lastSeen?: number;
  readonly version?: string;
  /** From the last health message: register, printer, vipps, display, gpio, mqtt. */
  readonly links: Readonly<Record<string, string>>;
  /** Online and its last health message lists reasons. */
  readonly degraded: boolean;
  readonly degradedReasons: readonly string[];
  readonly degradedSince?: number;
  /** Only while online: an offline till's last sale in progress is history. */
  readonly currentSale?: HealthSale;
  readonly healthAt?: number;
  readonly today: { readonly sales: number; readonly captured: readonly Money[] };
  readonly lastFailure?: SaleRecord;
}

export interface FleetTotals {
  readonly tills: number;
  readonly online: number;
  readonly offline: number;
  readonly unknown: number;
  readonly degraded: number;
  readonly salesToday: number;
  readonly capturedToday: readonly Money[];
}

function view(record: TillRecord, today: TillView["today"], lastFailure: SaleRecord | undefined): TillView {
  const health = record.health;
  const online = record.status === "online";
  const reasons = health?.degraded ?? [];
  const degraded = online && reasons.length > 0;
  return {
    tillId: record.tillId,
    status: record.status,
    statusSince: record.statusSince,
    statusSinceExact: record.statusSinceExact,
    ...(record.lastSeen === undefined ? {} : { lastSeen: record.lastSeen }),
    ...(health?.version === undefined ? {} : { version: health.version }),
    links: health?.links ?? {},
    degraded,
    degradedReasons: online ? reasons : [],
    ...(degraded && record.degradedSince !== undefined ? { degradedSince: record.degradedSince } : {}),
    ...(online && health?.currentSale !== undefined ? { currentSale: health.currentSale } : {}),
    ...(record.healthAt === undefined ? {} : { healthAt: record.healthAt }),
    today,
    ...(lastFailure === undefined ? {} : { lastFailure }),
  };
}

/** Adds amounts per currency, in a stable order. */
function sumByCurrency(amounts: readonly Money[]): Money[] {
  const sums = new Map<Money["currency"], number>();
  for (const a of amounts) sums.set(a.currency, (sums.get(a.currency) ?? 0) + a.value);
  return [...sums.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, value]) => ({ currency, value }));
}

export function fleetViews(store: FleetStore, now: number): TillView[] {
  const day = localDayOf(now);
  const captured = store.sales.captured(day.from, day.to);
  const failures = new Map(store.sales.lastFailures().map((f) => [f.tillId, f]));
  return store.tills.all().map((record) => {
    const mine = captured.filter((c) => c.tillId === record.tillId);
    const today = {
      sales: mine.reduce((n, c) => n + c.sales, 0),
      captured: mine.map((c) => ({ currency: c.currency, value: c.value })),
    };
    return view(record, today, failures.get(record.tillId));
  });
}

export function fleetTotals(tills: readonly TillView[]): FleetTotals {
  const count = (status: TillStatus): number => tills.filter((t) => t.status === status).length;
  return {
    tills: tills.length,
    online: count("online"),
    offline: count("offline"),
    unknown: count("unknown"),
    degraded: tills.filter((t) => t.degraded).length,
    salesToday: tills.reduce((n, t) => n + t.today.sales, 0),
    capturedToday: sumByCurrency(tills.flatMap((t) => t.today.captured)),
  };
}
