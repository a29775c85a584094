import { lazyWriter, type Db } from "../store/database.js";
import { migrateLinkStore } from "./link-migrations.js";

/**
 * Sale events waiting for the broker's PUBACK (publishes made while disconnected are
 * otherwise lost: mqtt.js keeps them only in memory). Written synchronously before `publishSaleEvent` returns;
 * a row is deleted only after its PUBACK; rows go out in insertion order. Not bounded on
 * purpose: these records are the merchant's sales; a till offline for a week holds a few
 * thousand small rows.
 */
export interface OutboxRow {
  readonly seq: number;
  readonly eventId: string;
  readonly payload: string;
}

export class SaleOutbox {
  private readonly addStmt;
  private readonly headStmt;
  private readonly removeStmt;
  private readonly countStmt;
  private readonly lazily: <T>(write: () => T) => T;

  constructor(db: Db) {
    migrateLinkStore(db);
    this.addStmt = db.prepare<[string, string, number]>(
      "INSERT OR IGNORE INTO mqtt_link_outbox (event_id, payload, queued_at) VALUES (?, ?, ?)",
    );
    this.headStmt = db.prepare<[], OutboxRow>(
      "SELECT seq, event_id AS eventId, payload FROM mqtt_link_outbox ORDER BY seq LIMIT 1",
    );
    this.removeStmt = db.prepare<[number]>("DELETE FROM mqtt_link_outbox WHERE seq = ?");
    this.countStmt = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM mqtt_link_outbox");
    this.lazily = lazyWriter(db);
  }

  /** False when an event with this id is already waiting (the call is then a no-op). */
  add(eventId: string, payload: string, now: number): boolean {
    return this.addStmt.run(eventId, payload, now).changes > 0;
  }

  head(): OutboxRow | undefined {
    return this.headStmt.get();
  }

  /**
   * After its PUBACK. Lazy: a power cut that loses the removal publishes the event once more,
   * with the same eventId, which the back office de-duplicates (docs/mqtt-contract.md).
   */
  remove(seq: number): void {
    this.lazily(() => this.removeStmt.run(seq));
  }

  get pending(): number {
    return this.countStmt.get()?.n ?? 0;
  }
}
