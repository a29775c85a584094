import type { Currency } from "../money.js";

/** The app the customer pays with. */
export type Brand = "vipps" | "mobilepay";

/** Config `display.brand`: `auto` resolves from the sales unit's currency. */
export const BRAND_SETTINGS = ["auto", "vipps", "mobilepay"] as const;
export type BrandSetting = (typeof BRAND_SETTINGS)[number];

export function isBrand(value: unknown): value is Brand {
  return value === "vipps" || value === "mobilepay";
}

/** `auto`: Vipps for NOK sales units (Norway), MobilePay for DKK and EUR (Denmark, Finland). */
export function resolveBrand(setting: BrandSetting, currency: Currency): Brand {
  if (setting !== "auto") return setting;
  return currency === "NOK" ? "vipps" : "mobilepay";
}

export function brandName(brand: Brand): string {
  return brand === "vipps" ? "Vipps" : "MobilePay";
}
