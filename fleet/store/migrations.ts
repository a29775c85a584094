import { migrate, type Db, type Migration } from "../../agent/store/database.js";

/**
 * The fleet service's tables (namespace `fleet`); never renumber a released migration.
 * Times are milliseconds since the epoch; amounts integer minor units. Nothing personal is
 * stored: no customer token, phone number, name or webhook body ever reaches these tables.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE fleet_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE fleet_tills (
        till_id TEXT PRIMARY KEY,
        status TEXT NOT NULL,                 -- online | offline | unknown
        status_since INTEGER NOT NULL,        -- when this service saw the status change
        status_since_exact INTEGER NOT NULL,  -- 0: learnt from a retained message, so it changed earlier
        last_seen INTEGER,                    -- the till's last own message (not its Last Will)
        health TEXT,                          -- the last health message, validated, known fields only
        health_at INTEGER,
        degraded_since INTEGER                -- null while its health reports nothing degraded
      );
      CREATE TABLE fleet_sales (
        event_id TEXT PRIMARY KEY,            -- the till's eventId: at-least-once delivery de-duplicates here
        till_id TEXT NOT NULL,
        type TEXT NOT NULL,
        sale_id TEXT NOT NULL,
        reference TEXT,
        currency TEXT NOT NULL CHECK (currency IN ('NOK', 'DKK', 'EUR')),
        amount INTEGER NOT NULL CHECK (amount >= 0),
        occurred_at INTEGER NOT NULL,         -- the till's time of the event
        received_at INTEGER NOT NULL,
        receipt_number TEXT,
        reason TEXT
      );
      CREATE INDEX fleet_sales_till_time ON fleet_sales (till_id, occurred_at);
      CREATE INDEX fleet_sales_time ON fleet_sales (occurred_at);
      CREATE TABLE fleet_unrouted (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at INTEGER NOT NULL,
        event TEXT,                           -- the webhook's event name as the bridge routed it
        reason TEXT                           -- why no till claims it; never the body
      );
      CREATE TABLE fleet_alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL,                    -- kind:subject, e.g. till_offline:kasse1
        kind TEXT NOT NULL,
        till_id TEXT,
        since INTEGER NOT NULL,               -- when the condition began
        fired_at INTEGER NOT NULL,
        resolved_at INTEGER,
        summary TEXT NOT NULL,
        resolution TEXT
      );
      CREATE UNIQUE INDEX fleet_alerts_open ON fleet_alerts (key) WHERE resolved_at IS NULL;
      CREATE TABLE fleet_alert_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- delivery order
        alert_id INTEGER NOT NULL REFERENCES fleet_alerts (id),
        state TEXT NOT NULL,                    -- firing | resolved
        payload TEXT NOT NULL,                  -- the exact JSON POSTed, so a retry is identical
        attempts INTEGER NOT NULL DEFAULT 0,
        UNIQUE (alert_id, state)
      );
      CREATE TABLE fleet_sessions (
        id_hash TEXT PRIMARY KEY,             -- SHA-256 of the cookie value, never the value
        user TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
];

export function migrateFleetStore(db: Db): void {
  migrate(db, "fleet", MIGRATIONS);
}
