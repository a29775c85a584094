/**
 * Removes C0/C1 control characters (ESC included) so text from the register, config or a
 * member record can never inject terminal or printer commands.
 */
export function sanitizeText(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0x20 && (code < 0x7f || code > 0x9f)) out += char;
  }
  return out;
}
