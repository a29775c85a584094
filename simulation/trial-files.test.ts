import { statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { JOURNAL_FILE } from "../agent/journal/journal-access.js";
import { Journal } from "../agent/journal/journal.js";
import { JOURNAL_MIGRATIONS } from "../agent/journal/schema.js";
import { openDatabase } from "../agent/store/database.js";
import { tempDir } from "../test/helpers/temp-dir.js";
import { emptyJournal } from "./trial-files.js";

describe("the empty journal a trial's first process starts from", () => {
  const dirs: { cleanup: () => void }[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

  it("is a fully migrated, empty, owner-only SQLite file that the daemon's openDatabase puts in WAL mode", () => {
    const root = tempDir();
    dirs.push(root);
    const first = join(root.path, "trial-a", "p1");
    const second = join(root.path, "trial-b", "p1");
    emptyJournal(root.path, first);
    emptyJournal(root.path, second);

    for (const dir of [first, second]) {
      const file = join(dir, JOURNAL_FILE);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const db = openDatabase(file);
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.pragma("synchronous", { simple: true })).toBe(2); // FULL
      const versions = db
        .prepare(
          "SELECT namespace, MAX(version) AS v FROM schema_migrations GROUP BY namespace ORDER BY namespace",
        )
        .all();
      expect(versions).toEqual([
        { namespace: "journal", v: Math.max(...JOURNAL_MIGRATIONS.map((m) => m.version)) },
        { namespace: "mqtt-link", v: 1 },
      ]);
      const journal = new Journal(db);
      expect(journal.load().sales).toEqual({});
      expect(journal.pendingRegisterMessages()).toEqual([]);
      db.close();
    }
  });
});
