/**
 * CSV as RFC 4180 describes it, for member import and export: fields separated by commas (or
 * semicolons, which spreadsheets in Norway, Denmark and Finland write), quoted with `"` when
 * they hold a separator, a quote or a line break, `""` for a quote inside quotes. Lines end in
 * CRLF when written; CRLF or LF when read. A UTF-8 byte-order mark is ignored. Pure.
 *
 * Read incrementally (CsvReader), so a file of any size is read in bounded memory, and a
 * broken record costs that record only: the reader reports it with its line and carries on
 * with the next line.
 */
export interface CsvRecord {
  /** 1-based line of the file where the record starts (quoted fields may span lines). */
  readonly line: number;
  readonly fields: readonly string[];
}

export interface CsvProblem {
  readonly line: number;
  readonly problem: string;
}

export type CsvItem = ({ readonly kind: "record" } & CsvRecord) | ({ readonly kind: "problem" } & CsvProblem);

/**
 * The longest record, in characters: a quoted field that never closes would otherwise swallow
 * the rest of the file. A member row is a few hundred characters; its claims a few thousand.
 */
const MAX_RECORD_CHARS = 65_536;

const NEVER_CLOSED = "a quoted field is never closed";

/**
 * Pushes decoded text through in chunks of any size; calls `emit` for each record and each
 * broken record, in file order. The delimiter is `;` when the first line has semicolons and no
 * commas, else `,`.
 */
export class CsvReader {
  private delimiter: "," | ";" | undefined;
  /** Text not parsed yet: the start of the first line (until the delimiter is known), or a last
   * character whose meaning depends on the next one (`"` in quotes, `\r`). */
  private held = "";
  private fields: string[] = [];
  private field = "";
  private quoted = false;
  /** The current field was quoted and its closing quote is behind us. */
  private closed = false;
  /** Skipping the rest of a broken line. */
  private skipping = false;
  /** The current record's text as read: after an unclosed quote its lines are read again. */
  private raw = "";
  private line = 1;
  private recordLine = 1;

  constructor(private readonly maxRecordChars = MAX_RECORD_CHARS) {}

  get separator(): "," | ";" | undefined {
    return this.delimiter;
  }

  push(chunk: string, emit: (item: CsvItem) => void): void {
    let text = this.held + chunk;
    this.held = "";
    if (this.delimiter === undefined) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      const end = text.search(/\r?\n/);
      if (end === -1 && text.length <= this.maxRecordChars) {
        this.held = text;
        return;
      }
      this.delimiter = delimiterOf(end === -1 ? text : text.slice(0, end));
    }
    this.scan(text, emit, false);
  }

  /** The end of the input: the last record (a last line needs no line end). */
  end(emit: (item: CsvItem) => void): void {
    let text = this.held;
    this.held = "";
    if (this.delimiter === undefined) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.delimiter = delimiterOf(text);
    }
    this.scan(text, emit, true);
  }

  private scan(input: string, emit: (item: CsvItem) => void, final: boolean): void {
    const delimiter = this.delimiter ?? ",";
    let text = input;
    let i = 0;
    /** The record is bad: report it and go on with what is left (see `reject`). */
    const fail = (problem: string): void => {
      text = this.reject(problem, emit) + text.slice(i + 1);
      i = -1;
    };
    for (; ; i++) {
      if (i >= text.length) {
        if (!final) return;
        if (this.quoted) {
          i = text.length - 1;
          fail(NEVER_CLOSED);
          continue;
        }
        if (!this.skipping && (this.field !== "" || this.fields.length > 0 || this.closed))
          this.endRecord(emit);
        return;
      }
      const c = text.charAt(i);
      if (this.skipping) {
        if (c === "\n") {
          this.skipping = false;
          this.line++;
          this.recordLine = this.line;
        }
        continue;
      }
      const next = text.charAt(i + 1);
      if (!final && i + 1 === text.length && ((this.quoted && c === '"') || (!this.quoted && c === "\r"))) {
        // `""` or `\r\n` may be split between two chunks: decide when the next one comes.
        this.held = c;
        return;
      }
      this.raw += c;
      if (this.raw.length > this.maxRecordChars) {
        fail(
          this.quoted
            ? `a quoted field runs on for more than ${this.maxRecordChars} characters (never closed?)`
            : `a row longer than ${this.maxRecordChars} characters`,
        );
        continue;
      }
      if (this.quoted) {
        if (c !== '"') {
          if (c === "\n") this.line++;
          this.field += c;
        } else if (next === '"') {
          this.field += '"';
          this.raw += '"';
          i++;
        } else {
          this.quoted = false;
          this.closed = true;
        }
      } else if (c === delimiter) {
        this.fields.push(this.field);
        this.field = "";
        this.closed = false;
      } else if (c === "\n") {
        this.endRecord(emit);
        this.line++;
        this.recordLine = this.line;
      } else if (c === "\r") {
        // CRLF ends the line at the \n; a CR at the very end of the file is a line end too.
        if (next !== "\n" && i + 1 < text.length) fail("a carriage return inside an unquoted field");
      } else if (this.closed) {
        fail('text after a closing quote (a quote inside a field must be doubled: "")');
      } else if (c === '"') {
        if (this.field === "") this.quoted = true;
        else fail("a quote inside an unquoted field (quote the whole field and double the quote)");
      } else {
        this.field += c;
      }
    }
  }

  private endRecord(emit: (item: CsvItem) => void): void {
    this.fields.push(this.field);
    // A blank line is not a record (files often end with one or two).
    if (!(this.fields.length === 1 && this.fields[0] === "" && !this.closed))
      emit({ kind: "record", line: this.recordLine, fields: this.fields });
    this.resetRecord();
  }

  private resetRecord(): void {
    this.fields = [];
    this.field = "";
    this.quoted = false;
    this.closed = false;
    this.raw = "";
  }

  /**
   * Reports the current record as bad at the line it starts on, and returns the text to read
   * again. A record that stayed on its first line: nothing (the rest of that line is skipped).
   * One that ran on over more lines (an unbalanced quote took them): the lines after its first,
   * which are most likely rows of their own — so one stray quote costs one row, not the file.
   */
  private reject(problem: string, emit: (item: CsvItem) => void): string {
    const raw = this.raw;
    const asIs = this.quoted || this.line === this.recordLine;
    emit({
      kind: "problem",
      line: this.recordLine,
      // Broken lines below the record's first: the cause is most likely a quote opened here.
      problem: asIs
        ? problem
        : `an unbalanced quote? a field quoted on this line runs on to line ${this.line}, where: ${problem}`,
    });
    this.resetRecord();
    const lineEnd = raw.indexOf("\n");
    if (lineEnd === -1) {
      this.line = this.recordLine;
      this.skipping = true;
      return "";
    }
    this.line = this.recordLine + 1;
    this.recordLine = this.line;
    return raw.slice(lineEnd + 1);
  }
}

function delimiterOf(header: string): "," | ";" {
  return header.includes(";") && !header.includes(",") ? ";" : ",";
}

/** The whole text at once (small inputs and tests): every record and every problem, in file order. */
export function parseCsv(input: string): {
  readonly records: readonly CsvRecord[];
  readonly problems: readonly CsvProblem[];
  readonly delimiter: "," | ";";
} {
  const reader = new CsvReader();
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  const emit = (item: CsvItem): void => {
    if (item.kind === "record") records.push({ line: item.line, fields: item.fields });
    else problems.push({ line: item.line, problem: item.problem });
  };
  reader.push(input, emit);
  reader.end(emit);
  return { records, problems, delimiter: reader.separator ?? "," };
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
