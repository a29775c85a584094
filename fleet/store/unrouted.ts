import type { Db, Statement } from "../../agent/store/database.js";
import { statementCache } from "../../agent/store/database.js";

/** Webhooks the bridge could not route, as seen on the MSN's `_unrouted` topic: when, which event, why. */
export interface UnroutedRecord {
  readonly receivedAt: number;
  readonly event?: string;
  readonly reason?: string;
}

export class UnroutedRepository {
  private readonly sql: (text: string) => Statement;

  constructor(db: Db) {
    this.sql = statementCache(db);
  }

  add(record: UnroutedRecord): void {
    this.sql("INSERT INTO fleet_unrouted (received_at, event, reason) VALUES (?, ?, ?)").run(
      record.receivedAt,
      record.event ?? null,
      record.reason ?? null,
    );
  }

  /** How many arrived after `after` (exclusive: a window of the last n ms ends n ms after one), and the newest. */
  since(after: number): { count: number; latest?: UnroutedRecord } {
    const { n } = this.sql("SELECT COUNT(*) AS n FROM fleet_unrouted WHERE received_at > ?").get(after) as {
      n: number;
    };
    const row = this.sql(
      "SELECT received_at, event, reason FROM fleet_unrouted WHERE received_at > ? ORDER BY id DESC LIMIT 1",
    ).get(after) as { received_at: number; event: string | null; reason: string | null } | undefined;
    if (row === undefined) return { count: n };
    return {
      count: n,
      latest: {
        receivedAt: row.received_at,
        ...(row.event === null ? {} : { event: row.event }),
        ...(row.reason === null ? {} : { reason: row.reason }),
      },
    };
  }

  total(): number {
    return (this.sql("SELECT COUNT(*) AS n FROM fleet_unrouted").get() as { n: number }).n;
  }

  prune(before: number): number {
    return this.sql("DELETE FROM fleet_unrouted WHERE received_at < ?").run(before).changes;
  }
}
