import Database from "better-sqlite3";
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

export type Db = Database.Database;
export type Statement = Database.Statement;

/**
 * Each SQL text prepared once per connection, for code that runs per sale. Preparing per call
 * compiles the SQL every time and leaves its compiled program (≈ 1.4 kB of native memory) until
 * V8 collects the statement's small JS wrapper, which a quiet old generation may not do for
 * thousands of calls; the allocator keeps the high-water mark (measured here: 10,000 prepares,
 * +14 MB RSS, not given back after a full GC). Only for constant SQL (values are bound, never
 * interpolated), so the entries are bounded by the code. Not for `iterate()`: a cached
 * statement cannot run twice at once.
 */
export function statementCache(db: Db): (sql: string) => Statement {
  const statements = new Map<string, Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}

/**
 * SQLite's page cache per connection, KiB. better-sqlite3 builds SQLite with a 16 MB default,
 * which a journal that only grows fills at ≈ 4 MB per 1,000 sales (npm run bench): the daemon's
 * memory crept up for its first ~4,000 sales. The hot pages (b-tree roots, interior pages, the
 * newest leaves) fit many times over in 1 MiB; any other page is one read from the OS's cache.
 */
export const PAGE_CACHE_KIB = 1024;

/**
 * Opens the agent's SQLite store with the settings that make a power cut harmless: WAL, and
 * `synchronous=FULL` so a committed transaction is on disk before `run()` returns (WAL's
 * default NORMAL may lose the last commits on power loss — exactly the ones that matter).
 */
export function openDatabase(file: string): Db {
  const fresh = file !== ":memory:" && !existsSync(file);
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  // The journal holds customer tokens for minutes and, with loyalty, phone numbers: owner only.
  // SQLite gives its -wal and -shm files the database file's mode.
  if (fresh) chmodSync(file, 0o600);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  // Deleted and overwritten content is zeroed, not left in free pages: a finished sale's typed
  // number (agent/journal/erase-customer.ts) and old customer tokens do not stay readable on the
  // SD card. Costs some extra writes, none extra reads.
  db.pragma("secure_delete = ON");
  return db;
}

/**
 * Commits a write without waiting for the disk (synchronous=NORMAL for that one transaction),
 * for writes whose loss in a power cut is harmless: re-derived at start-up, or repeated
 * idempotently (docs/architecture.md "Durable writes" says which). In WAL mode commits are
 * appended in order, so a process crash loses nothing (the OS has the pages) and a power cut
 * can lose only the newest lazy commits: the next durable commit's fsync of the WAL carries
 * every earlier frame with it, so no lazy write is ever lost while a later one survives.
 * Inside an enclosing transaction the write just runs: the enclosing commit decides.
 */
export function lazyWriter(db: Db): <T>(write: () => T) => T {
  // exec, not prepared statements: SQLite applies `PRAGMA synchronous = …` when the statement
  // is compiled, not when a prepared copy is run again.
  const lazy = (): void => void db.exec("PRAGMA synchronous = NORMAL");
  const durable = (): void => void db.exec("PRAGMA synchronous = FULL");
  const begin = db.prepare("BEGIN");
  const commit = db.prepare("COMMIT");
  const rollback = db.prepare("ROLLBACK");
  return (write) => {
    if (db.inTransaction) return write();
    lazy();
    try {
      begin.run();
      try {
        const result = write();
        commit.run();
        return result;
      } catch (error) {
        if (db.inTransaction) rollback.run();
        throw error;
      }
    } finally {
      durable();
    }
  };
}

export interface Migration {
  /** 1, 2, 3 … within its namespace; never renumbered once released. */
  readonly version: number;
  readonly sql: string;
}

/**
 * Applies a module's pending migrations in one transaction each. Every module (journal,
 * MQTT link, loyalty) owns a namespace, so each keeps its tables to itself.
 */
export function migrate(db: Db, namespace: string, migrations: readonly Migration[]): void {
  db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (namespace TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (namespace, version))",
  );
  const current =
    (
      db.prepare("SELECT MAX(version) AS v FROM schema_migrations WHERE namespace = ?").get(namespace) as {
        v: number | null;
      }
    ).v ?? 0;
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (const migration of sorted) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare("INSERT INTO schema_migrations (namespace, version, applied_at) VALUES (?, ?, ?)").run(
        namespace,
        migration.version,
        new Date().toISOString(),
      );
    })();
  }
}
