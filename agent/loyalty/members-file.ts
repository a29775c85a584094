import { readPieces } from "./blocking-io.js";
import { loyaltyError } from "./errors.js";

/**
 * A members CSV file (or stdin, `-`) as UTF-8 text, a piece at a time, for importMembers.
 * Spreadsheets also save "CSV" as Windows-1252, where æøå are not UTF-8: that is refused with
 * LOYALTY_CSV_UNREADABLE (and how to save it), as is a file that cannot be read. Such an error
 * may come after some pieces: the import is all or nothing, so nothing was imported.
 */
export function* membersFileText(file: string): Generator<string> {
  const name = file === "-" ? "stdin" : file;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const decode = (bytes?: Uint8Array): string => {
    try {
      return bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true });
    } catch {
      throw loyaltyError(
        "LOYALTY_CSV_UNREADABLE",
        `${name} is not UTF-8 text (save it as "CSV UTF-8" in the spreadsheet)`,
      );
    }
  };
  const pieces = readPieces(file);
  const next = (): IteratorResult<Uint8Array> => {
    try {
      return pieces.next();
    } catch (error) {
      throw loyaltyError(
        "LOYALTY_CSV_UNREADABLE",
        `cannot read ${name}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        { cause: error },
      );
    }
  };
  for (let piece = next(); piece.done !== true; piece = next()) yield decode(piece.value);
  yield decode();
}
