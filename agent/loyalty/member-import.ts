import { loyaltyError } from "./errors.js";
import type { MemberCsvColumn, MemberRecord, ParsedMembers, RowProblem } from "./members-csv.js";
import type { MemberStore, StoredMember } from "./member-store.js";

/**
 * Applies a parsed members CSV to the built-in store, all or nothing. A row updates the member
 * with the same phone number (columns the file has replace that member's values; an empty cell
 * clears an optional value) or adds a member. Rows that would give two members the same number,
 * member id or `sub` are problems like any bad row. Without `skipInvalid`, any problem means
 * LOYALTY_CSV_INVALID (every problem in `details.problems`) and nothing is written.
 */
export interface ImportOptions {
  /** Import the good rows and report the bad ones instead of refusing the file. */
  readonly skipInvalid?: boolean;
  /** Check everything (every write is tried, then rolled back), change nothing. */
  readonly dryRun?: boolean;
  /** Default for missing enrolled_at / last_seen_at of new members, ms since the epoch. */
  readonly now: number;
}

export interface ImportReport {
  readonly added: number;
  readonly updated: number;
  /** Bad rows that were skipped (only with `skipInvalid`). */
  readonly skipped: readonly RowProblem[];
}

function merged(
  existing: StoredMember | undefined,
  r: MemberRecord,
  columns: ReadonlySet<MemberCsvColumn>,
  id: string,
  now: number,
): StoredMember {
  const pick = <K extends "tier" | "displayName" | "sub" | "claims" | "consentedAt">(
    column: MemberCsvColumn,
    key: K,
  ): Partial<Pick<StoredMember, K>> => {
    const value = columns.has(column) ? r[key] : existing?.[key];
    return value === undefined ? {} : ({ [key]: value } as Partial<Pick<StoredMember, K>>);
  };
  return {
    memberId: id,
    msisdn: r.msisdn,
    ...pick("tier", "tier"),
    ...pick("display_name", "displayName"),
    ...pick("sub", "sub"),
    ...pick("claims", "claims"),
    ...pick("consented_at", "consentedAt"),
    enrolledAt: r.enrolledAt ?? existing?.enrolledAt ?? now,
    lastSeenAt: r.lastSeenAt ?? existing?.lastSeenAt ?? now,
  };
}

export function importMembers(
  store: MemberStore,
  parsed: ParsedMembers,
  options: ImportOptions,
): ImportReport {
  const run = (): ImportReport => applyRows(store, parsed, options);
  // A dry run tries every write too (so it finds what only the database can), then rolls back.
  return options.dryRun === true ? store.rehearse(run) : store.transaction(run);
}

function applyRows(store: MemberStore, parsed: ParsedMembers, options: ImportOptions): ImportReport {
  const problems: RowProblem[] = [...parsed.problems];
  const plan: { line: number; member: StoredMember; isNew: boolean }[] = [];
  /** Member ids given to new members by this file (generated ids are checked against the store). */
  const claimed = new Set<string>();
  for (const r of parsed.records) {
    const existing = store.findByMsisdn(r.msisdn);
    const rowProblems: string[] = [];
    if (existing !== undefined && r.memberId !== undefined && r.memberId !== existing.memberId) {
      rowProblems.push(
        `member_id: this phone number is already member ${existing.memberId}; use that id or leave member_id empty`,
      );
    }
    if (existing === undefined && r.memberId !== undefined && store.findById(r.memberId) !== undefined) {
      rowProblems.push("member_id: already used by a member with another phone number");
    }
    if (r.sub !== undefined) {
      const bySub = store.findBySub(r.sub);
      if (bySub !== undefined && bySub.msisdn !== r.msisdn)
        rowProblems.push("sub: already belongs to a member with another phone number");
    }
    if (rowProblems.length > 0) {
      problems.push(...rowProblems.map((problem) => ({ line: r.line, problem })));
      continue;
    }
    let id = existing?.memberId ?? r.memberId;
    while (id === undefined || (existing === undefined && r.memberId === undefined && claimed.has(id)))
      id = store.freshId();
    claimed.add(id);
    plan.push({
      line: r.line,
      member: merged(existing, r, parsed.columns, id, options.now),
      isNew: existing === undefined,
    });
  }
  problems.sort((a, b) => a.line - b.line);
  if (problems.length > 0 && options.skipInvalid !== true) {
    throw loyaltyError("LOYALTY_CSV_INVALID", `${problems.length} problem(s); nothing was imported`, {
      details: { problems },
    });
  }
  for (const step of plan) {
    try {
      store.write(step.member);
    } catch (error) {
      // A UNIQUE constraint the row checks above cannot see (rows swapping a sub between them).
      const problem = {
        line: step.line,
        problem: "conflicts with another row or member (phone number, member_id or sub used twice)",
      };
      throw loyaltyError("LOYALTY_CSV_INVALID", "1 problem; nothing was imported", {
        cause: error,
        details: { problems: [problem] },
      });
    }
  }
  return {
    added: plan.filter((s) => s.isNew).length,
    updated: plan.filter((s) => !s.isNew).length,
    skipped: problems,
  };
}
