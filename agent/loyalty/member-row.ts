import type { ConsentedClaims } from "./consented-claims.js";
import type { StoredMember } from "./member-store.js";

/** A row of `loyalty_members` as SQLite gives and takes it. */
export interface MemberColumns {
  member_id: string;
  msisdn: string;
  sub: string | null;
  tier: string | null;
  display_name: string | null;
  claims: string | null;
  enrolled_at: number;
  consented_at: number | null;
  last_seen_at: number;
}

export function memberOfRow(row: MemberColumns): StoredMember {
  let claims: ConsentedClaims | undefined;
  if (row.claims !== null) {
    const parsed: unknown = JSON.parse(row.claims);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
      claims = parsed as ConsentedClaims;
  }
  return {
    memberId: row.member_id,
    msisdn: row.msisdn,
    ...(row.sub === null ? {} : { sub: row.sub }),
    ...(row.tier === null ? {} : { tier: row.tier }),
    ...(row.display_name === null ? {} : { displayName: row.display_name }),
    ...(claims === undefined ? {} : { claims }),
    enrolledAt: row.enrolled_at,
    ...(row.consented_at === null ? {} : { consentedAt: row.consented_at }),
    lastSeenAt: row.last_seen_at,
  };
}

/** A member as the columns of `loyalty_members` (also the import stage's). */
export function memberRow(m: StoredMember): MemberColumns {
  return {
    member_id: m.memberId,
    msisdn: m.msisdn,
    sub: m.sub ?? null,
    tier: m.tier ?? null,
    display_name: m.displayName ?? null,
    claims: m.claims === undefined ? null : JSON.stringify(m.claims),
    enrolled_at: m.enrolledAt,
    consented_at: m.consentedAt ?? null,
    last_seen_at: m.lastSeenAt,
  };
}
