import type { Currency, Money } from "../money.js";
import type { Language } from "./language.js";

/**
 * Amounts as customers in each market read them. Plain spaces (not U+00A0) separate thousands,
 * because console fonts and receipt code pages do not all have a no-break space.
 *
 * | language | NOK           | DKK            | EUR           |
 * |----------|---------------|----------------|---------------|
 * | nb/da/fi | `kr 1 234,50` | `1.234,50 kr.` | `1 234,50 €`  |
 * | en       | `NOK 1,234.50`| `DKK 1,234.50` | `€1,234.50`   |
 *
 * The currency picks the market's convention (a Danish shop with Norwegian texts still shows
 * `1.234,50 kr.`); English texts use ISO codes so an NOK and a DKK amount cannot be confused.
 * All three currencies have two decimals (ISO 4217).
 */
export function formatAmount(money: Money, language: Language): string {
  const number = formatMinorUnits(money.value, money.currency, language);
  if (language === "en") return money.currency === "EUR" ? `€${number}` : `${money.currency} ${number}`;
  switch (money.currency) {
    case "NOK":
      return `kr ${number}`;
    case "DKK":
      return `${number} kr.`;
    case "EUR":
      return `${number} €`;
  }
}

/**
 * The number alone (`1 234,50`, `1.234,50`, `1,234.50`), for receipt columns where the
 * currency is printed once. Accepts negative safe integers (discounts, refunds): `-5,00`.
 */
export function formatMinorUnits(value: number, currency: Currency, language: Language): string {
  const { group, decimal } = separators(currency, language);
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(value);
  const major = Math.floor(abs / 100).toString();
  const minor = (abs % 100).toString().padStart(2, "0");
  const grouped = major.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${sign}${grouped}${decimal}${minor}`;
}

function separators(currency: Currency, language: Language): { group: string; decimal: string } {
  if (language === "en") return { group: ",", decimal: "." };
  return currency === "DKK" ? { group: ".", decimal: "," } : { group: " ", decimal: "," };
}
