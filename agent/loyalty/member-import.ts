import { loyaltyError } from "./errors.js";
import type { StagedColumn } from "./import-stage.js";
import {
  MembersCsvReader,
  type MemberCsvColumn,
  type MemberRecord,
  type MemberRow,
  type RowProblem,
} from "./members-csv.js";
import type { MemberStore, StoredMember } from "./member-store.js";

/**
 * Applies a members CSV to the built-in store, all or nothing, reading it as it comes (chunks
 * of text): memory stays bounded whatever the file's size. A row updates the member with the
 * same phone number (columns the file has replace that member's values; an empty cell clears an
 * optional value) or adds a member. Rows that would give two members the same number, member
 * id or `sub` are problems like any bad row. Without `skipInvalid`, any problem means
 * LOYALTY_CSV_INVALID and nothing is written.
 */
export interface ImportOptions {
  /** Import the good rows and report the bad ones instead of refusing the file. */
  readonly skipInvalid?: boolean;
  /** Check everything, change nothing. */
  readonly dryRun?: boolean;
  /** Default for missing enrolled_at / last_seen_at of new members, ms since the epoch. */
  readonly now: number;
}

export interface ImportReport {
  /** Members added and updated: written, or with `dryRun` that would have been. */
  readonly added: number;
  readonly updated: number;
  /** Data rows not imported (a row with several problems counts once). */
  readonly skippedRows: number;
  /** Every problem of those rows, in file order — the first MAX_LISTED_PROBLEMS of them. */
  readonly problems: readonly RowProblem[];
  /** How many problems there were in all (`problems` may list fewer). */
  readonly problemCount: number;
}

/** Problems kept for the report: the technician fixes the first ones and runs it again. */
export const MAX_LISTED_PROBLEMS = 1_000;

const DUPLICATE_LABEL: Readonly<Record<StagedColumn, string>> = {
  msisdn: "msisdn",
  member_id: "member_id",
  sub: "sub",
};

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

/** The conflicts of a valid row with the members as they are. */
function conflicts(store: MemberStore, r: MemberRecord, existing: StoredMember | undefined): string[] {
  const problems: string[] = [];
  if (existing !== undefined && r.memberId !== undefined && r.memberId !== existing.memberId)
    problems.push(
      `member_id: this phone number is already member ${existing.memberId}; use that id or leave member_id empty`,
    );
  if (existing === undefined && r.memberId !== undefined && store.findById(r.memberId) !== undefined)
    problems.push("member_id: already used by a member with another phone number");
  if (r.sub !== undefined) {
    const bySub = store.findBySub(r.sub);
    if (bySub !== undefined && bySub.msisdn !== r.msisdn)
      problems.push("sub: already belongs to a member with another phone number");
  }
  return problems;
}

export function importMembers(
  store: MemberStore,
  text: Iterable<string>,
  options: ImportOptions,
): ImportReport {
  const reader = new MembersCsvReader();
  const problems: RowProblem[] = [];
  let problemCount = 0;
  let skippedRows = 0;
  let added = 0;
  let updated = 0;
  const stage = store.stage();

  const skip = (line: number, rowProblems: readonly string[]): void => {
    skippedRows++;
    problemCount += rowProblems.length;
    for (const problem of rowProblems)
      if (problems.length < MAX_LISTED_PROBLEMS) problems.push({ line, problem });
  };
  const onRow = (row: MemberRow): void => {
    if (row.kind === "bad") {
      skip(row.line, row.problems);
      return;
    }
    const r = row.record;
    const existing = store.findByMsisdn(r.msisdn);
    const rowProblems = conflicts(store, r, existing);
    if (rowProblems.length > 0) {
      skip(r.line, rowProblems);
      return;
    }
    let id = existing?.memberId ?? r.memberId;
    while (id === undefined || (existing === undefined && r.memberId === undefined && stage.hasMemberId(id)))
      id = store.freshId();
    const staged = stage.add(
      merged(existing, r, reader.columns, id, options.now),
      r.line,
      existing === undefined,
    );
    if (!staged.ok) {
      skip(r.line, [`${DUPLICATE_LABEL[staged.column]}: the same value is on line ${staged.firstLine}`]);
      return;
    }
    if (existing === undefined) added++;
    else updated++;
  };

  try {
    for (const chunk of text) reader.push(chunk, onRow);
    reader.end(onRow);
    if (problemCount > 0 && options.skipInvalid !== true) {
      throw loyaltyError(
        "LOYALTY_CSV_INVALID",
        `${problemCount} problem(s) in ${skippedRows} row(s); nothing was imported`,
        { details: { problems, problemCount, skippedRows } },
      );
    }
    if (options.dryRun !== true) stage.apply();
  } finally {
    stage.close();
  }
  return { added, updated, skippedRows, problems, problemCount };
}
