import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.js";
import { Journal } from "../agent/journal/journal.js";
import { readJournalDay } from "../agent/report/index.js";
import { JOURNAL_FILE } from "../agent/journal/journal-access.js";
import { openDatabase, type Db } from "../agent/store/database.js";
import { tempDir } from "../test/helpers/temp-dir.js";
import { writeAgedJournal } from "./aged-journal.js";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1, 12);

describe("writeAgedJournal", () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db | undefined;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => {
    db?.close();
    dir.cleanup();
  });

  it("leaves the journal a till would have after those sales: finished, reported, acked", async () => {
    const config = configSchema.parse({
      vipps: { clientId: "c", msn: "123456", currency: "NOK", webhookUrl: "https://bridge.example/vipps" },
      till: { id: "kasse1", locationDescription: "Kasse 1" },
      mqtt: { url: "mqtt://127.0.0.1:1883" },
      storage: { directory: dir.path },
    });
    await writeAgedJournal({ config, sales: 400, days: 2, now: NOW });

    db = openDatabase(join(dir.path, JOURNAL_FILE));
    const journal = new Journal(db);
    const all = (sql: string): unknown[] => (db as Db).prepare(sql).all();
    expect(all("SELECT outcome, COUNT(*) AS n FROM journal_sales GROUP BY outcome ORDER BY outcome")).toEqual(
      [
        { outcome: "cancelled", n: 4 },
        { outcome: "captured", n: 392 },
        { outcome: "failed", n: 4 },
      ],
    );
    // Sales 25 and 125 were half refunded a day later; 225 and 325 would be after the last sale.
    expect(all("SELECT sale_id AS saleId FROM journal_sales WHERE refunded > 0 ORDER BY sale_no")).toEqual([
      { saleId: "A25" },
      { saleId: "A125" },
    ]);
    // Nothing left to do: no live sale, every report acked, every receipt printed once.
    expect(journal.load().sales).toEqual({});
    expect(journal.pendingRegisterMessages()).toEqual([]);
    expect(
      all("SELECT COUNT(*) AS n FROM journal_sales WHERE json_extract(data, '$.receipt.status') = 'printed'"),
    ).toEqual([{ n: 392 }]);
    // The MQTT link's memory of the events, as it would be: each scan and its payment event.
    expect(all("SELECT COUNT(*) AS n FROM mqtt_link_seen")).toEqual([{ n: 396 * 2 }]);
    // Spread over the two days before NOW; a report reads each day's share.
    const first = readJournalDay(db, NOW - 2 * DAY - 120_000, NOW - DAY);
    const second = readJournalDay(db, NOW - DAY, NOW);
    expect(first.finished.length + second.finished.length).toBe(400);
    expect(Math.abs(first.finished.length - second.finished.length)).toBeLessThanOrEqual(2);
    expect(second.refunds.map((r) => r.sale.saleId)).toEqual(["A25", "A125"]);
  });
});
