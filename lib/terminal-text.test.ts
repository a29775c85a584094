import { describe, expect, it } from "vitest";
import { terminalSafe, terminalSafeJson, terminalSafeValue } from "./terminal-text.js";

const ESC = "\u001b";

describe("terminalSafe", () => {
  it.each([
    ["clear screen (CSI)", `${ESC}[2JKASSE-01`, "KASSE-01"],
    ["cursor home and erase line", `A${ESC}[H${ESC}[2KB`, "AB"],
    ["hidden text (SGR 8) and reset", `ok${ESC}[8mhidden${ESC}[0m`, "okhidden"],
    ["window title (OSC … BEL)", `${ESC}]0;pwned\u0007till`, "till"],
    ["window title (OSC … ST)", `${ESC}]2;pwned${ESC}\\till`, "till"],
    ["hyperlink (OSC 8)", `${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\`, "click"],
    ["device control string", `${ESC}Pq#0;2;0;0;0${ESC}\\x`, "x"],
    ["unterminated OSC swallows the rest", `id${ESC}]0;never ends`, "id"],
    ["8-bit CSI (U+009B)", "\u009b2Jid", "id"],
    ["8-bit OSC (U+009D) ended by ST (U+009C)", "\u009d0;t\u009cid", "id"],
    ["other C1 controls", "a\u0085b\u0084c\u008ed", "a bcd"],
    ["two-byte escapes (charset switch, reset)", `${ESC}(0q${ESC}c`, "q"],
    ["lone ESC at the end", `id${ESC}`, "id"],
    ["C0 controls and DEL", "a\u0000b\u0007c\u0008d\u007fe", "abcde"],
    ["line breaks and tabs become spaces", "one\ntwo\r\nthree\tfour", "one two  three four"],
    ["bidi overrides and isolates", "abc\u202edcba\u2066x\u2069\u200f", "abcdcbax"],
    [
      "Nordic letters, currency and emoji are kept",
      "Åse Ødegård æøå ÆØÅ € ☕ 🧾",
      "Åse Ødegård æøå ÆØÅ € ☕ 🧾",
    ],
    ["plain text is unchanged", "S-20260302-0042 kasse1-mwvq0nml-1", "S-20260302-0042 kasse1-mwvq0nml-1"],
  ])("%s", (_name, input, expected) => {
    expect(terminalSafe(input)).toBe(expected);
  });

  it("leaves nothing a terminal would obey", () => {
    // Every code point from U+0000 to U+00FF in one string, plus the sequence introducers.
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("");
    const out = terminalSafe(`${all}${ESC}[31m${ESC}]0;x\u0007`);
    expect(out).not.toMatch(/\p{Cc}/u);
  });
});

describe("terminalSafeJson", () => {
  it("escapes the controls JSON.stringify leaves raw, and the value parses back the same", () => {
    const value = { id: `a${ESC}[2J\u009b2J\u007f\u202eb æøå`, n: 1 };
    const json = JSON.stringify(value, null, 2);
    expect(json).toMatch(/[\u007f-\u009f\u202e]/);
    const safe = terminalSafeJson(json);
    expect(safe).not.toMatch(/(?!\n)[\p{Cc}\u202e]/u);
    expect(safe).toContain("æøå");
    expect(JSON.parse(safe)).toEqual(value);
  });
});

describe("terminalSafeValue", () => {
  it("cleans every string of a nested value, keys included, and keeps numbers and booleans", () => {
    expect(
      terminalSafeValue({
        [`k${ESC}[2J`]: [`a${ESC}]0;t\u0007b`, 3, true, null],
        nested: { id: "\u009b2JKASSE", n: 1 },
      }),
    ).toEqual({ k: ["ab", 3, true, null], nested: { id: "KASSE", n: 1 } });
  });
});
