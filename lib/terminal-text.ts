/**
 * Text from outside — the register, Vipps, the broker, a member file — made safe to print on the
 * technician's terminal. A terminal obeys control characters wherever they come from: a
 * register whose hello id is `ESC[2J` clears the screen, `ESC]0;…BEL` retitles the window,
 * `ESC[8m` hides what follows, and C1 controls (U+0080–U+009F) do the same on terminals that
 * honour them. Printable Unicode (æøå, €, emoji) is kept.
 *
 * Whole escape sequences are removed, not just their ESC, so `ESC[2J` leaves nothing behind
 * (ECMA-48 §5.4: CSI = parameter bytes 0x30–0x3F, intermediates 0x20–0x2F, a final 0x40–0x7E;
 * OSC, DCS, SOS, PM and APC are strings ended by ST, or BEL for OSC as xterm allows).
 */

// Each alternative is one sequence; an unterminated one runs to the end of the text.
const ESCAPE_SEQUENCE = new RegExp(
  [
    // CSI, 7-bit (ESC [) or 8-bit (U+009B)
    "(?:\\u001b\\[|\\u009b)[\\u0030-\\u003f]*[\\u0020-\\u002f]*[\\u0040-\\u007e]?",
    // control strings: OSC, DCS, SOS, PM, APC, 7-bit or 8-bit, up to ST (ESC \ or U+009C) or BEL
    "(?:\\u001b[\\]PX^_]|[\\u0090\\u0098\\u009d\\u009e\\u009f])[^]*?(?:\\u0007|\\u001b\\\\|\\u009c|$)",
    // any other escape: ESC, intermediates, one final byte
    "\\u001b[\\u0020-\\u002f]*[\\u0030-\\u007e]?",
  ].join("|"),
  "g",
);

/** Line breaks and tabs: one space, so a foreign value can neither forge a line nor glue words together. */
const LAYOUT_CONTROLS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;

/**
 * What is left after the sequences: C0, DEL, C1, and the bidirectional overrides and isolates
 * (U+061C, U+200E/F, U+202A–E, U+2066–9), which reorder what the technician reads.
 */
const OTHER_CONTROLS = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** Foreign text as one line of printable characters, for human-readable CLI output. */
export function terminalSafe(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, "").replace(LAYOUT_CONTROLS, " ").replace(OTHER_CONTROLS, "");
}

/**
 * A JSON-like value (an answer of the running agent, a doctor report) with every string in it,
 * keys included, passed through `terminalSafe` — for renderers that print many of its fields.
 */
export function terminalSafeValue<T>(value: T): T {
  if (typeof value === "string") return terminalSafe(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => terminalSafeValue(item)) as T;
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[terminalSafe(key)] = terminalSafeValue(item);
    return out as T;
  }
  return value;
}

/** The characters JSON.stringify leaves raw that a terminal still obeys (it escapes only C0). */
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/**
 * JSON text (from JSON.stringify) safe to print on a terminal: the control characters it left
 * raw become `\uXXXX` escapes. Outside strings JSON has only ASCII, so the parsed value is
 * exactly the same — a script reading `--json` output loses nothing.
 */
export function terminalSafeJson(json: string): string {
  return json.replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
