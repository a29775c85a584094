import { parse as parseYaml } from "yaml";
import type { KeyKind } from "./schema-keys.js";

/**
 * A value typed on the command line, turned into what the schema expects at that key. Ranges
 * and formats are left to the schema's validation of the whole file; this only decides the type
 * (so `msn 123456` stays a string and `columns 42` becomes a number).
 */
export type Parsed =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string };

export function parseValue(kind: KeyKind, text: string): Parsed {
  switch (kind.kind) {
    case "string":
      return { ok: true, value: text };
    case "integer":
      return /^-?\d{1,15}$/.test(text.trim())
        ? { ok: true, value: Number.parseInt(text.trim(), 10) }
        : { ok: false, problem: "expected an integer" };
    case "number": {
      const trimmed = text.trim();
      return /^-?\d+(\.\d+)?$/.test(trimmed)
        ? { ok: true, value: Number(trimmed) }
        : { ok: false, problem: "expected a number" };
    }
    case "boolean":
      if (text.trim() === "true") return { ok: true, value: true };
      if (text.trim() === "false") return { ok: true, value: false };
      return { ok: false, problem: "expected true or false" };
    case "choice": {
      const match = kind.values.find((v) => String(v) === text.trim());
      return match === undefined
        ? { ok: false, problem: `expected one of ${kind.values.map(String).join(", ")}` }
        : { ok: true, value: match };
    }
    case "list":
      return parseList(kind.element, text);
    case "section":
      return { ok: false, problem: `is a section; set its keys one by one (${kind.keys.join(", ")})` };
  }
}

/** A YAML flow or JSON list (`[openid, name]`, `["Kaffebaren AS", "Org.nr. 999"]`), or `[]`. */
function parseList(element: KeyKind, text: string): Parsed {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch {
    return { ok: false, problem: 'expected a list, e.g. [a, b] or ["a b", "c"]' };
  }
  if (!Array.isArray(raw)) return { ok: false, problem: 'expected a list, e.g. [a, b] or ["a b", "c"]' };
  const values: unknown[] = [];
  for (const [i, item] of raw.entries()) {
    if (item === null || typeof item === "object")
      return { ok: false, problem: `item ${i + 1}: expected a plain value` };
    const parsed = parseValue(element, String(item));
    if (!parsed.ok) return { ok: false, problem: `item ${i + 1}: ${parsed.problem}` };
    values.push(parsed.value);
  }
  return { ok: true, value: values };
}
