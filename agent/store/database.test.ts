import { statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { PAGE_CACHE_KIB, lazyWriter, migrate, openDatabase, statementCache } from "./database.js";

describe("openDatabase + migrate", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  it("opens in WAL with synchronous=FULL and a small page cache, readable by its owner only", () => {
    const file = join(dir.path, "sub", "journal.db");
    const db = openDatabase(file);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("synchronous", { simple: true })).toBe(2);
    // Negative: KiB (SQLite's convention); better-sqlite3's own default would be -16000.
    expect(db.pragma("cache_size", { simple: true })).toBe(-PAGE_CACHE_KIB);
    db.prepare("CREATE TABLE t (a)").run();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
    db.close();
  });

  it("applies each namespace's migrations once, in order, and survives reopening", () => {
    const file = join(dir.path, "journal.db");
    const a = [
      { version: 2, sql: "ALTER TABLE t ADD COLUMN b TEXT" },
      { version: 1, sql: "CREATE TABLE t (a TEXT)" },
    ];
    let db = openDatabase(file);
    migrate(db, "alpha", a);
    migrate(db, "beta", [{ version: 1, sql: "CREATE TABLE u (x INTEGER)" }]);
    db.close();
    db = openDatabase(file);
    migrate(db, "alpha", [...a, { version: 3, sql: "CREATE INDEX t_a ON t (a)" }]);
    const rows = db
      .prepare("SELECT namespace, version FROM schema_migrations ORDER BY namespace, version")
      .all();
    expect(rows).toEqual([
      { namespace: "alpha", version: 1 },
      { namespace: "alpha", version: 2 },
      { namespace: "alpha", version: 3 },
      { namespace: "beta", version: 1 },
    ]);
    db.prepare("INSERT INTO t (a, b) VALUES ('x', 'y')").run();
    db.close();
  });

  it("rolls a failing migration back entirely", () => {
    const db = openDatabase(join(dir.path, "journal.db"));
    expect(() =>
      migrate(db, "bad", [{ version: 1, sql: "CREATE TABLE v (a TEXT); SELECT nope FROM nowhere;" }]),
    ).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'v'").get()).toBeUndefined();
    db.close();
  });

  it("prepares each SQL text once per connection and reuses it", () => {
    const db = openDatabase(join(dir.path, "journal.db"));
    db.exec("CREATE TABLE t (a INTEGER)");
    const sql = statementCache(db);
    const insert = sql("INSERT INTO t (a) VALUES (?)");
    for (let a = 1; a <= 3; a++) expect(sql("INSERT INTO t (a) VALUES (?)")).toBe(insert);
    for (let a = 1; a <= 3; a++) sql("INSERT INTO t (a) VALUES (?)").run(a);
    expect(sql("SELECT SUM(a) AS s FROM t")).not.toBe(insert);
    expect(sql("SELECT SUM(a) AS s FROM t").get()).toEqual({ s: 6 });
    db.close();
  });

  it("commits a lazy write with synchronous=NORMAL, then is back to FULL for every other commit", () => {
    const db = openDatabase(join(dir.path, "journal.db"));
    db.exec("CREATE TABLE t (a INTEGER)");
    const lazily = lazyWriter(db);
    const insert = db.prepare("INSERT INTO t (a) VALUES (?)");
    const during = lazily(() => {
      insert.run(1);
      return db.pragma("synchronous", { simple: true });
    });
    expect(during).toBe(1);
    expect(db.pragma("synchronous", { simple: true })).toBe(2);
    expect(() =>
      lazily(() => {
        insert.run(2);
        throw new Error("no");
      }),
    ).toThrow("no");
    expect(db.pragma("synchronous", { simple: true })).toBe(2);
    expect(db.inTransaction).toBe(false);
    expect(db.prepare("SELECT a FROM t ORDER BY a").all()).toEqual([{ a: 1 }]);
    db.close();
  });

  it("leaves an enclosing transaction's commit as it is: durable, and rolled back together", () => {
    const db = openDatabase(join(dir.path, "journal.db"));
    db.exec("CREATE TABLE t (a INTEGER)");
    const lazily = lazyWriter(db);
    const insert = db.prepare("INSERT INTO t (a) VALUES (?)");
    const seen: unknown[] = [];
    db.transaction(() => {
      lazily(() => insert.run(1));
      seen.push(db.pragma("synchronous", { simple: true }));
    })();
    expect(seen).toEqual([2]);
    expect(() =>
      db.transaction(() => {
        lazily(() => insert.run(2));
        throw new Error("outer fails");
      })(),
    ).toThrow("outer fails");
    expect(db.prepare("SELECT a FROM t ORDER BY a").all()).toEqual([{ a: 1 }]);
    db.close();
  });
});
