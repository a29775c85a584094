/**
 * CSV as RFC 4180 describes it, for member import and export: fields separated by commas (or
 * semicolons, which spreadsheets in Norway, Denmark and Finland write), quoted with `"` when
 * they hold a separator, a quote or a line break, `""` for a quote inside quotes. Lines end in
 * CRLF when written; CRLF or LF when read. A UTF-8 byte-order mark is ignored. Pure.
 */
export interface CsvRecord {
  /** 1-based line of the file where the record starts (quoted fields may span lines). */
  readonly line: number;
  readonly fields: readonly string[];
}

export type CsvParse =
  | { readonly ok: true; readonly records: readonly CsvRecord[]; readonly delimiter: "," | ";" }
  | { readonly ok: false; readonly line: number; readonly problem: string };

/** `;` when the header line has semicolons and no commas, else `,`. */
function detectDelimiter(text: string): "," | ";" {
  const end = text.search(/\r?\n/);
  const header = end === -1 ? text : text.slice(0, end);
  return header.includes(";") && !header.includes(",") ? ";" : ",";
}

export function parseCsv(input: string): CsvParse {
  const text = input.startsWith("\uFEFF") ? input.slice(1) : input;
  const delimiter = detectDelimiter(text);
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  /** The current field was quoted and its closing quote is behind us. */
  let closed = false;
  const endRecord = (): void => {
    fields.push(field);
    // A blank line is not a record (files often end with one or two).
    if (!(fields.length === 1 && fields[0] === "" && !closed)) records.push({ line: recordLine, fields });
    fields = [];
    field = "";
    closed = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"') {
        if (text.charAt(i + 1) === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          closed = true;
        }
      } else {
        if (c === "\n") line++;
        field += c;
      }
      continue;
    }
    if (c === delimiter) {
      fields.push(field);
      field = "";
      closed = false;
    } else if (c === "\n" || (c === "\r" && text.charAt(i + 1) === "\n")) {
      if (c === "\r") i++;
      endRecord();
      line++;
      recordLine = line;
    } else if (closed) {
      return {
        ok: false,
        line,
        problem: 'text after a closing quote (a quote inside a field must be doubled: "")',
      };
    } else if (c === '"') {
      if (field !== "")
        return {
          ok: false,
          line,
          problem: "a quote inside an unquoted field (quote the whole field and double the quote)",
        };
      quoted = true;
    } else {
      field += c;
    }
  }
  if (quoted) return { ok: false, line: recordLine, problem: "a quoted field is never closed" };
  if (field !== "" || fields.length > 0 || closed) endRecord();
  return { ok: true, records, delimiter };
}

function quote(value: string, delimiter: string): string {
  return value.includes(delimiter) || /["\r\n]/.test(value) || value !== value.trim()
    ? `"${value.replaceAll('"', '""')}"`
    : value;
}

/** One CSV line with its CRLF. */
export function formatCsvLine(fields: readonly string[], delimiter: "," | ";" = ","): string {
  return `${fields.map((f) => quote(f, delimiter)).join(delimiter)}\r\n`;
}
