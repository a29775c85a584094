import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatCsvLine, parseCsv } from "./csv.js";

const fieldsOf = (text: string): string[][] => {
  const parsed = parseCsv(text);
  if (!parsed.ok) throw new Error(`line ${parsed.line}: ${parsed.problem}`);
  return parsed.records.map((r) => [...r.fields]);
};

describe("parseCsv", () => {
  it("reads plain and quoted fields, doubled quotes, CRLF and LF line ends", () => {
    expect(fieldsOf('a,b,c\r\n1,"two, too","say ""hi"""\n3,,\n')).toEqual([
      ["a", "b", "c"],
      ["1", "two, too", 'say "hi"'],
      ["3", "", ""],
    ]);
  });

  it("keeps line breaks inside quotes and numbers records by the line they start on", () => {
    const parsed = parseCsv('h1,h2\n"multi\nline",x\nnext,y\n');
    expect(parsed.ok && parsed.records.map((r) => [r.line, ...r.fields])).toEqual([
      [1, "h1", "h2"],
      [2, "multi\nline", "x"],
      [4, "next", "y"],
    ]);
  });

  it("ignores a byte-order mark and blank lines, and reads a last line without a line end", () => {
    expect(fieldsOf("\uFEFFmsisdn\n\n4791234567\n\n4791234568")).toEqual([
      ["msisdn"],
      ["4791234567"],
      ["4791234568"],
    ]);
  });

  it("takes semicolons as the separator when the header has them and no commas (Nordic spreadsheets)", () => {
    const parsed = parseCsv("msisdn;display_name\n4791234567;Åse, the first\n");
    expect(parsed.ok && parsed.delimiter).toBe(";");
    expect(fieldsOf("msisdn;display_name\n4791234567;Åse, the first\n")[1]).toEqual([
      "4791234567",
      "Åse, the first",
    ]);
  });

  it("refuses an unclosed quote, a quote inside an unquoted field and text after a closing quote, with the line", () => {
    expect(parseCsv('a\n"open\nstill open')).toMatchObject({
      ok: false,
      line: 2,
      problem: expect.stringContaining("never closed") as unknown,
    });
    expect(parseCsv('a\nab"c\n')).toMatchObject({
      ok: false,
      line: 2,
      problem: expect.stringContaining("quote inside an unquoted field") as unknown,
    });
    expect(parseCsv('a\nb\n"x"y\n')).toMatchObject({
      ok: false,
      line: 3,
      problem: expect.stringContaining("after a closing quote") as unknown,
    });
  });

  it("reads back whatever formatCsvLine wrote (property)", () => {
    const field = fc.string({
      unit: fc.constantFrom("a", "æ", "Ø", " ", ",", ";", '"', "\n", "\r", "1", "="),
      maxLength: 12,
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom<"," | ";">(",", ";"),
        (rows, delimiter) => {
          const width = rows[0]?.length ?? 2;
          const table = rows.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? ""));
          const text = table.map((r) => formatCsvLine(r, delimiter)).join("");
          const parsed = parseCsv(
            `${formatCsvLine(
              Array.from({ length: width }, (_, i) => `h${i}`),
              delimiter,
            )}${text}`,
          );
          expect(parsed.ok).toBe(true);
          if (parsed.ok)
            expect(parsed.records.slice(1).map((r) => r.fields)).toEqual(
              table.filter((r) => !(r.length === 1 && r[0] === "")),
            );
        },
      ),
    );
  });
});
