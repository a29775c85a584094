import type { ConsentedClaims } from "./consented-claims.js";
import { CsvReader, formatCsvLine, type CsvItem } from "./csv.js";
import { isLoyaltyError, loyaltyError } from "./errors.js";
import { MEMBER_ID_PATTERN, TIER_MAX } from "./member-id.js";
import type { StoredMember } from "./member-store.js";
import { normalizeMsisdn } from "./msisdn.js";
import { neutralizeFormula, restoreFormulaText } from "./spreadsheet-cell.js";

/**
 * The members CSV of `pos-agent loyalty import/export` (documented in docs/loyalty.md). The
 * header names the columns, in any order; only `msisdn` is required. Export writes every
 * column in MEMBER_CSV_COLUMNS order, with formula cells neutralised (spreadsheet-cell.ts), so
 * an export imports back unchanged. Read row by row (MembersCsvReader): a file of any size in
 * bounded memory. Pure.
 */
export const MEMBER_CSV_COLUMNS = [
  "member_id",
  "msisdn",
  "tier",
  "display_name",
  "sub",
  "enrolled_at",
  "consented_at",
  "last_seen_at",
  "claims",
] as const;
export type MemberCsvColumn = (typeof MEMBER_CSV_COLUMNS)[number];

const DISPLAY_NAME_MAX = 32;
const SUB_PATTERN = /^[\x21-\x7e]{1,200}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** A valid row. An optional field that is undefined was empty (or its column absent: see `columns`). */
export interface MemberRecord {
  readonly line: number;
  readonly memberId?: string;
  readonly msisdn: string;
  readonly tier?: string;
  readonly displayName?: string;
  readonly sub?: string;
  readonly enrolledAt?: number;
  readonly consentedAt?: number;
  readonly lastSeenAt?: number;
  readonly claims?: ConsentedClaims;
}

export interface RowProblem {
  readonly line: number;
  readonly problem: string;
}

/** One data row of the file: a valid member, or every problem of a bad row. */
export type MemberRow =
  | { readonly kind: "member"; readonly record: MemberRecord }
  | { readonly kind: "bad"; readonly line: number; readonly problems: readonly string[] };

const isColumn = (name: string): name is MemberCsvColumn =>
  (MEMBER_CSV_COLUMNS as readonly string[]).includes(name);

function text(value: string, column: string, max: number): string | undefined {
  const v = value.trim();
  if (v === "") return undefined;
  if (/\p{Cc}/u.test(v)) throw new Error(`${column}: control characters are not allowed`);
  if ([...v].length > max) throw new Error(`${column}: at most ${max} characters`);
  return v;
}

/** ISO 8601 date or date-time; without a zone it is UTC. → ms since the epoch. */
function timestamp(value: string, column: string): number | undefined {
  const v = value.trim();
  if (v === "") return undefined;
  const bad = (): Error =>
    new Error(`${column}: expected an ISO 8601 date or time, e.g. 2026-03-01 or 2026-03-01T10:15:00Z`);
  if (!TIMESTAMP.test(v)) throw bad();
  const [y, m, d] = v.slice(0, 10).split("-").map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) throw bad();
  let iso = v.replace(" ", "T");
  if (iso.includes("T") && !/(Z|[+-]\d{2}:?\d{2})$/.test(iso)) iso += "Z";
  iso = iso.replace(/T(.*[+-]\d{2})(\d{2})$/, "T$1:$2");
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw bad();
  return ms;
}

function claimsOf(value: string): ConsentedClaims | undefined {
  const v = value.trim();
  if (v === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw new Error("claims: expected a JSON object");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new Error("claims: expected a JSON object");
  return parsed as ConsentedClaims;
}

function recordOf(
  line: number,
  cell: (c: MemberCsvColumn) => string,
): { record?: MemberRecord; problems: string[] } {
  const problems: string[] = [];
  const attempt = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (error) {
      problems.push(
        isLoyaltyError(error)
          ? `msisdn: ${error.message}`
          : error instanceof Error
            ? error.message
            : String(error),
      );
      return undefined;
    }
  };
  const msisdnText = cell("msisdn").trim();
  const msisdn =
    msisdnText === ""
      ? (problems.push("msisdn: required"), undefined)
      : attempt(() => normalizeMsisdn(msisdnText));
  const memberId = attempt(() => {
    const v = cell("member_id").trim();
    if (v !== "" && !MEMBER_ID_PATTERN.test(v))
      throw new Error("member_id: expected 1–64 characters of A–Z, a–z, 0–9, '.', '_' and '-'");
    return v === "" ? undefined : v;
  });
  const tier = attempt(() => text(cell("tier"), "tier", TIER_MAX));
  const displayName = attempt(() => text(cell("display_name"), "display_name", DISPLAY_NAME_MAX));
  const sub = attempt(() => {
    const v = cell("sub").trim();
    if (v !== "" && !SUB_PATTERN.test(v))
      throw new Error("sub: expected up to 200 visible ASCII characters (the Vipps Login sub)");
    return v === "" ? undefined : v;
  });
  const enrolledAt = attempt(() => timestamp(cell("enrolled_at"), "enrolled_at"));
  const consentedAt = attempt(() => timestamp(cell("consented_at"), "consented_at"));
  const lastSeenAt = attempt(() => timestamp(cell("last_seen_at"), "last_seen_at"));
  const claims = attempt(() => claimsOf(cell("claims")));
  if (problems.length > 0 || msisdn === undefined) return { problems };
  const record: MemberRecord = {
    line,
    msisdn,
    ...(memberId === undefined ? {} : { memberId }),
    ...(tier === undefined ? {} : { tier }),
    ...(displayName === undefined ? {} : { displayName }),
    ...(sub === undefined ? {} : { sub }),
    ...(enrolledAt === undefined ? {} : { enrolledAt }),
    ...(consentedAt === undefined ? {} : { consentedAt }),
    ...(lastSeenAt === undefined ? {} : { lastSeenAt }),
    ...(claims === undefined ? {} : { claims }),
  };
  return { record, problems };
}

