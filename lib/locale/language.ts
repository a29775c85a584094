/**
 * Languages of everything a customer reads — the customer display, receipts, the QR sticker
 * (config `display.language`): Norwegian bokmål, Danish, Finnish, English.
 */
export const LANGUAGES = ["nb", "da", "fi", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}
