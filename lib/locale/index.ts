/**
 * What the customer display and the receipt printer both show, defined once: the languages,
 * the brand per market, amounts as each market writes them, text made safe for a device, and
 * the phrases both print. Neither driver imports the other.
 */
export { LANGUAGES, isLanguage, type Language } from "./language.js";
export { BRAND_SETTINGS, brandName, isBrand, resolveBrand, type Brand, type BrandSetting } from "./brand.js";
export { formatAmount, formatMinorUnits } from "./amount-format.js";
export { sanitizeText } from "./printable-text.js";
export { SCAN_TO_PAY } from "./shared-texts.js";
