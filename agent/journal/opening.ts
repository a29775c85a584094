/** What opening the journal sets besides its migrations: SQLite's WAL limits, a rollback's `finished_at`. */
import type { Db } from "../store/database.js";

/**
 * The WAL size (4 KiB pages) at which SQLite checkpoints by itself, inside a commit: far above
 * what accumulates between the agent's own checkpoints (Journal.checkpoint), so it is only
 * reached if those stop (the register unplugged through a long busy spell). SQLite's default
 * of 1,000 pages is reached every ~25 sales at full speed, in the middle of one.
 */
export const AUTOCHECKPOINT_PAGES = 10_000;
/** After a checkpoint the WAL file is cut back to this, so a burst does not keep 40 MB on disk. */
export const WAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * Sets `finished_at` on final sales that lack it — written by an older release the till was
 * rolled back to, which did not know the column — as migration 4 did: the sale's first
 * transition into the final phase, found through the transitions' time index between the
 * sale's creation and its last change. Through a partial index that holds only such sales, so
 * it costs nothing when there are none.
 */
export function fillFinishedAt(db: Db): void {
  // A read-only open (`pos-agent report` as a technician) cannot write; the agent fills them in.
  if (db.readonly) return;
  const unfinished = "finished_at IS NULL AND phase = 'final'";
  if (db.prepare(`SELECT 1 FROM journal_sales WHERE ${unfinished} LIMIT 1`).get() === undefined) return;
  db.exec(`
    UPDATE journal_sales SET finished_at = (
      SELECT MIN(t.at) FROM journal_transitions t
       WHERE t.at >= journal_sales.created_at AND t.at <= journal_sales.updated_at
         AND t.sale_id = journal_sales.sale_id AND t.phase = 'final')
     WHERE ${unfinished}`);
}
