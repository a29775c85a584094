import type { Db } from "../store/database.js";
import { migrateLinkStore } from "./link-migrations.js";

/**
 * The events this till already acted on, in SQLite so a restart does not forget them (Vipps
 * retries and overlapping registrations deliver duplicates, docs/vipps-api.md §5.2). Bounded: only the
 * most recent `capacity` identities are kept, oldest dropped first.
 */
export const DEFAULT_DEDUPE_CAPACITY = 10_000;

export class DedupeMemory {
  private readonly hasStmt;
  private readonly insertStmt;
  private readonly pruneStmt;
  private readonly countStmt;

  constructor(
    db: Db,
    private readonly capacity = DEFAULT_DEDUPE_CAPACITY,
  ) {
    migrateLinkStore(db);
    this.hasStmt = db.prepare<[string], { one: number }>("SELECT 1 AS one FROM mqtt_link_seen WHERE key = ?");
    this.insertStmt = db.prepare<[string, number]>(
      "INSERT OR IGNORE INTO mqtt_link_seen (key, seen_at) VALUES (?, ?)",
    );
    // rowids grow with each insert, so "older than the last `capacity`" is a rowid range.
    this.pruneStmt = db.prepare<[number]>(
      "DELETE FROM mqtt_link_seen WHERE rowid <= (SELECT MAX(rowid) FROM mqtt_link_seen) - ?",
    );
    this.countStmt = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM mqtt_link_seen");
  }

  has(key: string): boolean {
    return this.hasStmt.get(key) !== undefined;
  }

  /** Durable when it returns (synchronous=FULL). */
  remember(key: string, now: number): void {
    const result = this.insertStmt.run(key, now);
    if (result.changes > 0) this.pruneStmt.run(this.capacity);
  }

  get size(): number {
    return this.countStmt.get()?.n ?? 0;
  }
}
