import type { Language } from "./language.js";

/** The call to action under the till's QR, on the customer display and on the printed sticker alike. */
export const SCAN_TO_PAY: Readonly<Record<Language, string>> = {
  nb: "Skann for å betale",
  da: "Scan for at betale",
  fi: "Skannaa ja maksa",
  en: "Scan to pay",
};
