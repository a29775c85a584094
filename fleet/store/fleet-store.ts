import { openDatabase, statementCache, type Db } from "../../agent/store/database.js";
import { AgentError } from "../../lib/errors.js";
import type { FleetErrorCode } from "../errors.js";
import { AlertRepository } from "./alerts.js";
import { migrateFleetStore } from "./migrations.js";
import { SaleRepository } from "./sales.js";
import { SessionRepository } from "./sessions.js";
import { TillRepository } from "./tills.js";
import { UnroutedRepository } from "./unrouted.js";

/**
 * The fleet service's own SQLite store (the agent's settings: WAL, synchronous=FULL, 0600): what
 * it learnt from the broker, its alerts and their notifications, the browser sessions. Every
 * write finishes before the broker's PUBACK, so with the persistent MQTT session a restart or
 * a crash loses nothing.
 */
export class FleetStore {
  readonly tills: TillRepository;
  readonly sales: SaleRepository;
  readonly unrouted: UnroutedRepository;
  readonly alerts: AlertRepository;
  readonly sessions: SessionRepository;
  private readonly sql: ReturnType<typeof statementCache>;

  private constructor(readonly db: Db) {
    migrateFleetStore(db);
    this.sql = statementCache(db);
    this.tills = new TillRepository(db);
    this.sales = new SaleRepository(db);
    this.unrouted = new UnroutedRepository(db);
    this.alerts = new AlertRepository(db);
    this.sessions = new SessionRepository(db);
  }

  /** Opens (or creates) the store of `msn`. Throws FLEET_STORE_OTHER_MSN for another MSN's file. */
  static open(file: string, msn: string): FleetStore {
    const db = openDatabase(file);
    try {
      const store = new FleetStore(db);
      const stored = store.meta("msn");
      if (stored === undefined) store.setMeta("msn", msn);
      else if (stored !== msn)
        throw new AgentError<FleetErrorCode>(
          "FLEET_STORE_OTHER_MSN",
          `${file} holds the fleet of MSN ${stored}, not ${msn}`,
          {
            details: { file, storedMsn: stored, msn },
          },
        );
      return store;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  meta(key: string): string | undefined {
    return (this.sql("SELECT value FROM fleet_meta WHERE key = ?").get(key) as { value: string } | undefined)
      ?.value;
  }

  setMeta(key: string, value: string): void {
    this.sql(
      "INSERT INTO fleet_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ).run(key, value);
  }

  /** Runs `work` in one transaction (a message's writes are all or nothing). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /** For /healthz: the database answers. */
  alive(): boolean {
    try {
      this.sql("SELECT 1").get();
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.db.close();
  }
}
