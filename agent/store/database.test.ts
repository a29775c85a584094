import { statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { migrate, openDatabase } from "./database.js";

describe("openDatabase + migrate", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  it("opens in WAL with synchronous=FULL, readable by its owner only", () => {
    const file = join(dir.path, "sub", "journal.db");
    const db = openDatabase(file);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("synchronous", { simple: true })).toBe(2);
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
    const rows = db.prepare("SELECT namespace, version FROM schema_migrations ORDER BY namespace, version").all();
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
    expect(() => migrate(db, "bad", [{ version: 1, sql: "CREATE TABLE v (a TEXT); SELECT nope FROM nowhere;" }])).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'v'").get()).toBeUndefined();
    db.close();
  });
});
