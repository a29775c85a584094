import { migrate, type Db, type Migration } from "../store/database.js";

/** The MQTT link's tables (namespace `mqtt-link`); never renumber a released migration. */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE mqtt_link_seen (
        key TEXT PRIMARY KEY,        -- sha256 of the event identity (no token stored)
        seen_at INTEGER NOT NULL     -- ms since the epoch
      );
      CREATE TABLE mqtt_link_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- publish order
        event_id TEXT NOT NULL UNIQUE,
        payload TEXT NOT NULL,                  -- the exact bytes published, so a re-send is identical
        queued_at INTEGER NOT NULL
      );
    `,
  },
];

export function migrateLinkStore(db: Db): void {
  migrate(db, "mqtt-link", MIGRATIONS);
}
