import type { Db, Statement } from "../../agent/store/database.js";
import { statementCache } from "../../agent/store/database.js";

export const ALERT_KINDS = [
  "till_offline",
  "till_degraded",
  "unrouted_webhooks",
  "checkin_webhook_missing",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AlertRecord {
  readonly id: number;
  /** `kind:subject`: at most one open alert per key. */
  readonly key: string;
  readonly kind: AlertKind;
  readonly tillId?: string;
  /** When the condition began. */
  readonly since: number;
  readonly firedAt: number;
  readonly resolvedAt?: number;
  readonly summary: string;
  readonly resolution?: string;
}

export interface OutboxEntry {
  readonly seq: number;
  readonly alertId: number;
  readonly state: "firing" | "resolved";
  /** The exact JSON to POST. */
  readonly payload: string;
  readonly attempts: number;
}

interface Row {
  id: number;
  key: string;
  kind: AlertKind;
  till_id: string | null;
  since: number;
  fired_at: number;
  resolved_at: number | null;
  summary: string;
  resolution: string | null;
}

function record(row: Row): AlertRecord {
  return {
    id: row.id,
    key: row.key,
    kind: row.kind,
    ...(row.till_id === null ? {} : { tillId: row.till_id }),
    since: row.since,
    firedAt: row.fired_at,
    ...(row.resolved_at === null ? {} : { resolvedAt: row.resolved_at }),
    summary: row.summary,
    ...(row.resolution === null ? {} : { resolution: row.resolution }),
  };
}

/**
 * Alerts and their notifications. Firing or resolving an alert and queueing its notification
 * happen in one transaction, so a crash can neither notify twice nor forget to notify: the
 * notifier delivers the outbox in order and deletes an entry only after the receiver's 2xx.
 */
export class AlertRepository {
  private readonly sql: (text: string) => Statement;

  constructor(private readonly db: Db) {
    this.sql = statementCache(db);
  }

  open(): AlertRecord[] {
    return (
      this.sql("SELECT * FROM fleet_alerts WHERE resolved_at IS NULL ORDER BY fired_at, id").all() as Row[]
    ).map(record);
  }

  /** Newest first, open and resolved. */
  recent(limit: number): AlertRecord[] {
    return (
      this.sql("SELECT * FROM fleet_alerts ORDER BY fired_at DESC, id DESC LIMIT ?").all(limit) as Row[]
    ).map(record);
  }

  get(id: number): AlertRecord | undefined {
    const row = this.sql("SELECT * FROM fleet_alerts WHERE id = ?").get(id) as Row | undefined;
    return row === undefined ? undefined : record(row);
  }

  /** Opens an alert; `notification` (given the stored alert) is queued with it, unless undefined. */
  fire(
    alert: Omit<AlertRecord, "id" | "resolvedAt" | "resolution">,
    notification: ((stored: AlertRecord) => string) | undefined,
  ): AlertRecord {
    return this.db.transaction(() => {
      const { lastInsertRowid } = this.sql(
        "INSERT INTO fleet_alerts (key, kind, till_id, since, fired_at, summary) VALUES (?, ?, ?, ?, ?, ?)",
      ).run(alert.key, alert.kind, alert.tillId ?? null, alert.since, alert.firedAt, alert.summary);
      const stored = this.get(Number(lastInsertRowid));
      if (stored === undefined) throw new Error("alert vanished inside its own transaction");
      if (notification !== undefined) this.queue(stored.id, "firing", notification(stored));
      return stored;
    })();
  }

  resolve(
    id: number,
    at: number,
    resolution: string,
    notification: ((stored: AlertRecord) => string) | undefined,
  ): AlertRecord | undefined {
    return this.db.transaction(() => {
      const changed = this.sql(
        "UPDATE fleet_alerts SET resolved_at = ?, resolution = ? WHERE id = ? AND resolved_at IS NULL",
      ).run(at, resolution, id).changes;
      const stored = this.get(id);
      if (changed === 0 || stored === undefined) return undefined;
      if (notification !== undefined) this.queue(id, "resolved", notification(stored));
      return stored;
    })();
  }

  private queue(alertId: number, state: OutboxEntry["state"], payload: string): void {
    this.sql("INSERT OR IGNORE INTO fleet_alert_outbox (alert_id, state, payload) VALUES (?, ?, ?)").run(
      alertId,
      state,
      payload,
    );
  }

  /** The oldest notification not yet delivered. */
  nextNotification(): OutboxEntry | undefined {
    const row = this.sql(
      "SELECT seq, alert_id, state, payload, attempts FROM fleet_alert_outbox ORDER BY seq LIMIT 1",
    ).get() as
      | { seq: number; alert_id: number; state: OutboxEntry["state"]; payload: string; attempts: number }
      | undefined;
    return row === undefined
      ? undefined
      : {
          seq: row.seq,
          alertId: row.alert_id,
          state: row.state,
          payload: row.payload,
          attempts: row.attempts,
        };
  }

  delivered(seq: number): void {
    this.sql("DELETE FROM fleet_alert_outbox WHERE seq = ?").run(seq);
  }

  failed(seq: number): void {
    this.sql("UPDATE fleet_alert_outbox SET attempts = attempts + 1 WHERE seq = ?").run(seq);
  }

  pendingNotifications(): number {
    return (this.sql("SELECT COUNT(*) AS n FROM fleet_alert_outbox").get() as { n: number }).n;
  }

  /** Resolved alerts (with their notifications delivered) older than `before`. */
  prune(before: number): number {
    return this.sql(
      `DELETE FROM fleet_alerts WHERE resolved_at IS NOT NULL AND resolved_at < ?
         AND id NOT IN (SELECT alert_id FROM fleet_alert_outbox)`,
    ).run(before).changes;
  }
}