/** The header's problems, or the columns it names. */
function readHeader(header: CsvItem): { problems: RowProblem[] } | { names: string[] } {
  if (header.kind === "problem") return { problems: [{ line: header.line, problem: header.problem }] };
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const unknown = names.filter((n) => !isColumn(n));
  const duplicate = names.filter((n, i) => names.indexOf(n) !== i);
  const problems: RowProblem[] = [];
  if (unknown.length > 0)
    problems.push({
      line: header.line,
      problem: `unknown column(s): ${unknown.map((n) => JSON.stringify(n)).join(", ")}; expected ${MEMBER_CSV_COLUMNS.join(", ")}`,
    });
  if (duplicate.length > 0)
    problems.push({
      line: header.line,
      problem: `column(s) named twice: ${[...new Set(duplicate)].join(", ")}`,
    });
  if (!names.includes("msisdn"))
    problems.push({ line: header.line, problem: "the header has no msisdn column" });
  return problems.length > 0 ? { problems } : { names };
}

function headerError(problems: readonly RowProblem[]) {
  return loyaltyError("LOYALTY_CSV_INVALID", "the header line is not usable; nothing was imported", {
    details: { problems, header: true },
  });
}

/**
 * Reads a members CSV pushed in chunks of text, validating each row on its own (problems of
 * one row never stop the check of the next). Throws LOYALTY_CSV_INVALID (`details.header`)
 * when the header cannot be used: then no row can be read.
 */
export class MembersCsvReader {
  private readonly csv = new CsvReader();
  private names: string[] | undefined;

  /** The columns the header names: an absent column leaves existing members' values alone. */
  get columns(): ReadonlySet<MemberCsvColumn> {
    return new Set((this.names ?? []).filter(isColumn));
  }

  push(chunk: string, emit: (row: MemberRow) => void): void {
    this.csv.push(chunk, (item) => this.item(item, emit));
  }

  end(emit: (row: MemberRow) => void): void {
    this.csv.end((item) => this.item(item, emit));
    if (this.names === undefined)
      throw headerError([
        { line: 1, problem: "the file is empty; expected a header line naming the columns" },
      ]);
  }

  private item(item: CsvItem, emit: (row: MemberRow) => void): void {
    const names = this.names;
    if (names === undefined) {
      const header = readHeader(item);
      if ("problems" in header) throw headerError(header.problems);
      this.names = header.names;
      return;
    }
    if (item.kind === "problem") {
      emit({ kind: "bad", line: item.line, problems: [item.problem] });
      return;
    }
    if (item.fields.length !== names.length) {
      emit({
        kind: "bad",
        line: item.line,
        problems: [`expected ${names.length} fields, found ${item.fields.length}`],
      });
      return;
    }
    const result = recordOf(item.line, (c) => restoreFormulaText(item.fields[names.indexOf(c)] ?? ""));
    if (result.record !== undefined && result.problems.length === 0)
      emit({ kind: "member", record: result.record });
    else emit({ kind: "bad", line: item.line, problems: result.problems });
  }
}

/** A whole (small) text at once: the valid records and every problem, in file order. */
export function parseMembersCsv(input: string): {
  readonly columns: ReadonlySet<MemberCsvColumn>;
  readonly records: readonly MemberRecord[];
  readonly problems: readonly RowProblem[];
} {
  const reader = new MembersCsvReader();
  const records: MemberRecord[] = [];
  const problems: RowProblem[] = [];
  const emit = (row: MemberRow): void => {
    if (row.kind === "member") records.push(row.record);
    else problems.push(...row.problems.map((problem) => ({ line: row.line, problem })));
  };
  try {
    reader.push(input, emit);
    reader.end(emit);
  } catch (error) {
    if (!isLoyaltyError(error, "LOYALTY_CSV_INVALID")) throw error;
    return { columns: new Set(), records: [], problems: error.details.problems as RowProblem[] };
  }
  return { columns: reader.columns, records, problems };
}

const iso = (ms: number | undefined): string => (ms === undefined ? "" : new Date(ms).toISOString());

export function membersCsvHeader(): string {
  return formatCsvLine(MEMBER_CSV_COLUMNS);
}

export function memberCsvLine(m: StoredMember): string {
  const cells: Record<MemberCsvColumn, string> = {
    member_id: m.memberId,
    msisdn: m.msisdn,
    tier: m.tier ?? "",
    display_name: m.displayName ?? "",
    sub: m.sub ?? "",
    enrolled_at: iso(m.enrolledAt),
    consented_at: iso(m.consentedAt),
    last_seen_at: iso(m.lastSeenAt),
    claims: m.claims === undefined ? "" : JSON.stringify(m.claims),
  };
  return formatCsvLine(MEMBER_CSV_COLUMNS.map((c) => neutralizeFormula(cells[c])));
}
