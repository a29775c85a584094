import { sanitizeText, type Language } from "../../lib/locale/index.js";
import { printerError } from "./errors.js";

type Align = "left" | "center" | "right";

/**
 * A laid-out receipt: what the ESC/POS encoder and the plain-text renderer both consume. Every
 * text block already fits one printed line (`columns / size` characters).
 */
export type PrintBlock =
  | {
      readonly kind: "text";
      readonly text: string;
      readonly align: Align;
      readonly bold: boolean;
      readonly size: 1 | 2;
    }
  /** A QR code (model 2, error correction M); `moduleSize` is printer dots per module, 1–8. */
  | { readonly kind: "qr"; readonly content: string; readonly moduleSize: number }
  | { readonly kind: "feed"; readonly lines: number }
  | { readonly kind: "cut" };

interface TextStyle {
  readonly align?: Align;
  readonly bold?: boolean;
  readonly size?: 1 | 2;
}

const length = (s: string): number => [...s].length;

/** Collects blocks for a paper `columns` characters wide (font A). */
export class BlockWriter {
  readonly blocks: PrintBlock[] = [];
  constructor(readonly columns: number) {}

  /** Word-wrapped text; control characters removed. */
  text(value: string, style: TextStyle = {}): this {
    const size = style.size ?? 1;
    for (const line of wrap(sanitizeText(value), Math.floor(this.columns / size))) {
      this.blocks.push({
        kind: "text",
        text: line,
        align: style.align ?? "left",
        bold: style.bold ?? false,
        size,
      });
    }
    return this;
  }

  /** One pre-formatted line, spaces kept, cut at the paper width. */
  line(value: string, style: TextStyle = {}): this {
    const size = style.size ?? 1;
    const text = [...sanitizeText(value)].slice(0, Math.floor(this.columns / size)).join("");
    this.blocks.push({ kind: "text", text, align: style.align ?? "left", bold: style.bold ?? false, size });
    return this;
  }

  /**
   * `left` and `right` on one line, `right` flush right; `left` wraps above when both do not
   * fit. A double-size row that does not fit one line is printed at normal size, bold.
   */
  row(left: string, right: string, style: Omit<TextStyle, "align"> = {}): this {
    const size = style.size ?? 1;
    const width = Math.floor(this.columns / size);
    const l = sanitizeText(left);
    const r = sanitizeText(right);
    if (size === 2 && length(l) + 1 + length(r) > width)
      return this.row(left, right, { bold: true, size: 1 });
    const indent = /^ */.exec(l)?.[0] ?? "";
    const lines = wrap(l, Math.max(1, width - indent.length)).map((line) => indent + line);
    const last = lines.pop() ?? "";
    for (const line of lines)
      this.blocks.push({ kind: "text", text: line, align: "left", bold: style.bold ?? false, size });
    if (length(last) + 1 + length(r) <= width) {
      this.blocks.push({
        kind: "text",
        text: last + " ".repeat(width - length(last) - length(r)) + r,
        align: "left",
        bold: style.bold ?? false,
        size,
      });
    } else {
      if (last !== "")
        this.blocks.push({ kind: "text", text: last, align: "left", bold: style.bold ?? false, size });
      this.blocks.push({ kind: "text", text: r, align: "right", bold: style.bold ?? false, size });
    }
    return this;
  }

  rule(char = "-"): this {
    this.blocks.push({ kind: "text", text: char.repeat(this.columns), align: "left", bold: false, size: 1 });
    return this;
  }

  qr(content: string, moduleSize: number): this {
    this.blocks.push({ kind: "qr", content, moduleSize });
    return this;
  }

  feed(lines = 1): this {
    this.blocks.push({ kind: "feed", lines });
    return this;
  }

  cut(): this {
    this.blocks.push({ kind: "cut" });
    return this;
  }
}

export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    let rest = word;
    while (length(rest) > width) {
      if (current !== "") lines.push(current);
      current = "";
      lines.push([...rest].slice(0, width).join(""));
      rest = [...rest].slice(width).join("");
    }
    if (rest === "") continue;
    if (current === "") current = rest;
    else if (length(current) + 1 + length(rest) <= width) current += ` ${rest}`;
    else {
      lines.push(current);
      current = rest;
    }
  }
  if (current !== "") lines.push(current);
  return lines;
}

/**
 * One formatter per time zone: building an Intl.DateTimeFormat loads the zone's rules and costs
 * far more than formatting with it, and a till prints in one zone. Bounded by the zones a config
 * can name (one per process in practice).
 */
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dateTimeFormats.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat("en-GB", {
        timeZone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      });
    } catch (error) {
      throw printerError("PRINTER_BAD_CONFIG", `unknown time zone ${JSON.stringify(timeZone)}`, {
        cause: error,
      });
    }
    dateTimeFormats.set(timeZone, format);
  }
  return format;
}

/** `25.11.2025 14:03` (nb, da, fi) or `2025-11-25 14:03` (en), in `timeZone`. */
export function formatDateTime(time: number, language: Language, timeZone: string): string {
  const parts = dateTimeFormat(timeZone).formatToParts(time);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? "";
  const clock = `${part("hour")}:${part("minute")}`;
  return language === "en"
    ? `${part("year")}-${part("month")}-${part("day")} ${clock}`
    : `${part("day")}.${part("month")}.${part("year")} ${clock}`;
}

/** Basis points as a percentage: `25 %`, `25,5 %` (`25.5 %` in English). */
export function formatRate(basisPoints: number, language: Language): string {
  const whole = Math.floor(basisPoints / 100);
  const fraction = (basisPoints % 100).toString().padStart(2, "0").replace(/0+$/, "");
  return fraction === "" ? `${whole} %` : `${whole}${language === "en" ? "." : ","}${fraction} %`;
}

/** A register quantity (`"0.455"`) with the language's decimal mark. */
export function formatQuantity(quantity: string, language: Language): string {
  return language === "en" ? quantity : quantity.replace(".", ",");
}
