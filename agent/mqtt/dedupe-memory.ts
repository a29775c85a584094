import { lazyWriter, type Db } from "../store/database.js";
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
  private readonly insertAndPrune: (key: string, now: number) => void;
  private readonly lazily: <T>(write: () => T) => T;

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
    // The insert and the pruning of the oldest identity are one commit, not two.
    this.insertAndPrune = db.transaction((key: string, now: number) => {
      if (this.insertStmt.run(key, now).changes > 0) this.pruneStmt.run(this.capacity);
    });
    this.lazily = lazyWriter(db);
  }

  has(key: string): boolean {
    return this.hasStmt.get(key) !== undefined;
  }

  /**
   * Durable when it returns (synchronous=FULL), or inside the caller's transaction when one is
   * open (the journal's, so the event and its identity reach the disk together). `lazy`: for
   * an event whose loss in a power cut is harmless (see link.ts), committed without an fsync.
   */
  remember(key: string, now: number, commit: "durable" | "lazy" = "durable"): void {
    if (commit === "lazy") this.lazily(() => this.insertAndPrune(key, now));
    else this.insertAndPrune(key, now);
  }

  get size(): number {
    return this.countStmt.get()?.n ?? 0;
  }
}
