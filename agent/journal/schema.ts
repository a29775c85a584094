import type { Migration } from "../store/database.js";

/**
 * The checkout journal's tables. `sales.data` is the whole `Sale` as JSON (the machine's truth);
 * the other columns are copies for queries (reports, status, start-up) and are rewritten with it,
 * except `finished_at`: when the sale first reached its final phase, set once.
 */
export const JOURNAL_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE journal_sales (
        sale_id      TEXT PRIMARY KEY,
        sale_no      INTEGER NOT NULL UNIQUE,
        phase        TEXT NOT NULL,
        outcome      TEXT,
        currency     TEXT NOT NULL,
        total        INTEGER NOT NULL,
        captured     INTEGER NOT NULL DEFAULT 0,
        refunded     INTEGER NOT NULL DEFAULT 0,
        reference    TEXT,
        live         INTEGER NOT NULL,
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL,
        data         TEXT NOT NULL
      );
      CREATE INDEX journal_sales_live ON journal_sales (live) WHERE live = 1;
      CREATE INDEX journal_sales_updated ON journal_sales (updated_at);

      CREATE TABLE journal_transitions (
        id         INTEGER PRIMARY KEY,
        at         INTEGER NOT NULL,
        sale_id    TEXT,
        input      TEXT NOT NULL,
        phase      TEXT
      );
      CREATE INDEX journal_transitions_at ON journal_transitions (at);

      CREATE TABLE journal_register_outbox (
        id         INTEGER PRIMARY KEY,
        sale_id    TEXT NOT NULL,
        message    TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        done_at    INTEGER,
        done_how   TEXT
      );
      CREATE INDEX journal_register_outbox_pending ON journal_register_outbox (id) WHERE done_at IS NULL;

      CREATE TABLE journal_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    // Receipt reports joined final sale states in the outbox (both must reach the register).
    version: 2,
    sql: `ALTER TABLE journal_register_outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'sale';`,
  },
  {
    // Open baskets stay in the journal, not in memory (`live` = loaded at start-up), and are
    // found oldest first to bound them; superseding an unacked register message finds it by
    // sale instead of scanning the whole outbox. Per-frame cost no longer grows with either.
    version: 3,
    sql: `
      UPDATE journal_sales SET live = 0 WHERE phase = 'open';
      CREATE INDEX journal_sales_open ON journal_sales (updated_at, sale_no) WHERE phase = 'open';
      CREATE INDEX journal_register_outbox_sale ON journal_register_outbox (sale_id, kind) WHERE done_at IS NULL;
    `,
  },
  {
    // A busy till's journal holds ~200,000 sales (a year at ~500 a day): every query that a
    // report, a technician's command or the daily prune makes has an index, so none reads the
    // whole journal. `finished_at` is filled from the transitions, exactly as reports counted
    // a sale's day before (its first transition into the final phase): one pass over them.
    version: 4,
    sql: `
      ALTER TABLE journal_sales ADD COLUMN finished_at INTEGER;
      UPDATE journal_sales SET finished_at = f.at
        FROM (SELECT sale_id, MIN(at) AS at FROM journal_transitions WHERE phase = 'final' GROUP BY sale_id) AS f
       WHERE f.sale_id = journal_sales.sale_id;
      CREATE INDEX journal_sales_finished ON journal_sales (finished_at) WHERE finished_at IS NOT NULL;
      CREATE INDEX journal_sales_created ON journal_sales (created_at);
      CREATE INDEX journal_sales_reference ON journal_sales (reference) WHERE reference IS NOT NULL;
      CREATE INDEX journal_register_outbox_done ON journal_register_outbox (done_at) WHERE done_at IS NOT NULL;
      -- Final sales without finished_at: none, unless an older release (rolled back to) wrote
      -- some; Journal fills them in when it opens the journal (fillFinishedAt).
      CREATE INDEX journal_sales_unfinished ON journal_sales (sale_id) WHERE finished_at IS NULL AND phase = 'final';
    `,
  },
  {
    // Held sales (docs/register-protocol.md §7.13) wait in the journal, not in memory, like open
    // baskets; the hold sweep reads them every minute without reading the whole journal.
    version: 5,
    sql: `CREATE INDEX journal_sales_held ON journal_sales (sale_no) WHERE phase = 'held';`,
  },
];
