import { statementCache, type Db, type Statement } from "../store/database.js";
import { loyaltyError } from "./errors.js";
import { memberRow } from "./member-row.js";
import type { StoredMember } from "./member-store.js";

/**
 * Where `pos-agent loyalty import` collects its rows before they become members: a temporary
 * table with the members table's unique columns, so a file naming a phone number, member id or
 * sub twice is caught with the line of the first. SQLite keeps temporary tables in a file in
 * this build (SQLITE_TEMP_STORE=1), so a file of any size costs bounded memory.
 *
 * Collecting writes only the temporary database, so the agent, which journals every sale in
 * the same database file, is never kept waiting by it; `apply` then copies every row into
 * `loyalty_members` in one short transaction.
 */
export type StagedColumn = "msisdn" | "member_id" | "sub";

export type StageResult =
  { readonly ok: true } | { readonly ok: false; readonly column: StagedColumn; readonly firstLine: number };

/** Rows per transaction on the temporary table: fewer commits, and no long-held read snapshot. */
const BATCH = 1_000;

const COLUMNS = "member_id, msisdn, sub, tier, display_name, claims, enrolled_at, consented_at, last_seen_at";

export class ImportStage {
  private inBatch = 0;
  private open = true;
  private readonly sql: (sql: string) => Statement;

  constructor(private readonly db: Db) {
    this.sql = statementCache(db);
    db.exec(`DROP TABLE IF EXISTS temp.loyalty_import;
      CREATE TEMP TABLE loyalty_import (
        line INTEGER NOT NULL, is_new INTEGER NOT NULL,
        member_id TEXT NOT NULL UNIQUE, msisdn TEXT NOT NULL UNIQUE, sub TEXT UNIQUE,
        tier TEXT, display_name TEXT, claims TEXT,
        enrolled_at INTEGER NOT NULL, consented_at INTEGER, last_seen_at INTEGER NOT NULL)`);
  }

  /** Whether a member id is already given to a row of this file. */
  hasMemberId(memberId: string): boolean {
    return this.firstLine("member_id", memberId) !== undefined;
  }

  /** Adds a row, unless the file already named its phone number, member id or sub. */
  add(member: StoredMember, line: number, isNew: boolean): StageResult {
    if (this.inBatch === 0) this.db.exec("BEGIN");
    for (const column of ["msisdn", "member_id", "sub"] as const) {
      const value =
        column === "msisdn" ? member.msisdn : column === "member_id" ? member.memberId : member.sub;
      if (value === undefined) continue;
      const firstLine = this.firstLine(column, value);
      if (firstLine !== undefined) return { ok: false, column, firstLine };
    }
    this.sql(
      `INSERT INTO temp.loyalty_import (line, is_new, ${COLUMNS}) VALUES (@line, @is_new, @member_id, @msisdn, @sub, @tier, @display_name, @claims, @enrolled_at, @consented_at, @last_seen_at)`,
    ).run({ line, is_new: isNew ? 1 : 0, ...memberRow(member) });
    if (++this.inBatch >= BATCH) this.commit();
    return { ok: true };
  }

  /**
   * Every staged row into `loyalty_members`, in one transaction. A unique conflict there means
   * a member changed since the rows were checked (the agent enrolled someone meanwhile):
   * LOYALTY_CONFLICT, and nothing was written.
   */
  apply(): void {
    this.commit();
    try {
      this.db.transaction(() => {
        this.db.exec(
          `INSERT INTO loyalty_members (${COLUMNS}) SELECT ${COLUMNS} FROM temp.loyalty_import WHERE true
           ON CONFLICT (member_id) DO UPDATE SET msisdn = excluded.msisdn, sub = excluded.sub, tier = excluded.tier,
             display_name = excluded.display_name, claims = excluded.claims, enrolled_at = excluded.enrolled_at,
             consented_at = excluded.consented_at, last_seen_at = excluded.last_seen_at`,
        );
      })();
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith("SQLITE_CONSTRAINT") !== true) throw error;
      throw loyaltyError(
        "LOYALTY_CONFLICT",
        "the members changed while the file was checked (the agent enrolled someone meanwhile?); nothing was imported: run the import again",
        { cause: error },
      );
    }
  }

  /** Drops the staged rows. Always call it (finally): a failed import leaves nothing behind. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    if (this.db.inTransaction) this.db.exec("ROLLBACK");
    this.db.exec("DROP TABLE IF EXISTS temp.loyalty_import");
  }

  private commit(): void {
    if (this.db.inTransaction) this.db.exec("COMMIT");
    this.inBatch = 0;
  }

  private firstLine(column: StagedColumn, value: string): number | undefined {
    const row = this.sql(`SELECT line FROM temp.loyalty_import WHERE ${column} = ?`).get(value) as
      { line: number } | undefined;
    return row?.line;
  }
}
