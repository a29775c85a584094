import { migrate, statementCache, type Db, type Migration, type Statement } from "../store/database.js";
import type { ConsentedClaims } from "./consented-claims.js";
import { loyaltyError } from "./errors.js";
import { ImportStage } from "./import-stage.js";
import { memberOfRow, memberRow, type MemberColumns } from "./member-row.js";
import { newMemberId } from "./member-id.js";

/**
 * The built-in backend's members table, in the agent's SQLite store (namespace `loyalty`).
 * It is the only place besides the merchant's own service where a member's phone number and
 * consented userinfo live. Times are ms since the epoch. Rows not seen for
 * `loyalty.retentionDays` are deleted by `prune`.
 */
const LOYALTY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE loyalty_members (
        member_id     TEXT PRIMARY KEY,
        msisdn        TEXT NOT NULL UNIQUE,   -- country code and number, digits only
        sub           TEXT UNIQUE,            -- Vipps Login sub, when enrolled through Login
        tier          TEXT,
        display_name  TEXT,                   -- first name for the customer display
        claims        TEXT,                   -- JSON object: the consented userinfo claims
        enrolled_at   INTEGER NOT NULL,
        consented_at  INTEGER,                -- when the customer approved the Login request
        last_seen_at  INTEGER NOT NULL
      );
      CREATE INDEX loyalty_members_last_seen ON loyalty_members (last_seen_at);
    `,
  },
];

export interface StoredMember {
  readonly memberId: string;
  readonly msisdn: string;
  readonly sub?: string;
  readonly tier?: string;
  readonly displayName?: string;
  readonly claims?: ConsentedClaims;
  readonly enrolledAt: number;
  readonly consentedAt?: number;
  readonly lastSeenAt: number;
}

export interface LoginEnrollment {
  readonly msisdn: string;
  readonly sub: string;
  readonly claims: ConsentedClaims;
  readonly displayName?: string;
  readonly consentedAt: number;
  readonly now: number;
}

const DAY_MS = 86_400_000;

export class MemberStore {
  /** Queries prepared once (see statementCache); `all()` iterates, so it prepares its own. */
  private readonly sql: (sql: string) => Statement;

  constructor(private readonly db: Db) {
    migrate(db, "loyalty", LOYALTY_MIGRATIONS);
    this.sql = statementCache(db);
  }

  findByMsisdn(msisdn: string): StoredMember | undefined {
    const row = this.sql("SELECT * FROM loyalty_members WHERE msisdn = ?").get(msisdn) as
      MemberColumns | undefined;
    return row === undefined ? undefined : memberOfRow(row);
  }

  findById(memberId: string): StoredMember | undefined {
    const row = this.sql("SELECT * FROM loyalty_members WHERE member_id = ?").get(memberId) as
      MemberColumns | undefined;
    return row === undefined ? undefined : memberOfRow(row);
  }

  findBySub(sub: string): StoredMember | undefined {
    const row = this.sql("SELECT * FROM loyalty_members WHERE sub = ?").get(sub) as MemberColumns | undefined;
    return row === undefined ? undefined : memberOfRow(row);
  }

  /** A member was recognised at the till: retention counts from here. */
  markSeen(memberId: string, at: number): void {
    this.sql("UPDATE loyalty_members SET last_seen_at = MAX(last_seen_at, ?) WHERE member_id = ?").run(
      at,
      memberId,
    );
  }

  /**
   * Records a Login enrollment. The same `sub` is the same person: a known sub moves to the new
   * number. A row for this number without a sub (imported) gets the sub. Anything else that
   * would make two members share a number or a sub is LOYALTY_CONFLICT, and nothing changes.
   */
  enroll(e: LoginEnrollment): StoredMember {
    return this.db.transaction((): StoredMember => {
      const bySub = this.findBySub(e.sub);
      const byMsisdn = this.findByMsisdn(e.msisdn);
      const existing = bySub ?? byMsisdn;
      if (bySub !== undefined && byMsisdn !== undefined && bySub.memberId !== byMsisdn.memberId) {
        throw loyaltyError("LOYALTY_CONFLICT", "another member already has this phone number");
      }
      if (existing?.sub !== undefined && existing.sub !== e.sub) {
        throw loyaltyError(
          "LOYALTY_CONFLICT",
          "this phone number belongs to a member with another Vipps login",
        );
      }
      const member: StoredMember = {
        ...existing,
        memberId: existing?.memberId ?? this.freshId(),
        msisdn: e.msisdn,
        sub: e.sub,
        claims: e.claims,
        ...(e.displayName === undefined ? {} : { displayName: e.displayName }),
        enrolledAt: existing?.enrolledAt ?? e.now,
        consentedAt: e.consentedAt,
        lastSeenAt: e.now,
      };
      this.write(member);
      return member;
    })();
  }

  /** Inserts or replaces the row of `member.memberId` (no conflict checks: see member-import). */
  write(member: StoredMember): void {
    this.sql(
      `INSERT INTO loyalty_members (member_id, msisdn, sub, tier, display_name, claims, enrolled_at, consented_at, last_seen_at)
       VALUES (@member_id, @msisdn, @sub, @tier, @display_name, @claims, @enrolled_at, @consented_at, @last_seen_at)
       ON CONFLICT (member_id) DO UPDATE SET msisdn = excluded.msisdn, sub = excluded.sub, tier = excluded.tier,
         display_name = excluded.display_name, claims = excluded.claims, enrolled_at = excluded.enrolled_at,
         consented_at = excluded.consented_at, last_seen_at = excluded.last_seen_at`,
    ).run(memberRow(member));
  }

  /** Erasure: deletes the member with this number; returns it, or undefined when there was none. */
  forgetByMsisdn(msisdn: string): StoredMember | undefined {
    return this.db.transaction(() => {
      const member = this.findByMsisdn(msisdn);
      if (member !== undefined)
        this.sql("DELETE FROM loyalty_members WHERE member_id = ?").run(member.memberId);
      return member;
    })();
  }

  forgetById(memberId: string): StoredMember | undefined {
    return this.db.transaction(() => {
      const member = this.findById(memberId);
      if (member !== undefined)
        this.sql("DELETE FROM loyalty_members WHERE member_id = ?").run(member.memberId);
      return member;
    })();
  }

  /** Deletes members not seen for `retentionDays` before `now`; returns how many. */
  prune(now: number, retentionDays: number): number {
    return this.sql("DELETE FROM loyalty_members WHERE last_seen_at < ?").run(now - retentionDays * DAY_MS)
      .changes;
  }

  count(): number {
    return (this.sql("SELECT COUNT(*) AS n FROM loyalty_members").get() as { n: number }).n;
  }

  /** Every member, oldest enrollment first (stable order for exports). */
  *all(): Generator<StoredMember> {
    for (const row of this.db
      .prepare("SELECT * FROM loyalty_members ORDER BY enrolled_at, member_id")
      .iterate())
      yield memberOfRow(row as MemberColumns);
  }

  /** Where an import collects its rows before they become members (import-stage.ts). */
  stage(): ImportStage {
    return new ImportStage(this.db);
  }

  freshId(): string {
    for (;;) {
      const id = newMemberId();
      if (this.findById(id) === undefined) return id;
    }
  }
}
