import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvReader, formatCsvLine, parseCsv, type CsvItem } from "./csv.js";

const fieldsOf = (text: string): string[][] => {
  const parsed = parseCsv(text);
  if (parsed.problems.length > 0) throw new Error(JSON.stringify(parsed.problems));
  return parsed.records.map((r) => [...r.fields]);
};

/** What the reader emits for `text` pushed in the given pieces. */
function itemsInPieces(text: string, cuts: readonly number[]): CsvItem[] {
  const reader = new CsvReader(200);
  const items: CsvItem[] = [];
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    reader.push(text.slice(at, Math.max(at, cut)), (i) => items.push(i));
    at = Math.max(at, cut);
  }
  reader.push(text.slice(at), (i) => items.push(i));
  reader.end((i) => items.push(i));
  return items;
}

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
    expect(parsed.records.map((r) => [r.line, ...r.fields])).toEqual([
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
    expect(parsed.delimiter).toBe(";");
    expect(fieldsOf("msisdn;display_name\n4791234567;Åse, the first\n")[1]).toEqual([
      "4791234567",
      "Åse, the first",
    ]);
  });

  it("reports a broken row with its line and reads on at the next line", () => {
    expect(parseCsv('a\nab"c\nok1\n"x"y\nok2\n')).toEqual({
      records: [
        { line: 1, fields: ["a"] },
        { line: 3, fields: ["ok1"] },
        { line: 5, fields: ["ok2"] },
      ],
      problems: [
        { line: 2, problem: expect.stringContaining("quote inside an unquoted field") as unknown },
        { line: 4, problem: expect.stringContaining("after a closing quote") as unknown },
      ],
      delimiter: ",",
    });
  });

  it("a quote that never closes costs its own line only: the lines it swallowed are read again", () => {
    expect(parseCsv('h,v\n1,"open\n2,b\n3,"c\n4,d')).toEqual({
      records: [
        { line: 1, fields: ["h", "v"] },
        { line: 3, fields: ["2", "b"] },
        { line: 5, fields: ["4", "d"] },
      ],
      problems: [
        // Its quote paired with the one on line 4: the record ran on and broke there.
        {
          line: 2,
          problem:
            'an unbalanced quote? a field quoted on this line runs on to line 4, where: text after a closing quote (a quote inside a field must be doubled: "")',
        },
        { line: 4, problem: "a quoted field is never closed" },
      ],
      delimiter: ",",
    });
  });

  it("a quote that runs on past the longest record is cut off there, and reading goes on", () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i},xxxxxxxxxx`).join("\n");
    const items = itemsInPieces(`h,v\n0,"open\n${rows}\n`, [7, 50, 120]);
    expect(items[1]).toEqual({
      kind: "problem",
      line: 2,
      problem: expect.stringContaining("more than 200") as unknown,
    });
    expect(items.filter((i) => i.kind === "record")).toHaveLength(31);
    expect(items.at(-1)).toEqual({ kind: "record", line: 32, fields: ["29", "xxxxxxxxxx"] });
  });

  it("reads the same records whatever the pieces the text comes in (property)", () => {
    const text = 'h1;h2\r\n"a ""q""\r\nb";x\r\n\r\nplain;"semi;colon"\r\nbad"q;1\r\n"open;2\r\nlast;3';
    const whole = itemsInPieces(text, []);
    expect(whole.filter((i) => i.kind === "problem")).toHaveLength(2);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 8 }), (cuts) => {
        expect(itemsInPieces(text, cuts)).toEqual(whole);
      }),
    );
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
          expect(parsed.problems).toEqual([]);
          expect(parsed.records.slice(1).map((r) => r.fields)).toEqual(
            table.filter((r) => !(r.length === 1 && r[0] === "")),
          );
        },
      ),
    );
  });
});
