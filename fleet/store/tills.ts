import type { Db, Statement } from "../../agent/store/database.js";
import { statementCache } from "../../agent/store/database.js";
import { healthMessageSchema, type HealthMessage } from "../../lib/mqtt-contract/index.js";

/** What the store knows about one till. */
export interface TillRecord {
  readonly tillId: string;
  readonly status: "online" | "offline" | "unknown";
  readonly statusSince: number;
  /** False when the status came from a retained message: it changed before this service saw it. */
  readonly statusSinceExact: boolean;
  readonly lastSeen?: number;
  readonly health?: HealthMessage;
  readonly healthAt?: number;
  readonly degradedSince?: number;
}

interface Row {
  till_id: string;
  status: string;
  status_since: number;
  status_since_exact: number;
  last_seen: number | null;
  health: string | null;
  health_at: number | null;
  degraded_since: number | null;
}

function record(row: Row): TillRecord {
  // Stored after validation; parsed again so a hand-edited row cannot reach the page unchecked.
  const health = row.health === null ? undefined : healthMessageSchema.safeParse(JSON.parse(row.health));
  return {
    tillId: row.till_id,
    status: row.status === "online" || row.status === "offline" ? row.status : "unknown",
    statusSince: row.status_since,
    statusSinceExact: row.status_since_exact === 1,
    ...(row.last_seen === null ? {} : { lastSeen: row.last_seen }),
    ...(health?.success === true ? { health: health.data } : {}),
    ...(row.health_at === null ? {} : { healthAt: row.health_at }),
    ...(row.degraded_since === null ? {} : { degradedSince: row.degraded_since }),
  };
}

/** The tills table: status from the retained status topic, the last health message, when last seen. */
export class TillRepository {
  private readonly sql: (text: string) => Statement;

  constructor(db: Db) {
    this.sql = statementCache(db);
  }

  private ensure(tillId: string, at: number): void {
    this.sql(
      "INSERT OR IGNORE INTO fleet_tills (till_id, status, status_since, status_since_exact) VALUES (?, 'unknown', ?, 0)",
    ).run(tillId, at);
  }

  /**
   * A status message. A retained one tells the state as it was when this service subscribed, so
   * its time is a bound, not the moment of the change; `offline` is also the broker's Last Will,
   * so only a live `online` counts as the till being seen. Returns whether the status changed.
   */
  status(tillId: string, status: "online" | "offline", at: number, retained: boolean): boolean {
    this.ensure(tillId, at);
    const changed = this.sql(
      "UPDATE fleet_tills SET status = ?, status_since = ?, status_since_exact = ? WHERE till_id = ? AND status <> ?",
    ).run(status, at, retained ? 0 : 1, tillId, status).changes;
    if (status === "online" && !retained) this.seen(tillId, at);
    return changed > 0;
  }

  /** A validated health message: kept whole; `degraded_since` starts with the first non-empty list. */
  health(message: HealthMessage, at: number): void {
    this.ensure(message.tillId, at);
    const degraded = (message.degraded ?? []).length > 0;
    this.sql(
      `UPDATE fleet_tills SET health = ?, health_at = ?, last_seen = ?,
         degraded_since = CASE WHEN ? THEN COALESCE(degraded_since, ?) ELSE NULL END
       WHERE till_id = ?`,
    ).run(JSON.stringify(message), at, at, degraded ? 1 : 0, at, message.tillId);
  }

  seen(tillId: string, at: number): void {
    this.ensure(tillId, at);
    this.sql("UPDATE fleet_tills SET last_seen = MAX(COALESCE(last_seen, 0), ?) WHERE till_id = ?").run(
      at,
      tillId,
    );
  }

  all(): TillRecord[] {
    return (this.sql("SELECT * FROM fleet_tills ORDER BY till_id").all() as Row[]).map(record);
  }

  get(tillId: string): TillRecord | undefined {
    const row = this.sql("SELECT * FROM fleet_tills WHERE till_id = ?").get(tillId) as Row | undefined;
    return row === undefined ? undefined : record(row);
  }
}
